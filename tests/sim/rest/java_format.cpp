// SPDX-License-Identifier: Apache-2.0
#include "sim/rest/java_format.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>

namespace flinkscaler::sim {

std::string java_double(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
    if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
    char buffer[64];
    const double magnitude = std::fabs(value);
    if (magnitude >= 1e-3 && magnitude < 1e7) {
        const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
        std::string text(buffer, end);
        if (text.find('.') == std::string::npos) text += ".0";
        return text;
    }
    // Java's computerized scientific notation: mantissa with at least one fraction digit,
    // 'E', exponent without '+' or leading zeros.
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    std::string text(buffer, end);
    const auto e = text.find('e');
    std::string mantissa = text.substr(0, e);
    if (mantissa.find('.') == std::string::npos) mantissa += ".0";
    const int exponent = std::stoi(text.substr(e + 1));
    return mantissa + "E" + std::to_string(exponent);
}

std::string metric_value_text(double value, bool integer) {
    if (integer && std::isfinite(value)) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(std::floor(value)));
        return buffer;
    }
    return java_double(value);
}

}  // namespace flinkscaler::sim
