/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rules file: one rule a line, "ID WHERE ACTION /PATTERN/FLAGS"; '#' starts a
 * comment line. Pure text handling: whether Hyperscan accepts a pattern is the
 * compiler's business (rules_hs.c), so that this part can be fuzzed on its own.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <siprelay/rules.h>

struct cursor {
	const char *p, *end;
};

static int __attribute__((format(printf, 6, 7)))
fail(char *err, size_t errlen, const char *name, uint32_t line, int ret, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (name != NULL)
		snprintf(err, errlen, "%s:%u: %s", name, line, why);
	else
		snprintf(err, errlen, "%u: %s", line, why);
	return ret;
}

static void
skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* The next whitespace-delimited word (empty at the end of the line). */
static struct cursor
word(struct cursor *c)
{
	struct cursor w;

	skip_ws(c);
	w.p = c->p;
	while (c->p < c->end && *c->p != ' ' && *c->p != '\t')
		c->p++;
	w.end = c->p;
	return w;
}

static bool
word_is(struct cursor w, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(w.end - w.p) == n && strncasecmp(w.p, lit, n) == 0;
}

/* Decimal 1..max, nothing else. */
static bool
number(const char *p, const char *end, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (p == end || end - p > 10)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v == 0 || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* RFC 3261 token characters: a header name. */
static bool
token_char(char ch)
{
	/* strchr() finds the terminator too: a NUL byte is not a token character */
	return isalnum((unsigned char)ch) || (ch != '\0' && strchr("-.!%*_+`'~", ch) != NULL);
}

static int
parse_where(struct cursor w, struct sr_rule *r)
{
	const char *colon;
	size_t n;

	if (word_is(w, "message"))
		r->scope = SR_RULE_MESSAGE;
	else if (word_is(w, "method"))
		r->scope = SR_RULE_METHOD;
	else if (word_is(w, "ruri"))
		r->scope = SR_RULE_RURI;
	else if (word_is(w, "body"))
		r->scope = SR_RULE_BODY;
	else if (w.end - w.p > 7 && strncasecmp(w.p, "header:", 7) == 0) {
		colon = w.p + 6;
		n = (size_t)(w.end - colon - 1);
		if (n == 0 || n >= sizeof(r->header))
			return -EINVAL;
		for (size_t i = 0; i < n; i++)
			if (!token_char(colon[1 + i]))
				return -EINVAL;
		memcpy(r->header, colon + 1, n);
		r->header[n] = '\0';
		r->scope = SR_RULE_HEADER;
	} else {
		return -EINVAL;
	}
	return 0;
}

static int
parse_action(struct cursor w, struct sr_rule *r)
{
	if (word_is(w, "drop"))
		r->action = SR_RULE_DROP;
	else if (word_is(w, "reject"))
		r->action = SR_RULE_REJECT;
	else if (w.end - w.p > 4 && strncasecmp(w.p, "ban:", 4) == 0) {
		if (!number(w.p + 4, w.end, SR_RULE_BAN_MAX, &r->ban_s))
			return -ERANGE;
		r->action = SR_RULE_BAN;
	} else {
		return -EINVAL;
	}
	return 0;
}

/* "/PATTERN/FLAGS" up to the end of the line: the last '/' closes the pattern, so
 * that a pattern may hold slashes without escapes. */
static const char *
parse_pattern(struct cursor c, struct sr_rule *r)
{
	const char *close;
	size_t n;

	skip_ws(&c);
	while (c.end > c.p && (c.end[-1] == ' ' || c.end[-1] == '\t'))
		c.end--;
	if (c.p == c.end)
		return "missing /pattern/";
	if (*c.p != '/')
		return "the pattern must be written /like this/";
	for (close = c.end - 1; close > c.p && *close != '/'; close--)
		;
	if (close == c.p)
		return "the pattern has no closing '/'";
	n = (size_t)(close - c.p - 1);
	if (n == 0)
		return "empty pattern";
	if (n >= sizeof(r->pattern))
		return "pattern too long";
	if (memchr(c.p + 1, '\0', n) != NULL)
		return "NUL byte in the pattern";
	memcpy(r->pattern, c.p + 1, n);
	r->pattern[n] = '\0';
	for (const char *f = close + 1; f < c.end; f++) {
		uint8_t bit = *f == 'i' ? SR_RULE_CASELESS : *f == 's' ? SR_RULE_DOTALL :
			      *f == 'm' ? SR_RULE_MULTILINE : 0;

		if (bit == 0)
			return "unknown pattern flag (i, s and m are known)";
		if (r->flags & bit)
			return "pattern flag given twice";
		r->flags |= bit;
	}
	return NULL;
}

static int
by_id_line(const void *a, const void *b)
{
	const struct sr_rule *const *x = a, *const *y = b;

	if ((*x)->id != (*y)->id)
		return (*x)->id < (*y)->id ? -1 : 1;
	return (*x)->line < (*y)->line ? -1 : (*x)->line > (*y)->line;
}

/* Ids are unique: checked once the file is read (sorting, not a scan per line, so that
 * a large generated file stays fast). The duplicate reported is the earliest one that
 * reuses an id. */
static int
check_ids(const struct sr_rule_list *l, const char *name, char *err, size_t errlen)
{
	const struct sr_rule **v, *dup = NULL, *first = NULL;

	if (l->n < 2)
		return 0;
	v = malloc((size_t)l->n * sizeof(*v));
	if (v == NULL)
		return fail(err, errlen, name, 0, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < l->n; i++)
		v[i] = &l->r[i];
	qsort(v, l->n, sizeof(*v), by_id_line);
	for (uint32_t i = 1; i < l->n; i++)
		if (v[i]->id == v[i - 1]->id && (dup == NULL || v[i]->line < dup->line))
			dup = v[i];
	if (dup != NULL) {
		/* the first use of the id: the smallest line among equal ids */
		for (uint32_t i = 0; i < l->n; i++)
			if (l->r[i].id == dup->id) {
				first = &l->r[i];
				break;
			}
		free(v);
		return fail(err, errlen, name, dup->line, -EINVAL, "rule id %u already used on line %u",
			    dup->id, first->line);
	}
	free(v);
	return 0;
}

static int
push(struct sr_rule_list *l, const struct sr_rule *r)
{
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 16;
		struct sr_rule *nr = realloc(l->r, (size_t)cap * sizeof(*nr));

		if (nr == NULL)
			return -ENOMEM;
		l->r = nr;
		l->cap = cap;
	}
	l->r[l->n++] = *r;
	return 0;
}

/* One non-comment line. */
static int
parse_line(struct cursor c, uint32_t line, struct sr_rule_list *l, const char *name, char *err,
	   size_t errlen)
{
	struct sr_rule r;
	struct cursor w;
	const char *why;

	memset(&r, 0, sizeof(r));
	r.line = line;
	w = word(&c);
	if (!number(w.p, w.end, INT32_MAX, &r.id))
		return fail(err, errlen, name, line, -EINVAL,
			    "rule id '%.*s': a number 1..2147483647 expected", (int)(w.end - w.p), w.p);
	w = word(&c);
	if (parse_where(w, &r) < 0)
		return fail(err, errlen, name, line, -EINVAL,
			    "where '%.*s': message, method, ruri, body or header:NAME expected",
			    (int)(w.end - w.p), w.p);
	w = word(&c);
	switch (parse_action(w, &r)) {
	case 0:
		break;
	case -ERANGE:
		return fail(err, errlen, name, line, -EINVAL, "ban time '%.*s': 1..%u seconds",
			    (int)(w.end - w.p), w.p, SR_RULE_BAN_MAX);
	default:
		return fail(err, errlen, name, line, -EINVAL,
			    "action '%.*s': drop, reject or ban:SECONDS expected",
			    (int)(w.end - w.p), w.p);
	}
	why = parse_pattern(c, &r);
	if (why != NULL)
		return fail(err, errlen, name, line, -EINVAL, "%s", why);
	if (l->n == SR_RULES_MAX)
		return fail(err, errlen, name, line, -E2BIG, "more than %u rules", SR_RULES_MAX);
	if (push(l, &r) < 0)
		return fail(err, errlen, name, line, -ENOMEM, "out of memory");
	return 0;
}

int
sr_rules_parse(const char *text, size_t len, const char *name, struct sr_rule_list *out,
	       char *err, size_t errlen)
{
	struct sr_rule_list l = { NULL, 0, 0 };
	const char *p = text, *end = text + len;
	uint32_t line = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct cursor c = { p, nl ? nl : end };

		line++;
		p = nl ? nl + 1 : end;
		if (c.end > c.p && c.end[-1] == '\r')
			c.end--;
		skip_ws(&c);
		if (c.p == c.end || *c.p == '#')
			continue;
		ret = parse_line(c, line, &l, name, err, errlen);
		if (ret < 0) {
			sr_rule_list_free(&l);
			return ret;
		}
	}
	ret = check_ids(&l, name, err, errlen);
	if (ret < 0) {
		sr_rule_list_free(&l);
		return ret;
	}
	*out = l;
	return 0;
}

void
sr_rule_list_free(struct sr_rule_list *l)
{
	free(l->r);
	memset(l, 0, sizeof(*l));
}

/* A rules file has no business being large: 64k rules of a line each fit. */
#define RULES_FILE_MAX (16u << 20)

int
sr_rules_load_file(const char *path, struct sr_rule_list *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int ret;

	memset(out, 0, sizeof(*out));
	if (f == NULL) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	do {
		if (len == cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > RULES_FILE_MAX) {
				fclose(f);
				free(buf);
				snprintf(err, errlen, "%s: larger than %u bytes", path, RULES_FILE_MAX);
				return -E2BIG;
			}
			nb = realloc(buf, cap);
			if (nb == NULL) {
				fclose(f);
				free(buf);
				snprintf(err, errlen, "%s: out of memory", path);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	ret = ferror(f) ? -EIO : 0;
	fclose(f);
	if (ret < 0)
		snprintf(err, errlen, "%s: read error", path);
	else
		ret = sr_rules_parse(buf, len, path, out, err, errlen);
	free(buf);
	return ret;
}

const char *
sr_rule_scope_name(uint8_t scope)
{
	static const char *const names[] = { "message", "method", "ruri", "body", "header" };

	return scope < sizeof(names) / sizeof(names[0]) ? names[scope] : "?";
}

const char *
sr_rule_action_name(uint8_t action)
{
	switch (action) {
	case SR_RULE_DROP:
		return "drop";
	case SR_RULE_REJECT:
		return "reject";
	case SR_RULE_BAN:
		return "ban";
	default:
		return "none";
	}
}
