// SPDX-License-Identifier: Apache-2.0
#include "http/json_body.hpp"

#include "http/text.hpp"

namespace flinkscaler::http {

std::optional<std::string> try_parse_json_body(std::string_view body, nlohmann::json& document) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::string("empty body");
    try {
        document = nlohmann::json::parse(body.begin(), body.end());
        return std::nullopt;
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann reports the byte after the last one when the input ends inside a value.
        const std::string where = e.byte > body.size() ? "ends early after " + std::to_string(body.size()) + " bytes"
                                                       : "invalid at byte " + std::to_string(e.byte) + " of " +
                                                             std::to_string(body.size());
        return quoted_excerpt(body) + " (" + where + ")";
    }
}

}  // namespace flinkscaler::http
