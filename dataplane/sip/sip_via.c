/* One via-parm (RFC 3261 20.42): sent-protocol LWS sent-by *( SEMI via-params ). LWS is
 * allowed around the '/' of sent-protocol and around ':' ';' '=' (RFC 4475 3.1.1.1). */
#include <siprelay/sip.h>

#include "sip_lex.h"

static void note_param(struct sr_sip_via *v, struct sr_slice name, struct sr_slice val)
{
	switch (name.len) {
	case 5:
		if (sr_slice_caseeq(name, "rport")) {
			v->has_rport = true;
			/* an empty rport keeps its place: the proxy fills it in (RFC 3581) */
			v->rport = val.len ? val : sr_slice_make(name.p + name.len, 0);
		} else if (sr_slice_caseeq(name, "maddr")) {
			v->maddr = val;
		}
		break;
	case 6:
		if (sr_slice_caseeq(name, "branch"))
			v->branch = val;
		break;
	case 8:
		if (sr_slice_caseeq(name, "received"))
			v->received = val;
		break;
	}
}

int sr_sip_via_parse(struct sr_slice s, struct sr_sip_via *v)
{
	memset(v, 0, sizeof(*v));
	s = sr_slice_trim(s);
	v->raw = s;
	struct sr_cur c = sr_cur_of(s);

	struct sr_slice name = sr_take_class(&c, SR_C_TOKEN);
	if (name.len == 0 || !sr_take_sep(&c, '/'))
		return -1;
	struct sr_slice ver = sr_take_class(&c, SR_C_TOKEN);
	if (ver.len == 0 || !sr_take_sep(&c, '/'))
		return -1;
	v->protocol = sr_slice_make(name.p, (size_t)(ver.p + ver.len - name.p));
	v->transport = sr_take_class(&c, SR_C_TOKEN);
	if (v->transport.len == 0 || !sr_is(sr_cur_peek(&c), SR_C_LWS))
		return -1;
	sr_skip_lws(&c);

	bool ipv6;
	if (sr_take_hostport(&c, &v->host, &v->port, &ipv6) < 0)
		return -1;
	if (v->port == 0 && sr_take_sep(&c, ':')) {
		uint32_t port;
		if (!sr_take_uint(&c, 65535, &port) || port == 0)
			return -1;
		v->port = (uint16_t)port;
	}

	const char *params = c.p;
	struct sr_slice n, val;
	int rc;
	while ((rc = sr_param_next(&c, &n, &val)) > 0)
		note_param(v, n, val);
	if (rc < 0)
		return -1;
	v->params = sr_slice_trim(sr_slice_make(params, (size_t)(c.end - params)));
	return 0;
}
