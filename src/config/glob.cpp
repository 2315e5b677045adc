// SPDX-License-Identifier: Apache-2.0
#include "config/glob.hpp"

#include <algorithm>
#include <optional>

namespace flinkscaler::config {

namespace {

// Length in bytes of the UTF-8 character starting at `c` (1 for anything malformed), so that
// `?` matches one character of a non-ASCII job name.
std::size_t utf8_length(unsigned char c) {
    if (c >= 0xF0 && c < 0xF8) return 4;
    if (c >= 0xE0) return 3;
    if (c >= 0xC0) return 2;
    return 1;
}

// Matches `c` against the class starting at pattern[p] == '['. Returns the index after the closing
// ']', or nullopt when the class is not closed (the '[' is then an ordinary character).
std::optional<std::size_t> match_class(const std::string& pattern, std::size_t p, char c, bool& matched) {
    std::size_t i = p + 1;
    bool negate = false;
    if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
        negate = true;
        ++i;
    }
    bool found = false;
    bool first = true;
    while (i < pattern.size() && (pattern[i] != ']' || first)) {
        first = false;
        const char low = pattern[i];
        char high = low;
        if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
            high = pattern[i + 2];
            i += 3;
        } else {
            ++i;
        }
        if (c >= low && c <= high) found = true;
    }
    if (i >= pattern.size()) return std::nullopt;
    matched = found != negate;
    return i + 1;
}

}  // namespace

std::string glob_problem(const std::string& pattern) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '[') continue;
        bool ignored = false;
        const auto end = match_class(pattern, i, 'a', ignored);
        if (!end) return "'[' at position " + std::to_string(i + 1) + " is never closed by ']'";
        i = *end - 1;
    }
    return "";
}

bool glob_match(const std::string& pattern, const std::string& text) {
    // Iterative matching with one backtrack point (the last '*'), linear in practice.
    std::size_t p = 0, t = 0;
    std::optional<std::size_t> star_p, star_t;
    while (t < text.size()) {
        if (p < pattern.size()) {
            const char c = pattern[p];
            if (c == '*') {
                star_p = ++p;
                star_t = t;
                continue;
            }
            if (c == '?') {
                ++p;
                t += std::min(utf8_length(static_cast<unsigned char>(text[t])), text.size() - t);
                continue;
            }
            if (c == '[') {
                bool matched = false;
                if (const auto next = match_class(pattern, p, text[t], matched)) {
                    if (matched) {
                        p = *next;
                        ++t;
                        continue;
                    }
                } else if (text[t] == '[') {
                    ++p;
                    ++t;
                    continue;
                }
            } else if (c == text[t]) {
                ++p;
                ++t;
                continue;
            }
        }
        if (!star_p) return false;
        p = *star_p;
        t = ++*star_t;
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

}  // namespace flinkscaler::config
