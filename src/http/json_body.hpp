// SPDX-License-Identifier: Apache-2.0
//
// A response body read as JSON, with one wording for a body that is not JSON, shared by the
// Flink and YARN clients: the message quotes the start of the body (an HTML error page, a proxy's
// text, binary garbage: http::quoted_excerpt) and says where parsing stopped.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace flinkscaler::http {

/// Parses `body` into `document`; on failure returns why, without the "not JSON: " prefix:
/// "empty body" (nothing but JSON whitespace), or the quoted excerpt followed by
/// "(ends early after N bytes)" or "(invalid at byte B of N)".
std::optional<std::string> try_parse_json_body(std::string_view body, nlohmann::json& document);

/// Parses `body`; throws `Error(path + ": not JSON: " + why)` (see try_parse_json_body). `path`
/// is where the text sits: "$" for a whole body, "$.plan" for JSON embedded as a string.
template <typename Error>
nlohmann::json parse_json_body(std::string_view body, const std::string& path = "$") {
    nlohmann::json document;
    if (auto problem = try_parse_json_body(body, document)) throw Error(path + ": not JSON: " + *problem);
    return document;
}

}  // namespace flinkscaler::http
