// Helpers shared by the SIP unit tests: messages are written with "\n" for readability
// and turned into wire form (CRLF) here.
#pragma once

#include <string>

#include <siprelay/sip.h>

inline std::string crlf(const std::string &lf)
{
	std::string out;
	out.reserve(lf.size() * 2);
	for (char c : lf) {
		if (c == '\n')
			out += '\r';
		out += c;
	}
	return out;
}

inline std::string str(struct sr_slice s)
{
	return s.p ? std::string(s.p, s.len) : std::string();
}

// A typical INVITE with SDP (the body is 133 bytes in CRLF form).
inline std::string sample_invite(const std::string &extra_headers = "")
{
	std::string body = crlf("v=0\n"
				"o=alice 2890844526 2890844526 IN IP4 192.0.2.101\n"
				"s=-\n"
				"c=IN IP4 192.0.2.101\n"
				"t=0 0\n"
				"m=audio 49172 RTP/AVP 0\n"
				"a=rtpmap:0 PCMU/8000\n");
	return crlf("INVITE sip:bob@biloxi.example.com SIP/2.0\n"
		    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport\n"
		    "Max-Forwards: 70\n"
		    "To: Bob <sip:bob@biloxi.example.com>\n"
		    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
		    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\n"
		    "CSeq: 314159 INVITE\n"
		    "Contact: <sip:alice@pc33.atlanta.example.com>\n" +
		    extra_headers +
		    "Content-Type: application/sdp\n"
		    "Content-Length: " + std::to_string(body.size()) + "\n\n") +
	       body;
}

// Parses and checks; returns the error status (0 when valid).
inline int verdict(const std::string &msg, struct sr_sip_msg *m)
{
	if (sr_sip_parse(m, msg.data(), msg.size(), nullptr) < 0 || sr_sip_check(m, nullptr) < 0)
		return m->err.status;
	return 0;
}
