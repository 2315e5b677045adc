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

}  // namespace flinkscaler
