/* control.sock request parser fuzz target. The input is one request line. Beyond "no
 * crash, no read outside the input" it checks what the handlers rely on: a refusal has
 * a printable one-line reason; an accepted request has every required field, exactly one
 * selector, values of the declared type within the declared range, and addresses that
 * print and parse back to themselves. The same bytes also go to the address parsers. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <siprelay/guard.h>

#include "ctl_request.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *s, size_t max)
{
	size_t n = strlen(s);

	CHECK(n < max);
	for (size_t i = 0; i < n; i++)
		CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

static void
check_roundtrip(const struct sr_prefix *p)
{
	char text[64];
	struct sr_prefix q;

	CHECK(p->len <= 128);
	sr_prefix_format(p, text, sizeof(text));
	CHECK(sr_prefix_parse(text, &q) == 0);
	CHECK(q.len == p->len && memcmp(q.addr, p->addr, 16) == 0);
}

static void
check_accepted(const struct ctl_request *r)
{
	const struct ctl_spec *sp = r->spec;
	unsigned int one = 0, one_fields = 0, any = 0, any_fields = 0;

	CHECK(sp != NULL && sp->id < CTL_CMD_MAX && sp->name != NULL);
	for (unsigned int i = 0; i < CTL_MAX_FIELDS && sp->field[i].name; i++) {
		const struct ctl_field *f = &sp->field[i];
		const struct ctl_value *v = &r->v[i];

		CHECK(ctl_arg(r, f->name) == (v->set ? v : NULL));
		if (f->flags & CTL_F_REQUIRED)
			CHECK(v->set);
		one_fields += !!(f->flags & CTL_F_ONE_OF);
		one += (f->flags & CTL_F_ONE_OF) && v->set;
		any_fields += !!(f->flags & CTL_F_ANY_OF);
		any += (f->flags & CTL_F_ANY_OF) && v->set;
		if (!v->set)
			continue;
		switch (f->type) {
		case CTL_T_UINT:
			CHECK(v->u >= f->min && v->u <= f->max);
			break;
		case CTL_T_STR:
			CHECK(v->str != NULL && strlen(v->str) == v->len);
			CHECK(v->len >= f->min && v->len <= f->max);
			check_text(v->str, v->len + 1);
			break;
		case CTL_T_PREFIX:
			check_roundtrip(&v->pfx);
			break;
		case CTL_T_ENDPOINT:
			CHECK(v->pfx.len == 128);
			check_roundtrip(&v->pfx);
			break;
		case CTL_T_BOOL:
			break;
		}
	}
	CHECK(one_fields == 0 || one == 1);
	CHECK(any_fields == 0 || any >= 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request r;
	struct sr_prefix p;
	char err[512], *s;
	uint16_t port;
	int ret;

	memset(err, 0x55, sizeof(err));
	ret = ctl_request_parse(&r, (const char *)data, size, err, sizeof(err));
	CHECK(ret == 0 || ret == -EINVAL);
	if (ret == 0) {
		check_accepted(&r);
	} else {
		/* printable ASCII: it goes into a JSON string as is */
		check_text(err, sizeof(err));
		for (const char *c = err; *c; c++)
			CHECK((unsigned char)*c < 0x7f);
		CHECK(err[0] != '\0');
	}
	ctl_request_free(&r);

	/* the same bytes as address text */
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (sr_prefix_parse(s, &p) == 0)
		check_roundtrip(&p);
	if (ctl_endpoint_parse(s, &p, &port) == 0)
		CHECK(p.len == 128);
	free(s);
	return 0;
}
