/* Comma-separated header values and generic parameters (RFC 3261 7.3.1, 25.1). */
#include <siprelay/sip.h>

#include "sip_lex.h"

int sr_sip_list_next(struct sr_slice *rest, struct sr_slice *elem)
{
	struct sr_cur c = sr_cur_of(*rest);
	sr_skip_lws(&c);
	if (sr_cur_eof(&c))
		return 0;
	const char *start = c.p;
	size_t left = (size_t)(c.end - c.p);
	/* the usual single value: nothing to split; quotes and brackets are then checked
	 * by the parser of the element */
	if (!memchr(c.p, ',', left)) {
		*elem = sr_slice_trim(sr_slice_make(start, left));
		*rest = sr_slice_make(c.end, 0);
		return 1;
	}
	bool in_angle = false;
	while (c.p < c.end) {
		char ch = *c.p;
		if (ch == '"') {
			struct sr_slice q;
			if (!sr_take_quoted(&c, &q))
				return -1;
			continue;
		}
		if (ch == '<')
			in_angle = true;
		else if (ch == '>')
			in_angle = false;
		else if (ch == ',' && !in_angle)
			break;
		c.p++;
	}
	if (in_angle)
		return -1;
	*elem = sr_slice_trim(sr_slice_make(start, (size_t)(c.p - start)));
	if (elem->len == 0)
		return -1;
	if (c.p < c.end) {
		c.p++; /* the comma: an element must follow it */
		struct sr_cur after = c;
		sr_skip_lws(&after);
		if (sr_cur_eof(&after))
			return -1;
	}
	*rest = sr_slice_make(c.p, (size_t)(c.end - c.p));
	return 1;
}

int sr_sip_param_get(struct sr_slice params, const char *name, struct sr_slice *val)
{
	struct sr_cur c = sr_cur_of(params);
	struct sr_slice n, v;
	int rc;
	sr_skip_lws(&c);
	/* the leading ';' is optional */
	if (!sr_cur_eof(&c) && *c.p != ';')
		rc = sr_param_body(&c, &n, &v);
	else
		rc = sr_param_next(&c, &n, &v);
	int found = 0;
	for (; rc > 0; rc = sr_param_next(&c, &n, &v)) {
		if (!found && sr_slice_caseeq(n, name)) {
			*val = v;
			found = 1;
		}
	}
	return rc < 0 ? -1 : found;
}
