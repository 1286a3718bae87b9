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
