// SPDX-License-Identifier: Apache-2.0
//
// Time as a value. The core never reads a clock: every function that needs "now" takes it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace flinkscaler {

using Millis = std::chrono::milliseconds;
using Seconds = std::chrono::seconds;
/// A point in time with millisecond precision, counted from the Unix epoch (UTC).
using Instant = std::chrono::time_point<std::chrono::system_clock, Millis>;

inline Instant instant_from_epoch_ms(std::int64_t ms) { return Instant{Millis{ms}}; }
inline std::int64_t epoch_ms(Instant t) { return t.time_since_epoch().count(); }

/// `secs(d)` of algorithm.md §0.1: whole seconds by truncation.
inline Seconds whole_seconds(Millis d) { return std::chrono::duration_cast<Seconds>(d); }

/// ISO-8601 UTC text with milliseconds, e.g. "2026-11-30T08:00:00.000Z".
std::string format_instant(Instant t);
/// Parses ISO-8601 UTC ("...Z", optional fraction) or a plain integer of epoch milliseconds.
/// Throws std::invalid_argument on anything else.
Instant parse_instant(const std::string& text);

/// A local calendar time, already converted to the service's time zone by the caller.
/// The day of week is derived from the date (proleptic Gregorian calendar).
struct LocalTime {
    int year;
    int month;            ///< 1-12
    int day;              ///< 1-31
    int hour;             ///< 0-23
    int minute;           ///< 0-59
    int second;           ///< 0-59
    int millisecond = 0;  ///< 0-999
};

/// UTC broken-down time of an instant.
LocalTime utc_local_time(Instant t);

/// Throws std::invalid_argument if a field of `t` is out of range (month 1-12, day within the
/// month, hour 0-23, minute 0-59, second 0-59, millisecond 0-999).
void validate_local_time(const LocalTime& t);

}  // namespace flinkscaler
