// SPDX-License-Identifier: Apache-2.0
//
// Text at the edge of HTTP: values put into a URL, and the start of an unexpected body put into
// an error message. Shared by the Flink and YARN clients.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace flinkscaler::http {

/// RFC 3986 percent-encoding of one path segment or query value: everything but the unreserved
/// characters (A-Z a-z 0-9 - _ . ~) as %XX, so a space is %20 (never '+', which Flink and YARN
/// read as a plus) and UTF-8 is encoded byte by byte.
std::string percent_encode(std::string_view value);

/// The first `max_chars` bytes of a body, quoted, as printable ASCII only (control and non-ASCII
/// bytes as \xNN, quotes and backslashes escaped) with "..." when cut: an error message stays one
/// valid UTF-8 line whatever the server sent (an HTML page, binary garbage).
std::string quoted_excerpt(std::string_view body, std::size_t max_chars = 80);

}  // namespace flinkscaler::http
