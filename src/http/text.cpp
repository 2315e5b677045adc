// SPDX-License-Identifier: Apache-2.0
#include "http/text.hpp"

namespace flinkscaler::http {

namespace {
constexpr char kUpperHex[] = "0123456789ABCDEF";
constexpr char kLowerHex[] = "0123456789abcdef";
}  // namespace

std::string percent_encode(std::string_view value) {
    std::string out;
    for (unsigned char c : value) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '_' || c == '.' || c == '~';
        if (unreserved) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kUpperHex[c >> 4]);
            out.push_back(kUpperHex[c & 0x0F]);
        }
    }
    return out;
}

std::string quoted_excerpt(std::string_view body, std::size_t max_chars) {
    std::string out = "\"";
    for (std::size_t i = 0; i < body.size() && i < max_chars; ++i) {
        const auto c = static_cast<unsigned char>(body[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c < 0x20 || c >= 0x7f) {
            out += "\\x";
            out += kLowerHex[c >> 4];
            out += kLowerHex[c & 0xf];
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
    if (body.size() > max_chars) out += "...";
    return out;
}

}  // namespace flinkscaler::http
