// Helpers shared by the SDP unit tests.
#pragma once

#include <string>
#include <vector>

#include <siprelay/slice.h>

// A slice as a string ("" for a null slice).
inline std::string S(struct sr_slice s)
{
	return s.p == nullptr ? std::string() : std::string(s.p, s.len);
}

// Joins lines with the given line ending (after every line, including the last).
inline std::string Body(const std::vector<std::string> &lines, const char *eol = "\r\n")
{
	std::string b;
	for (const auto &l : lines)
		b += l + eol;
	return b;
}

// A typical audio offer, one line per element.
inline const std::vector<std::string> kOffer = {
	"v=0",
	"o=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com",
	"s=-",
	"c=IN IP4 192.0.2.101",
	"t=0 0",
	"m=audio 49170 RTP/AVP 0 8 101",
	"a=rtpmap:0 PCMU/8000",
	"a=rtpmap:101 telephone-event/8000",
	"a=sendrecv",
};
