// SPDX-License-Identifier: Apache-2.0
//
// Private to the core: the option table (options_table.cpp) as the parser (options.cpp) and the
// rules (option_rules.cpp) read it. Each entry is the public OptionSpec plus how its value is
// stored in AutoscalerOptions.
#pragma once

#include "flinkscaler/options.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler::detail {

using OptionSetter = void (*)(AutoscalerOptions&, const std::string&);

struct OptionEntry {
    OptionSpec spec;
    OptionSetter apply;  ///< nullptr: resolved by hand in AutoscalerOptions::from
};

/// Every declared option in the order of algorithm.md §5.2, each with its operator fallback key.
const std::vector<OptionEntry>& option_entries();

/// The entry of a main key; throws std::logic_error for a key that is not declared (a bug).
const OptionEntry& option_entry(std::string_view key);

/// AVG, MAX or MIN in any case; throws ValueError otherwise.
BusyTimeAggregator parse_busy_time_aggregator(const std::string& value);

}  // namespace flinkscaler::detail
