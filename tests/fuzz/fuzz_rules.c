/* Rules-file parser fuzz target. The input is a rules file. Beyond "no crash, no read
 * outside the input", it checks the parser's promises: a refused file leaves nothing
 * behind and names a line that exists; an accepted one holds rules whose fields are in
 * range, ids unique, patterns non-empty NUL-terminated strings, lines increasing, and
 * parses again to the same rules when written back out in canonical form. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <siprelay/rules.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t
count_lines(const uint8_t *data, size_t size)
{
	uint32_t n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void
check_rule(const struct sr_rule *r, uint32_t lines)
{
	CHECK(r->id >= 1 && r->id <= INT32_MAX);
	CHECK(r->line >= 1 && r->line <= lines);
	CHECK(r->scope <= SR_RULE_HEADER);
	CHECK(r->action >= SR_RULE_DROP && r->action <= SR_RULE_BAN);
	CHECK((r->action == SR_RULE_BAN) == (r->ban_s != 0));
	CHECK(r->ban_s <= SR_RULE_BAN_MAX);
	CHECK((r->flags & ~(SR_RULE_CASELESS | SR_RULE_DOTALL | SR_RULE_MULTILINE)) == 0);
	CHECK(memchr(r->pattern, '\0', sizeof(r->pattern)) != NULL && r->pattern[0] != '\0');
	CHECK(memchr(r->header, '\0', sizeof(r->header)) != NULL);
	CHECK((r->scope == SR_RULE_HEADER) == (r->header[0] != '\0'));
}

/* One rule as a canonical line. */
static size_t
write_rule(const struct sr_rule *r, char *out, size_t cap)
{
	char where[80], action[32];

	if (r->scope == SR_RULE_HEADER)
		snprintf(where, sizeof(where), "header:%s", r->header);
	else
		snprintf(where, sizeof(where), "%s", sr_rule_scope_name(r->scope));
	if (r->action == SR_RULE_BAN)
		snprintf(action, sizeof(action), "ban:%u", r->ban_s);
	else
		snprintf(action, sizeof(action), "%s", sr_rule_action_name(r->action));
	return (size_t)snprintf(out, cap, "%u %s %s /%s/%s%s%s\n", r->id, where, action, r->pattern,
				r->flags & SR_RULE_CASELESS ? "i" : "",
				r->flags & SR_RULE_DOTALL ? "s" : "",
				r->flags & SR_RULE_MULTILINE ? "m" : "");
}

static void
check_roundtrip(const struct sr_rule_list *l)
{
	size_t cap = (size_t)l->n * (SR_RULE_PATTERN_MAX + 200) + 1, len = 0;
	char *text = malloc(cap), err[SR_RULES_ERR_MAX];
	struct sr_rule_list again;

	CHECK(text != NULL);
	for (uint32_t i = 0; i < l->n; i++)
		len += write_rule(&l->r[i], text + len, cap - len);
	CHECK(sr_rules_parse(text, len, NULL, &again, err, sizeof(err)) == 0);
	CHECK(again.n == l->n);
	for (uint32_t i = 0; i < l->n; i++) {
		CHECK(again.r[i].id == l->r[i].id);
		CHECK(again.r[i].scope == l->r[i].scope);
		CHECK(again.r[i].action == l->r[i].action);
		CHECK(again.r[i].ban_s == l->r[i].ban_s);
		CHECK(again.r[i].flags == l->r[i].flags);
		CHECK(strcmp(again.r[i].pattern, l->r[i].pattern) == 0);
		CHECK(strcmp(again.r[i].header, l->r[i].header) == 0);
	}
	sr_rule_list_free(&again);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_rule_list l;
	char err[SR_RULES_ERR_MAX];
	uint32_t lines = count_lines(data, size);
	int ret;

	err[0] = '\0';
	ret = sr_rules_parse((const char *)data, size, "f", &l, err, sizeof(err));
	if (ret < 0) {
		unsigned int line = 0;

		CHECK(l.n == 0 && l.r == NULL);
		CHECK(strncmp(err, "f:", 2) == 0);
		CHECK(sscanf(err, "f:%u:", &line) == 1 && line <= lines);
		return 0;
	}
	CHECK(err[0] == '\0');
	for (uint32_t i = 0; i < l.n; i++) {
		check_rule(&l.r[i], lines);
		if (i > 0)
			CHECK(l.r[i].line > l.r[i - 1].line);
		for (uint32_t j = 0; j < i && l.n <= 512; j++)
			CHECK(l.r[j].id != l.r[i].id);
	}
	check_roundtrip(&l);
	sr_rule_list_free(&l);
	return 0;
}
