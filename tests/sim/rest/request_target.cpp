// SPDX-License-Identifier: Apache-2.0
#include "sim/rest/request_target.hpp"

#include <stdexcept>
#include <utility>

namespace flinkscaler::sim {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string decode(std::string_view text, bool plus_is_space, std::string_view target) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
            const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
            if (high < 0 || low < 0)
                throw std::invalid_argument("malformed percent escape in request target \"" + std::string(target) + "\"");
            out.push_back(static_cast<char>(high * 16 + low));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

RestRequest parse_request_target(std::string method, std::string_view target, std::string body) {
    RestRequest request;
    request.method = std::move(method);
    request.body = std::move(body);
    const auto question = target.find('?');
    request.path = decode(target.substr(0, question), false, target);
    if (question == std::string_view::npos) return request;
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (!pair.empty()) {
            const auto eq = pair.find('=');
            request.params.emplace(decode(pair.substr(0, eq), true, target),
                                   eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1), true, target));
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return request;
}

}  // namespace flinkscaler::sim
