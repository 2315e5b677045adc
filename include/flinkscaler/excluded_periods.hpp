// SPDX-License-Identifier: Apache-2.0
//
// Excluded periods (`job.autoscaler.excluded.periods`): time windows during which the autoscaler
// must not execute a scaling decision.
//
// Grammar of one expression (see docs of the Flink option):
//
//   expression      := sub-expression [ "&&" sub-expression ]
//   sub-expression  := daily-range | quartz-cron
//   daily-range     := time "-" time            e.g. "9:30-10:50:20"
//   time            := H ":" mm [ ":" ss [ ":" SSS ] ]   (digits only)
//   quartz-cron     := 6 or 7 fields separated by spaces/tabs:
//                      seconds minutes hours day-of-month month day-of-week [year]
//
// An expression with two sub-expressions must combine one daily range with one cron
// expression. A time lies in an excluded period when, for some expression, every
// sub-expression matches it:
//   * a daily range [start, end] matches when start <= time-of-day <= end, at millisecond
//     precision (Quartz `DailyCalendar` with `invertTimeRange`); start must be strictly before
//     end, so ranges cannot wrap midnight;
//   * a cron expression matches when the time truncated to the second satisfies it (Quartz
//     `CronExpression#isSatisfiedBy`; the matcher is src/core/quartz_cron.hpp, private to the
//     core).
//
// All computations use the local calendar time handed in by the caller (LocalTime of
// flinkscaler/time.hpp); this module never reads a clock or a time zone database.
#pragma once

#include "flinkscaler/time.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler {

class QuartzCronExpression;

/// Thrown for an invalid excluded-period expression. what() names the bad expression and says
/// why it is invalid.
struct ExcludedPeriodError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

/// A daily time-of-day range, both ends inclusive (Quartz DailyCalendar with
/// invertTimeRange = true).
class DailyTimeRange {
public:
    /// Parses "start-end". Throws ExcludedPeriodError (reason only) when invalid.
    static DailyTimeRange parse(std::string_view text);

    /// Throws std::invalid_argument for an invalid `t` (see validate_local_time).
    bool contains(const LocalTime& t) const;
    int start_millis_of_day() const { return start_ms_; }
    int end_millis_of_day() const { return end_ms_; }

private:
    DailyTimeRange(int start_ms, int end_ms) : start_ms_(start_ms), end_ms_(end_ms) {}
    int start_ms_;
    int end_ms_;
};

class ExcludedPeriods {
public:
    ExcludedPeriods() = default;

    /// Parses every expression; throws ExcludedPeriodError naming the bad expression and why.
    static ExcludedPeriods parse(const std::vector<std::string>& expressions);

    /// Returns the error message parse() would throw, or nullopt if all valid.
    static std::optional<std::string> validate(const std::vector<std::string>& expressions);

    /// True if t lies in some excluded period. Throws std::invalid_argument if t is not a valid
    /// calendar time (see validate_local_time).
    bool contains(const LocalTime& t) const;

    const std::vector<std::string>& expressions() const { return expressions_; }
    bool empty() const { return periods_.empty(); }

private:
    struct Period {
        std::optional<DailyTimeRange> daily;
        /// Shared, immutable once parsed: copies of ExcludedPeriods share the matcher, and the
        /// cron representation stays out of this header.
        std::shared_ptr<const QuartzCronExpression> cron;
    };
    std::vector<std::string> expressions_;
    std::vector<Period> periods_;
};

}  // namespace flinkscaler
