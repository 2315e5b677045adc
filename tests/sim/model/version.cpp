// SPDX-License-Identifier: Apache-2.0
#include "sim/model/version.hpp"

#include <cctype>
#include <charconv>

namespace flinkscaler::sim {

namespace {

std::optional<int> leading_number(std::string_view& text) {
    int value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr == text.data()) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(ptr - text.data()));
    return value;
}

}  // namespace

std::optional<Version> Version::parse(std::string_view text) {
    std::string_view rest = text;
    const auto major = leading_number(rest);
    if (!major || rest.empty() || rest.front() != '.') return std::nullopt;
    rest.remove_prefix(1);
    const auto minor = leading_number(rest);
    if (!minor) return std::nullopt;
    Version v{*major, *minor, std::string(text)};
    if (!v.at_least(1, 18) || v.at_least(2, 2)) return std::nullopt;
    return v;
}

std::string_view Version::cooldown_key() const {
    if (at_least(2, 0)) return "jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling";
    if (at_least(1, 19)) return "jobmanager.adaptive-scheduler.scaling-interval.min";
    return {};
}

}  // namespace flinkscaler::sim
