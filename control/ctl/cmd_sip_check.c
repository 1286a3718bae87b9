/* siprelayctl sip-check FILE...: the relay's verdict on SIP messages kept in files,
 * without a daemon. One JSON object per file per line (DESIGN.md contract). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <siprelay/sdp.h>
#include <siprelay/sip.h>

#include "ctl.h"

/* Bigger than any message the relay accepts, so that 513 is the parser's verdict. */
#define MAX_FILE (1u << 20)

/* A JSON string from message bytes: jansson insists on UTF-8, the wire does not, so
 * bytes that are not valid UTF-8 turn into U+FFFD instead of losing the field. */
static json_t *json_slice(struct sr_slice s)
{
	if (s.p == NULL)
		return json_null();
	json_t *j = json_stringn(s.p, s.len);
	if (j != NULL)
		return j;
	char *clean = malloc((size_t)s.len * 3 + 1);
	if (clean == NULL)
		return json_null();
	size_t n = 0;
	for (uint32_t i = 0; i < s.len; i++) {
		uint8_t c = (uint8_t)s.p[i];
		if (c < 0x80) {
			clean[n++] = (char)c;
		} else {
			memcpy(clean + n, "\xef\xbf\xbd", 3);
			n += 3;
		}
	}
	j = json_stringn(clean, n);
	free(clean);
	return j ? j : json_null();
}

/* Reads a file; a text file without any CR is taken as a message written with LF line
 * ends and given CRLF, so that a Content-Length counted on the wire form matches. */
static char *read_message(const char *path, size_t *len, const char **why)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		*why = strerror(errno);
		return NULL;
	}
	char *raw = malloc(MAX_FILE + 1);
	size_t n = raw ? fread(raw, 1, MAX_FILE + 1, f) : 0;
	bool err = raw == NULL || ferror(f);
	fclose(f);
	if (err || n > MAX_FILE) {
		*why = err ? "read error" : "file larger than 1 MiB";
		free(raw);
		return NULL;
	}
	if (memchr(raw, '\r', n) != NULL) {
		*len = n;
		return raw;
	}
	char *crlf = malloc(2 * n + 1);
	if (crlf == NULL) {
		*why = "out of memory";
		free(raw);
		return NULL;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (raw[i] == '\n')
			crlf[k++] = '\r';
		crlf[k++] = raw[i];
	}
	free(raw);
	*len = k;
	return crlf;
}

static bool body_is_sdp(const struct sr_sip_msg *m)
{
	const struct sr_sip_hdr *ct = sr_sip_first(m, SR_H_CONTENT_TYPE);
	if (ct == NULL || m->body.len == 0)
		return false;
	const char *semi = memchr(ct->value.p, ';', ct->value.len);
	struct sr_slice type = ct->value;
	if (semi != NULL)
		type.len = (uint32_t)(semi - ct->value.p);
	while (type.len > 0 && (type.p[type.len - 1] == ' ' || type.p[type.len - 1] == '\t'))
		type.len--;
	return sr_slice_caseeq(type, "application/sdp");
}

static json_t *invalid(json_t *o, uint16_t status, const char *reason)
{
	json_object_set_new(o, "valid", json_false());
	json_object_set_new(o, "status", json_integer(status));
	json_object_set_new(o, "reason", json_string(reason));
	return o;
}

/* Builds the verdict object; *ok tells whether the message is valid. */
static json_t *check_one(const char *path, const char *buf, size_t len, bool *ok)
{
	struct sr_sip_msg m;
	struct sr_sdp sdp;
	json_t *o = json_object();
	json_object_set_new(o, "file", json_string(path));
	*ok = false;
	if (sr_sip_parse(&m, buf, len, NULL) < 0 || sr_sip_check(&m, NULL) < 0)
		return invalid(o, m.err.status, m.err.reason);

	unsigned n_media = 0;
	if (body_is_sdp(&m)) {
		if (sr_sdp_parse(&sdp, m.body.p, m.body.len) < 0) {
			char reason[128];
			snprintf(reason, sizeof(reason), "Malformed SDP: %s", sdp.err ? sdp.err : "?");
			return invalid(o, 400, reason);
		}
		n_media = sdp.n_media;
	}
	*ok = true;
	bool req = m.kind == SR_SIP_REQUEST;
	json_object_set_new(o, "valid", json_true());
	json_object_set_new(o, "kind", json_string(req ? "request" : "response"));
	json_object_set_new(o, "method", json_slice(req ? m.method_name : m.cseq_method_name));
	json_object_set_new(o, "status", req ? json_null() : json_integer(m.status));
	json_object_set_new(o, "call_id", json_slice(m.call_id));
	json_object_set_new(o, "cseq", json_pack("{s:I,s:o}", "seq", (json_int_t)m.cseq, "method",
						 json_slice(m.cseq_method_name)));
	json_object_set_new(o, "via_count", json_integer(m.via_count));
	json_object_set_new(o, "sdp_media", json_integer(n_media));
	return o;
}

int cmd_sip_check(const struct ctl_opts *opts, int argc, char **argv)
{
	(void)opts;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: siprelayctl sip-check FILE...\n"
			"Parses each file as one SIP message (CRLF or LF line ends) and prints one JSON\n"
			"object per file: the message's key fields when valid, else the response code\n"
			"and reason the relay would answer with. Exit 0: all valid, 1: some invalid,\n"
			"2: a file could not be read.\n");
		return argc < 2 ? 2 : 0;
	}
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		size_t len = 0;
		const char *why = NULL;
		char *buf = read_message(argv[i], &len, &why);
		json_t *o;
		bool ok = false;
		if (buf == NULL) {
			fprintf(stderr, "siprelayctl: %s: %s\n", argv[i], why);
			o = json_pack("{s:s,s:b,s:s}", "file", argv[i], "valid", 0, "error", why);
			rc = 2;
		} else {
			o = check_one(argv[i], buf, len, &ok);
			if (!ok && rc == 0)
				rc = 1;
		}
		char *line = json_dumps(o, JSON_COMPACT);
		if (line != NULL) {
			puts(line);
			free(line);
		}
		json_decref(o);
		free(buf);
	}
	return rc;
}
