// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/numeric.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace flinkscaler {

double java_max(double a, double b) noexcept {
    if (is_nan(a) || is_nan(b)) return kNaN;
    if (a == 0.0 && b == 0.0) return std::signbit(a) ? b : a;  // Java: max(-0.0, 0.0) = 0.0
    return a >= b ? a : b;
}

double java_min(double a, double b) noexcept {
    if (is_nan(a) || is_nan(b)) return kNaN;
    if (a == 0.0 && b == 0.0) return std::signbit(a) ? a : b;  // Java: min(0.0, -0.0) = -0.0
    return a <= b ? a : b;
}

int to_int(double x) noexcept {
    if (is_nan(x)) return 0;
    if (x >= 2147483647.0) return std::numeric_limits<int>::max();
    if (x <= -2147483648.0) return std::numeric_limits<int>::min();
    return static_cast<int>(x);
}

std::int64_t to_long(double x) noexcept {
    if (is_nan(x)) return 0;
    if (x >= 9223372036854775807.0) return std::numeric_limits<std::int64_t>::max();
    if (x <= -9223372036854775808.0) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(x);
}

double java_round(double x) noexcept {
    if (is_nan(x)) return 0.0;
    if (x >= 9223372036854775807.0) return 9223372036854775807.0;
    if (x <= -9223372036854775808.0) return -9223372036854775808.0;
    // floor(x + 0.5) evaluated exactly: x - floor(x) is exact for every double.
    const double down = std::floor(x);
    return (x - down >= 0.5) ? down + 1.0 : down;
}

namespace {

enum class DecimalMode { HalfUp, Ceiling };

// Rounds the shortest decimal representation of a finite x to `scale` fractional digits.
double round_decimal(double x, int scale, DecimalMode mode) noexcept {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::scientific);
    if (ec != std::errc{}) return x;
    std::string_view text(buffer, static_cast<std::size_t>(end - buffer));

    const bool negative = text.front() == '-';
    if (negative) text.remove_prefix(1);
    const auto e_pos = text.find('e');
    int exponent = 0;
    std::from_chars(text.data() + e_pos + 1 + (text[e_pos + 1] == '+' ? 1 : 0), text.data() + text.size(),
                    exponent);
    std::string digits;
    for (char c : text.substr(0, e_pos))
        if (c != '.') digits.push_back(c);

    // digits d0 d1 ... represent d0.d1d2... x 10^exponent; keep those at places >= 10^-scale.
    const long keep = static_cast<long>(exponent) + 1 + scale;
    if (keep >= static_cast<long>(digits.size())) return x;  // already within scale

    std::string kept = keep > 0 ? digits.substr(0, static_cast<std::size_t>(keep)) : std::string("0");
    bool round_up = false;
    if (mode == DecimalMode::HalfUp) {
        round_up = keep >= 0 && digits[static_cast<std::size_t>(keep)] >= '5';
    } else {  // CEILING: up for positive values with any non-zero dropped digit
        if (!negative) {
            const std::size_t from = keep > 0 ? static_cast<std::size_t>(keep) : 0;
            for (std::size_t i = from; i < digits.size(); ++i)
                if (digits[i] != '0') round_up = true;
        }
    }
    if (round_up) {
        int i = static_cast<int>(kept.size()) - 1;
        while (i >= 0 && kept[static_cast<std::size_t>(i)] == '9') kept[static_cast<std::size_t>(i--)] = '0';
        if (i < 0) kept.insert(kept.begin(), '1');
        else ++kept[static_cast<std::size_t>(i)];
    }
    std::string result = (negative ? "-" : "") + kept + "e-" + std::to_string(scale);
    double value = 0.0;
    std::from_chars(result.data(), result.data() + result.size(), value);
    return value;
}

}  // namespace

double round_metric(double x) noexcept {
    if (!is_finite(x)) return x;
    const double rounded = round_decimal(x, 3, DecimalMode::HalfUp);
    return rounded == 0.0 ? x : rounded;
}

double ceil_2_decimals(double x) noexcept {
    if (!is_finite(x)) return x;
    return round_decimal(x, 2, DecimalMode::Ceiling);
}

std::string_view format_2_decimals(double x, char (&buffer)[64]) noexcept {
    if (is_nan(x)) return "NaN";
    if (is_infinite(x)) return x > 0 ? "Infinity" : "-Infinity";
    // Java rounds half-up on the shortest decimal digits, not on the exact binary value.
    const double rounded = round_decimal(x, 2, DecimalMode::HalfUp);
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, rounded, std::chars_format::fixed, 2);
    if (ec != std::errc{}) return "NaN";
    return {buffer, static_cast<std::size_t>(end - buffer)};
}

}  // namespace flinkscaler

namespace flinkscaler {

std::string java_double_to_string(double x) {
    if (is_nan(x)) return "NaN";
    if (is_infinite(x)) return x > 0 ? "Infinity" : "-Infinity";
    if (x == 0.0) return std::signbit(x) ? "-0.0" : "0.0";
    const double magnitude = std::fabs(x);
    char buffer[64];
    if (magnitude >= 1e-3 && magnitude < 1e7) {
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::fixed);
        std::string s(buffer, end);
        if (s.find('.') == std::string::npos) s += ".0";
        return s;
    }
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::scientific);
    std::string s(buffer, end);
    const auto e = s.find('e');
    std::string mantissa = s.substr(0, e);
    if (mantissa.find('.') == std::string::npos) mantissa += ".0";
    int exponent = std::stoi(s.substr(e + 1));
    return mantissa + "E" + std::to_string(exponent);
}

}  // namespace flinkscaler
