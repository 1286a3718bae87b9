/* name-addr / addr-spec with header parameters (RFC 3261 20.10, 25.1): From, To,
 * Contact, Route, Record-Route, Refer-To... */
#include <siprelay/sip.h>

#include "sip_lex.h"

static int parse_angle(struct sr_cur *c, struct sr_sip_nameaddr *na)
{
	c->p++; /* '<' */
	const char *gt = memchr(c->p, '>', (size_t)(c->end - c->p));
	if (gt == NULL || gt == c->p)
		return -1;
	/* no LWS inside the brackets (RFC 4475 3.1.2.14) */
	if (sr_has_lws(c->p, gt))
		return -1;
	na->uri = sr_slice_make(c->p, (size_t)(gt - c->p));
	na->angle = true;
	c->p = gt + 1;
	return 0;
}

/* addr-spec form: the URI runs to the first ';' (header parameters follow) or LWS; it
 * must then not contain ',' or '?' (RFC 3261 20: such URIs need the <> form). */
static int parse_addr_spec(struct sr_cur *c, struct sr_sip_nameaddr *na)
{
	const char *e = c->p;
	while (e < c->end && *e != ';' && !sr_is(*e, SR_C_LWS))
		e++;
	na->uri = sr_slice_make(c->p, (size_t)(e - c->p));
	if (memchr(na->uri.p, '?', na->uri.len) || memchr(na->uri.p, ',', na->uri.len))
		return -1;
	c->p = e;
	return 0;
}

int sr_nameaddr_split(struct sr_slice s, struct sr_sip_nameaddr *na, bool check_params)
{
	memset(na, 0, sizeof(*na));
	struct sr_cur c = sr_cur_of(sr_slice_trim(s));
	if (sr_cur_eof(&c))
		return -1;
	if (c.end - c.p == 1 && *c.p == '*') {
		na->star = true;
		return 0;
	}

	int rc;
	if (*c.p == '"') {
		if (!sr_take_quoted(&c, &na->display))
			return -1;
		sr_skip_lws(&c);
		if (sr_cur_peek(&c) != '<')
			return -1;
		rc = parse_angle(&c, na);
	} else {
		/* display-name = *(token LWS): scan that far and see whether '<' follows */
		struct sr_cur t = c;
		while (!sr_cur_eof(&t) && sr_is(*t.p, SR_C_TOKEN | SR_C_LWS))
			t.p++;
		if (sr_cur_peek(&t) == '<') {
			na->display = sr_slice_trim(sr_slice_make(c.p, (size_t)(t.p - c.p)));
			c = t;
			rc = parse_angle(&c, na);
		} else {
			rc = parse_addr_spec(&c, na);
		}
	}
	if (rc < 0)
		return -1;

	sr_skip_lws(&c);
	na->params = sr_slice_make(c.p, (size_t)(c.end - c.p));
	if (!check_params)
		return 0;
	struct sr_slice n, v;
	while ((rc = sr_param_next(&c, &n, &v)) > 0)
		;
	return rc;
}

int sr_sip_nameaddr_parse(struct sr_slice s, struct sr_sip_nameaddr *na)
{
	struct sr_sip_uri u;
	if (sr_nameaddr_split(s, na, true) < 0)
		return -1;
	return na->star ? 0 : sr_sip_uri_parse(na->uri, &u);
}
