// SPDX-License-Identifier: Apache-2.0
//
// Lexical helpers shared by the two sub-expression grammars of `job.autoscaler.excluded.periods`
// (daily ranges in excluded_periods.cpp, Quartz cron in quartz_cron.cpp): digits, splitting,
// quoting, and the one way to reject a sub-expression. Private to the core.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler::period_syntax {

/// Throws ExcludedPeriodError with `reason` (the caller adds which expression it was).
[[noreturn]] void fail(std::string reason);

/// ASCII digit.
bool is_digit(char c);

/// True for a non-empty run of ASCII digits.
bool all_digits(std::string_view s);

/// Parses a non-empty run of ASCII digits; values above 10^9 saturate (they are out of range
/// for every field anyway).
int parse_digits(std::string_view s);

/// Splits at every `sep`; empty pieces are kept ("a--b" on "-" is {"a", "", "b"}).
std::vector<std::string_view> split_on(std::string_view s, std::string_view sep);

/// `s` in single quotes, as the messages quote what the user wrote.
std::string quoted(std::string_view s);

}  // namespace flinkscaler::period_syntax
