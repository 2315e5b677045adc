// SPDX-License-Identifier: Apache-2.0
#include "body_excerpt.hpp"

#include <cstddef>

namespace flinkscaler::yarn {

std::string body_excerpt(std::string_view body) {
    static constexpr std::size_t kChars = 80;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (std::size_t i = 0; i < body.size() && i < kChars; ++i) {
        const auto c = static_cast<unsigned char>(body[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c < 0x20 || c >= 0x7f) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
    if (body.size() > kChars) out += "...";
    return out;
}

}  // namespace flinkscaler::yarn
