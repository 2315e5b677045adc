// SPDX-License-Identifier: Apache-2.0
//
// Lookups in constexpr (enum, name) tables, shared by every enum the core prints and parses.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>

namespace flinkscaler::detail {

template <typename Enum, std::size_t N>
using EnumNames = std::array<std::pair<Enum, std::string_view>, N>;

template <typename Enum, std::size_t N>
std::string_view name_of(const EnumNames<Enum, N>& names, Enum value, std::string_view unknown = "UNKNOWN") {
    for (const auto& [e, name] : names)
        if (e == value) return name;
    return unknown;
}

/// `equal` compares a table name with the text (exact by default).
template <typename Enum, std::size_t N, typename Equal = std::equal_to<std::string_view>>
std::optional<Enum> value_of(const EnumNames<Enum, N>& names, std::string_view text, Equal equal = {}) {
    for (const auto& [e, name] : names)
        if (equal(name, text)) return e;
    return std::nullopt;
}

/// True when entry i of the table names the enum value i and the table has `count` entries: with
/// `count` taken from the enum's last value, `static_assert(lists_every_value_in_order(...))`
/// fails the build when a value is added to the enum but not to its table (MPD's
/// `static_assert(n_config_param_templates == unsigned(ConfigOption::MAX))`).
template <typename Enum, std::size_t N>
constexpr bool lists_every_value_in_order(const EnumNames<Enum, N>& names, std::size_t count) {
    if (N != count) return false;
    for (std::size_t i = 0; i < N; ++i)
        if (names[i].first != static_cast<Enum>(i)) return false;
    return true;
}

}  // namespace flinkscaler::detail
