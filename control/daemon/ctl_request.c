/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_request.h"

/* Request lines are bounded by the server (8 KiB): so are the texts quoted back. */
#define QUOTE_MAX 48

static int refuse(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
refuse(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	/* it quotes the request (jansson's messages too): one printable ASCII line, so
	 * that the answer is valid JSON text whatever the request held */
	for (char *c = err; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	return -EINVAL;
}

/* A user's text quoted back in an error: shortened, control characters as '?'. */
static void
quote(const char *s, size_t n, char out[QUOTE_MAX + 4])
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < QUOTE_MAX; i++)
		out[k++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (n > QUOTE_MAX)
		out[k++] = '.', out[k++] = '.', out[k++] = '.';
	out[k] = '\0';
}

static const struct ctl_spec *
find_spec(const char *name)
{
	unsigned int n;
	const struct ctl_spec *s = ctl_specs(&n);

	for (unsigned int i = 0; i < n; i++)
		if (s[i].name != NULL && strcmp(s[i].name, name) == 0)
			return &s[i];
	return NULL;
}

static void
list_names(char *buf, size_t len)
{
	unsigned int n;
	const struct ctl_spec *s = ctl_specs(&n);
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "", s[i].name);
}

static void
list_fields(const struct ctl_spec *sp, uint32_t flag, char *buf, size_t len)
{
	size_t at = 0;
	int k = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < CTL_MAX_FIELDS && sp->field[i].name && at < len; i++)
		if (flag == 0 || (sp->field[i].flags & flag))
			at += (size_t)snprintf(buf + at, len - at, "%s%s", k++ ? ", " : "",
					       sp->field[i].name);
}

static bool
printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

int
ctl_endpoint_parse(const char *s, struct sr_prefix *addr, uint16_t *port)
{
	char host[64];
	const char *p = NULL, *colon = strchr(s, ':');
	size_t hl;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
			return -EINVAL;
		hl = (size_t)(close - s - 1);
		s++;
		p = close[1] == ':' ? close + 2 : NULL;
		if (p == NULL && close[1] == ':')
			return -EINVAL;
	} else if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		hl = (size_t)(colon - s);  /* one colon: IPv4 and a port */
		p = colon + 1;
	} else {
		hl = strlen(s);            /* none (IPv4) or several (bare IPv6) */
	}
	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (strchr(host, '/') != NULL || sr_prefix_parse(host, addr) < 0)
		return -EINVAL;
	*port = 0;
	if (p != NULL) {
		unsigned long v = 0;

		if (*p == '\0' || strlen(p) > 5)
			return -EINVAL;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			v = v * 10 + (unsigned long)(*p - '0');
		}
		if (v == 0 || v > 65535)
			return -EINVAL;
		*port = (uint16_t)v;
	}
	return 0;
}

static int
take_field(const struct ctl_spec *sp, const struct ctl_field *f, json_t *j, struct ctl_value *v,
	   char *err, size_t len)
{
	char q[QUOTE_MAX + 4];
	json_int_t n;

	switch (f->type) {
	case CTL_T_UINT:
		if (!json_is_integer(j))
			return refuse(err, len, "'%s': field '%s' must be an integer", sp->name,
				      f->name);
		n = json_integer_value(j);
		if (n < 0 || (uint64_t)n < f->min || (uint64_t)n > f->max)
			return refuse(err, len, "'%s': field '%s' out of range (%llu..%llu)",
				      sp->name, f->name, (unsigned long long)f->min,
				      (unsigned long long)f->max);
		v->u = (uint64_t)n;
		break;
	case CTL_T_BOOL:
		if (!json_is_boolean(j))
			return refuse(err, len, "'%s': field '%s' must be true or false", sp->name,
				      f->name);
		v->b = json_is_true(j);
		break;
	case CTL_T_STR:
	case CTL_T_PREFIX:
	case CTL_T_ENDPOINT:
		if (!json_is_string(j))
			return refuse(err, len, "'%s': field '%s' must be a string", sp->name,
				      f->name);
		v->str = json_string_value(j);
		v->len = json_string_length(j);
		quote(v->str, v->len, q);
		/* jansson keeps "\u0000": a NUL inside would cut the text short later */
		if (strlen(v->str) != v->len || !printable(v->str, v->len))
			return refuse(err, len, "'%s': field '%s' has control characters",
				      sp->name, f->name);
		if (f->type == CTL_T_PREFIX && sr_prefix_parse(v->str, &v->pfx) < 0)
			return refuse(err, len, "'%s': field '%s': not an IP address or prefix "
				      "(host bits zero): '%s'", sp->name, f->name, q);
		if (f->type == CTL_T_ENDPOINT && ctl_endpoint_parse(v->str, &v->pfx, &v->port) < 0)
			return refuse(err, len, "'%s': field '%s': not an IP address "
				      "(optionally with :port): '%s'", sp->name, f->name, q);
		if (f->type == CTL_T_STR && (v->len < f->min || v->len > f->max))
			return refuse(err, len, "'%s': field '%s' must be %llu..%llu bytes long",
				      sp->name, f->name, (unsigned long long)f->min,
				      (unsigned long long)f->max);
		break;
	}
	v->set = true;
	return 0;
}

/* Presence rules: required fields, exactly one of ONE_OF, at least one of ANY_OF. */
static int
check_presence(const struct ctl_request *r, char *err, size_t len)
{
	const struct ctl_spec *sp = r->spec;
	unsigned int one = 0, one_fields = 0, any = 0, any_fields = 0;
	char names[160];

	for (unsigned int i = 0; i < CTL_MAX_FIELDS && sp->field[i].name; i++) {
		const struct ctl_field *f = &sp->field[i];

		if ((f->flags & CTL_F_REQUIRED) && !r->v[i].set)
			return refuse(err, len, "'%s' needs field '%s'", sp->name, f->name);
		one_fields += !!(f->flags & CTL_F_ONE_OF);
		one += (f->flags & CTL_F_ONE_OF) && r->v[i].set;
		any_fields += !!(f->flags & CTL_F_ANY_OF);
		any += (f->flags & CTL_F_ANY_OF) && r->v[i].set;
	}
	if (one_fields && one != 1) {
		list_fields(sp, CTL_F_ONE_OF, names, sizeof(names));
		return refuse(err, len, "'%s' needs %s one of: %s", sp->name,
			      one ? "only" : "exactly", names);
	}
	if (any_fields && any == 0) {
		list_fields(sp, CTL_F_ANY_OF, names, sizeof(names));
		return refuse(err, len, "'%s' needs at least one of: %s", sp->name, names);
	}
	return 0;
}

int
ctl_request_parse(struct ctl_request *r, const char *line, size_t len, char *err,
		  size_t errlen)
{
	char q[QUOTE_MAX + 4], names[512];
	json_error_t jerr;
	json_t *cmd, *v;
	const char *key;

	memset(r, 0, sizeof(*r));
	r->root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (r->root == NULL)
		return refuse(err, errlen, "malformed JSON: %s (column %d)", jerr.text,
			      jerr.column);
	if (!json_is_object(r->root))
		return refuse(err, errlen, "a request is a JSON object: {\"cmd\":\"...\"}");
	cmd = json_object_get(r->root, "cmd");
	if (cmd == NULL)
		return refuse(err, errlen, "missing field 'cmd'");
	if (!json_is_string(cmd))
		return refuse(err, errlen, "field 'cmd' must be a string");
	r->spec = find_spec(json_string_value(cmd));
	if (r->spec == NULL) {
		quote(json_string_value(cmd), json_string_length(cmd), q);
		list_names(names, sizeof(names));
		return refuse(err, errlen, "unknown command '%s' (commands: %s)", q, names);
	}
	json_object_foreach(r->root, key, v) {
		unsigned int i;

		if (strcmp(key, "cmd") == 0)
			continue;
		for (i = 0; i < CTL_MAX_FIELDS && r->spec->field[i].name; i++)
			if (strcmp(r->spec->field[i].name, key) == 0)
				break;
		if (i == CTL_MAX_FIELDS || r->spec->field[i].name == NULL) {
			quote(key, strlen(key), q);
			list_fields(r->spec, 0, names, sizeof(names));
			return refuse(err, errlen, "'%s' has no field '%s'%s%s%s", r->spec->name, q,
				      names[0] ? " (fields: " : " (it takes none)", names,
				      names[0] ? ")" : "");
		}
		if (take_field(r->spec, &r->spec->field[i], v, &r->v[i], err, errlen) < 0)
			return -EINVAL;
	}
	return check_presence(r, err, errlen);
}

void
ctl_request_free(struct ctl_request *r)
{
	json_decref(r->root);
	memset(r, 0, sizeof(*r));
}

const struct ctl_value *
ctl_arg(const struct ctl_request *r, const char *name)
{
	if (r->spec == NULL)
		return NULL;
	for (unsigned int i = 0; i < CTL_MAX_FIELDS && r->spec->field[i].name; i++)
		if (strcmp(r->spec->field[i].name, name) == 0)
			return r->v[i].set ? &r->v[i] : NULL;
	return NULL;
}
