// SPDX-License-Identifier: Apache-2.0
//
// A Quartz cron expression (Quartz 2.4 `CronExpression`), matching only: the cron half of an
// excluded period. Private to the core: the public contract is ExcludedPeriods
// (flinkscaler/excluded_periods.hpp); this header exists so the matcher can be read and tested
// on its own.
//
// Supports: '*', '?', lists ',', ranges '-' (also wrapping, e.g. 22-2), increments '/' ('*/n',
// '/n', 'a/n', 'a-b/n'), month names JAN-DEC, day names SUN-SAT (1 = SUN ... 7 = SAT),
// case-insensitive; in day-of-month 'L', 'L-n', 'LW', 'L-nW', 'nW'; in day-of-week 'L' (= 7),
// 'nL' / 'DDDL' and 'n#k' / 'DDD#k'; an optional year field. Exactly one of day-of-month and
// day-of-week must be '?'.
#pragma once

#include "flinkscaler/time.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace flinkscaler {

class QuartzCronExpression {
public:
    /// Parses the expression. Throws ExcludedPeriodError (reason only) when invalid.
    static QuartzCronExpression parse(std::string_view text);

    /// The number of fields `text` splits into (spaces and tabs, as Quartz's
    /// StringTokenizer(" \t")), to tell a malformed cron expression from something else.
    static std::size_t count_fields(std::string_view text);

    /// True when `t`, truncated to the second, satisfies the expression (Quartz
    /// `CronExpression#isSatisfiedBy`). Throws std::invalid_argument for an invalid `t`.
    bool matches(const LocalTime& t) const;

    struct YearSpan {
        int first;
        int last;  ///< inclusive; INT_MAX when unbounded
        int step;
    };
    enum class DayOfMonthRule : std::uint8_t {
        NoSpec,          ///< '?'
        Values,          ///< explicit set of days
        LastDay,         ///< 'L' or 'L-n'        (param = offset n)
        LastWeekday,     ///< 'LW' or 'L-nW'      (param = offset n)
        NearestWeekday,  ///< 'nW'                (param = n)
    };
    enum class DayOfWeekRule : std::uint8_t {
        NoSpec,       ///< '?'
        Values,       ///< explicit set of days of week
        LastInMonth,  ///< 'nL'  (param = day of week)
        Nth,          ///< 'n#k' (param = day of week, nth = k)
    };

private:
    QuartzCronExpression() = default;

    std::uint64_t seconds_ = 0;        ///< bit i = second i
    std::uint64_t minutes_ = 0;        ///< bit i = minute i
    std::uint32_t hours_ = 0;          ///< bit i = hour i
    std::uint32_t days_of_month_ = 0;  ///< bit i = day i (1-31)
    std::uint16_t months_ = 0;         ///< bit i = month i (1-12)
    std::uint8_t days_of_week_ = 0;    ///< bit i = day of week i (1-7)
    DayOfMonthRule dom_rule_ = DayOfMonthRule::Values;
    DayOfWeekRule dow_rule_ = DayOfWeekRule::NoSpec;
    int dom_param_ = 0;
    int dow_param_ = 0;
    int dow_nth_ = 0;
    std::vector<YearSpan> years_;
};

}  // namespace flinkscaler
