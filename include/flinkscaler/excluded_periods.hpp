// SPDX-License-Identifier: Apache-2.0
//
// Excluded periods (`job.autoscaler.excluded.periods`): time windows during
// which the autoscaler must not execute a scaling decision.
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
// An expression with two sub-expressions must combine one daily range with
// one cron expression. A time lies in an excluded period when, for some
// expression, every sub-expression matches it:
//   * a daily range [start, end] matches when start <= time-of-day <= end, at
//     millisecond precision (Quartz `DailyCalendar` with `invertTimeRange`);
//     start must be strictly before end, so ranges cannot wrap midnight;
//   * a cron expression matches when the time truncated to the second
//     satisfies it (Quartz `CronExpression#isSatisfiedBy`).
//
// All computations use the local calendar time handed in by the caller; this
// module never reads a clock or a time zone database.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler {

// A local calendar time, already converted to the service's time zone by the caller.
// The day of week is derived from the date (proleptic Gregorian calendar).
struct LocalTime {
    int year;
    int month;  // 1-12
    int day;    // 1-31
    int hour;   // 0-23
    int minute; // 0-59
    int second; // 0-59
    int millisecond = 0; // 0-999
};

// Thrown for an invalid excluded-period expression. what() names the bad
// expression and says why it is invalid.
struct ExcludedPeriodError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// Throws std::invalid_argument if a field of `t` is out of range (month 1-12,
// day within the month, hour 0-23, minute 0-59, second 0-59, millisecond 0-999).
void validateLocalTime(const LocalTime& t);

// Day of week of a date in Quartz numbering: 1 = Sunday ... 7 = Saturday.
int quartzDayOfWeek(int year, int month, int day);

// A daily time-of-day range, both ends inclusive (Quartz DailyCalendar with
// invertTimeRange = true).
class DailyTimeRange {
public:
    // Parses "start-end". Throws ExcludedPeriodError (reason only) when invalid.
    static DailyTimeRange parse(std::string_view text);

    bool contains(const LocalTime& t) const;
    int startMillisOfDay() const { return startMs_; }
    int endMillisOfDay() const { return endMs_; }

private:
    DailyTimeRange(int startMs, int endMs) : startMs_(startMs), endMs_(endMs) {}
    int startMs_;
    int endMs_;
};

// A Quartz cron expression, matching only (no next-fire-time computation).
// Supports: '*', '?', lists ',', ranges '-' (also wrapping, e.g. 22-2),
// increments '/' ('*/n', '/n', 'a/n', 'a-b/n'), month names JAN-DEC, day names
// SUN-SAT (1 = SUN ... 7 = SAT), case-insensitive; in day-of-month 'L',
// 'L-n', 'LW', 'L-nW', 'nW'; in day-of-week 'L' (= 7), 'nL' / 'DDDL' and
// 'n#k' / 'DDD#k'; an optional year field. Exactly one of day-of-month and
// day-of-week must be '?'.
class QuartzCronExpression {
public:
    // Parses the expression. Throws ExcludedPeriodError (reason only) when invalid.
    static QuartzCronExpression parse(std::string_view text);

    // True when `t`, truncated to the second, satisfies the expression.
    bool matches(const LocalTime& t) const;

    struct YearSpan {
        int first;
        int last; // inclusive; INT_MAX when unbounded
        int step;
    };
    enum class DayOfMonthRule : std::uint8_t {
        NoSpec,         // '?'
        Values,         // explicit set of days
        LastDay,        // 'L' or 'L-n'        (param = offset n)
        LastWeekday,    // 'LW' or 'L-nW'      (param = offset n)
        NearestWeekday, // 'nW'                (param = n)
    };
    enum class DayOfWeekRule : std::uint8_t {
        NoSpec,      // '?'
        Values,      // explicit set of days of week
        LastInMonth, // 'nL'  (param = day of week)
        Nth,         // 'n#k' (param = day of week, nth = k)
    };

private:
    QuartzCronExpression() = default;

    std::uint64_t seconds_ = 0;     // bit i = second i
    std::uint64_t minutes_ = 0;     // bit i = minute i
    std::uint32_t hours_ = 0;       // bit i = hour i
    std::uint32_t daysOfMonth_ = 0; // bit i = day i (1-31)
    std::uint16_t months_ = 0;      // bit i = month i (1-12)
    std::uint8_t daysOfWeek_ = 0;   // bit i = day of week i (1-7)
    DayOfMonthRule domRule_ = DayOfMonthRule::Values;
    DayOfWeekRule dowRule_ = DayOfWeekRule::NoSpec;
    int domParam_ = 0;
    int dowParam_ = 0;
    int dowNth_ = 0;
    std::vector<YearSpan> years_;
};

class ExcludedPeriods {
public:
    ExcludedPeriods() = default;

    // Parses every expression; throws ExcludedPeriodError naming the bad
    // expression and why.
    static ExcludedPeriods parse(const std::vector<std::string>& expressions);

    // Returns the error message parse() would throw, or nullopt if all valid.
    static std::optional<std::string> validate(const std::vector<std::string>& expressions);

    // True if t lies in some excluded period. Throws std::invalid_argument if
    // t is not a valid calendar time (see validateLocalTime).
    bool contains(const LocalTime& t) const;

    const std::vector<std::string>& expressions() const { return expressions_; }
    bool empty() const { return periods_.empty(); }

private:
    struct Period {
        std::optional<DailyTimeRange> daily;
        std::optional<QuartzCronExpression> cron;
    };
    std::vector<std::string> expressions_;
    std::vector<Period> periods_;
};

} // namespace flinkscaler
