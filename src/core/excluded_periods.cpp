// SPDX-License-Identifier: Apache-2.0
//
// Excluded periods for the autoscaler (`job.autoscaler.excluded.periods`). Behaviour follows the
// Flink autoscaler's CalendarUtils, which combines a Quartz DailyCalendar (invertTimeRange =
// true) and a Quartz CronExpression; see excluded_periods.hpp for the grammar and the matching
// rules. This file holds the daily range and the composite; the cron half is quartz_cron.cpp.
#include "flinkscaler/excluded_periods.hpp"

#include "core/period_syntax.hpp"
#include "core/quartz_cron.hpp"
#include "flinkscaler/text.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flinkscaler {
namespace {

using period_syntax::all_digits;
using period_syntax::fail;
using period_syntax::parse_digits;
using period_syntax::quoted;
using period_syntax::split_on;

constexpr std::string_view kOptionKey = "job.autoscaler.excluded.periods";

/// Parses H:mm[:ss[:SSS]] into milliseconds of the day.
int parse_time_of_day(std::string_view text) {
    const std::vector<std::string_view> parts = split_on(text, ":");
    if (parts.size() < 2 || parts.size() > 4) {
        fail("invalid time " + quoted(text) + ", expected H:mm[:ss[:SSS]]");
    }
    for (std::string_view p : parts) {
        if (!all_digits(p)) {
            fail("invalid time " + quoted(text) +
                 ", expected H:mm[:ss[:SSS]] made of digits only");
        }
    }
    const int hour = parse_digits(parts[0]);
    const int minute = parse_digits(parts[1]);
    const int second = parts.size() > 2 ? parse_digits(parts[2]) : 0;
    const int millis = parts.size() > 3 ? parse_digits(parts[3]) : 0;
    if (hour > 23) {
        fail("invalid hour of day " + std::to_string(hour) + " in " + quoted(text) +
             " (must be 0-23)");
    }
    if (minute > 59) {
        fail("invalid minute " + std::to_string(minute) + " in " + quoted(text) +
             " (must be 0-59)");
    }
    if (second > 59) {
        fail("invalid second " + std::to_string(second) + " in " + quoted(text) +
             " (must be 0-59)");
    }
    if (millis > 999) {
        fail("invalid millisecond " + std::to_string(millis) + " in " + quoted(text) +
             " (must be 0-999)");
    }
    return ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

/// Runs `parse`, returning its result, or nullopt with the reason in `error`.
template <class Parse>
auto attempt(std::string& error, Parse parse) -> std::optional<decltype(parse())> {
    try {
        return parse();
    } catch (const ExcludedPeriodError& e) {
        error = e.what();
        return std::nullopt;
    }
}

}  // namespace

DailyTimeRange DailyTimeRange::parse(std::string_view text) {
    const std::vector<std::string_view> bounds = split_on(text, "-");
    if (bounds.size() != 2) {
        fail("a daily range must have the form H:mm[:ss]-H:mm[:ss]");
    }
    const int start = parse_time_of_day(bounds[0]);
    const int end = parse_time_of_day(bounds[1]);
    if (start >= end) {
        fail("the start time " + quoted(bounds[0]) + " must be before the end time " +
             quoted(bounds[1]) + " (a daily range cannot wrap midnight)");
    }
    return DailyTimeRange(start, end);
}

bool DailyTimeRange::contains(const LocalTime& t) const {
    validate_local_time(t);
    const int ms = ((t.hour * 60 + t.minute) * 60 + t.second) * 1000 + t.millisecond;
    return ms >= start_ms_ && ms <= end_ms_;
}

ExcludedPeriods ExcludedPeriods::parse(const std::vector<std::string>& expressions) {
    ExcludedPeriods result;
    result.expressions_ = expressions;
    result.periods_.reserve(expressions.size());
    for (const std::string& expression : expressions) {
        const std::string prefix = "Invalid value " + quoted(expression) +
                                   " in the autoscaler config " + std::string(kOptionKey) + ": ";
        const std::vector<std::string_view> parts = split_on(expression, "&&");
        if (parts.size() > 2) {
            throw ExcludedPeriodError(prefix +
                                      "at most two sub-expressions may be joined with '&&'");
        }
        Period period;
        for (std::string_view raw : parts) {
            const std::string_view sub = java_strip(raw);
            if (sub.empty()) {
                throw ExcludedPeriodError(prefix + (parts.size() == 1
                                                        ? std::string("the expression is empty")
                                                        : std::string("empty sub-expression "
                                                                      "around '&&'")));
            }
            std::string daily_error;
            if (auto daily = attempt(daily_error, [&] { return DailyTimeRange::parse(sub); })) {
                if (period.daily) {
                    throw ExcludedPeriodError(
                        prefix + "two daily ranges cannot be joined with '&&'; combine one "
                                 "daily range with one cron expression");
                }
                period.daily = std::move(daily);
                continue;
            }
            std::string cron_error;
            if (auto cron = attempt(cron_error, [&] { return QuartzCronExpression::parse(sub); })) {
                if (period.cron) {
                    throw ExcludedPeriodError(
                        prefix + "two cron expressions cannot be joined with '&&'; combine "
                                 "one daily range with one cron expression");
                }
                period.cron = std::make_shared<const QuartzCronExpression>(std::move(*cron));
                continue;
            }
            // Report the more relevant of the two reasons: daily ranges
            // contain ':', cron expressions have at least 6 fields.
            const bool looks_daily = sub.find(':') != std::string_view::npos &&
                                    QuartzCronExpression::count_fields(sub) < 6;
            throw ExcludedPeriodError(
                prefix + quoted(sub) +
                " is neither a daily range (H:mm[:ss]-H:mm[:ss]) nor a Quartz cron expression: " +
                (looks_daily ? "as a daily range, " + daily_error
                            : "as a cron expression, " + cron_error));
        }
        result.periods_.push_back(std::move(period));
    }
    return result;
}

std::optional<std::string> ExcludedPeriods::validate(const std::vector<std::string>& expressions) {
    try {
        (void)parse(expressions);
    } catch (const ExcludedPeriodError& e) {
        return std::string(e.what());
    }
    return std::nullopt;
}

bool ExcludedPeriods::contains(const LocalTime& t) const {
    validate_local_time(t);
    for (const Period& period : periods_) {
        if (period.daily && !period.daily->contains(t)) {
            continue;
        }
        if (period.cron && !period.cron->matches(t)) {
            continue;
        }
        return true;
    }
    return false;
}

}  // namespace flinkscaler
