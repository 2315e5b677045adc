// SPDX-License-Identifier: Apache-2.0
#include "core/period_syntax.hpp"

#include "flinkscaler/excluded_periods.hpp"

#include <cstddef>
#include <utility>

namespace flinkscaler::period_syntax {

void fail(std::string reason) {
    throw ExcludedPeriodError(std::move(reason));
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool all_digits(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!is_digit(c)) {
            return false;
        }
    }
    return true;
}

int parse_digits(std::string_view s) {
    long long v = 0;
    for (char c : s) {
        v = v * 10 + (c - '0');
        if (v > 1000000000LL) {
            v = 1000000001LL;
        }
    }
    return static_cast<int>(v);
}

std::vector<std::string_view> split_on(std::string_view s, std::string_view sep) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            parts.push_back(s.substr(start));
            return parts;
        }
        parts.push_back(s.substr(start, pos - start));
        start = pos + sep.size();
    }
}

std::string quoted(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '\'';
    out.append(s);
    out += '\'';
    return out;
}

}  // namespace flinkscaler::period_syntax
