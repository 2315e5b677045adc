// SPDX-License-Identifier: Apache-2.0
//
// Parsers for the textual values of Flink configuration options.
//
// Autoscaler options arrive as strings written for the JVM ("5 min", "PT30S", "2g",
// "a:1,b:2"), so each parser here accepts what Flink's own conversion accepts and rejects
// what Flink rejects. The few places where we deliberately accept more, or reject more,
// are called out per function.
//
// Every function is pure: no I/O, no shared state, no dependence on the C/C++ locale.
// "Whitespace" below always means what Java's String.trim() removes: every byte <= 0x20.
#pragma once

#include "flinkscaler/text.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flinkscaler {

/// Thrown for any malformed value. what() names the kind of value, quotes the offending
/// text and says what was expected, e.g.
///   invalid duration "5 minutes please": unknown time unit "minutes please" (expected ms, s, min, h, d, ...)
struct ValueError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

/// Parses a duration in either of the two forms Flink accepts.
///
/// Flink form (org.apache.flink.util.TimeUtils): optional whitespace, decimal digits (no sign,
/// no fraction), optional whitespace, optional unit label, optional whitespace. No label means
/// milliseconds. Labels are case-insensitive:
///   d day days | h hour hours | min m minute minutes | s sec secs second seconds |
///   ms milli millis millisecond milliseconds | µs micro micros microsecond microseconds |
///   ns nano nanos nanosecond nanoseconds
///
/// ISO-8601 form, as java.time.Duration.parse accepts it: [+-]P[nD][T[nH][nM][n[.f]S]] with
/// letters in any case, an optional sign on the whole and on every number, '.' or ',' before a
/// fraction of at most 9 digits (seconds only), and at least one section present ("P", "PT" and
/// "P1DT" are rejected). The sign of a fraction follows its seconds number ("PT-0.5S" is -500 ms,
/// as on Java 9+).
///
/// Anything finer than a millisecond is truncated toward zero, as Duration.toMillis() does
/// ("1500 µs" -> 1 ms, "PT-0.0005S" -> 0 ms).
/// Throws ValueError when empty, malformed, or not representable as int64 milliseconds.
std::chrono::milliseconds parse_duration(std::string_view text);

/// Formats a duration the way Flink prints one: "<count> <unit>" with the largest of
/// d, h, min, s, ms that divides it exactly, e.g. "2 d", "1 h", "5 min", "30 s", "1500 ms".
/// Zero is "0 ms"; negative durations keep their sign ("-5 min"). The result always
/// round-trips through parse_duration (negative results excepted: Flink's form has no sign).
std::string format_duration(std::chrono::milliseconds d);

/// Every unit label parse_duration accepts in Flink form (lower case, table order), for
/// generated documentation and JSON Schema patterns.
std::vector<std::string_view> duration_unit_labels();

/// Parses a memory size in bytes (org.apache.flink.configuration.MemorySize): optional
/// whitespace, decimal digits (no sign, no fraction), optional whitespace, optional
/// case-insensitive unit. No unit means bytes. Every unit is a power of 1024:
///   b bytes | k kb kibibytes | m mb mebibytes | g gb gibibytes | t tb tebibytes
/// Throws ValueError when empty, malformed, or the byte count does not fit in int64.
std::int64_t parse_memory_size(std::string_view text);

/// Every unit label parse_memory_size accepts (lower case, table order).
std::vector<std::string_view> memory_size_unit_labels();

/// Parses "true" or "false" in any case, ignoring surrounding whitespace.
/// Throws ValueError on anything else (no "yes", "1", "on", ...).
bool parse_boolean(std::string_view text);

/// Parses a double as Java's Double.parseDouble does on the trimmed text: an optional sign,
/// then "NaN", "Infinity" (both case-sensitive, as in Java) or a decimal number with at least
/// one digit, an optional '.', an optional exponent and an optional type suffix d, D, f or F.
/// The value is always read as a double, whatever the suffix. Magnitudes beyond the double
/// range become +-Infinity and ones below it become +-0.0, as in Java.
/// Hexadecimal floats are not supported. Throws ValueError on anything else.
double parse_double(std::string_view text);

/// parse_double without the exception: nullopt when the text is not a Java double ("true",
/// "RUNNING", "", "inf"). For values where "not a number" is an answer, such as the string
/// values of Flink metrics.
std::optional<double> try_parse_java_double(std::string_view text);

/// Parses a 32-bit integer as Java's Integer.parseInt does on the trimmed text: an optional
/// '+' or '-' followed by decimal digits. Throws ValueError on anything else or when the
/// value does not fit in an int.
int parse_int(std::string_view text);

/// Splits a Flink list value ("a;b;c") into its elements.
///
/// Elements are separated by ';' and trimmed. An element may be wrapped in '...' or "..." so it
/// can hold ';', surrounding whitespace or the other quote character; inside, the wrapping quote
/// is written twice to stand for itself ('it''s'). Quoted text is kept verbatim, not trimmed.
/// As in Flink: an empty or blank input is an empty list; a blank element before the first or
/// after the last ';' is dropped ("a;" and ";a" are both ["a"]) while a blank element between
/// two ';' is kept as "" ("a;;b" is ["a", "", "b"]).
/// Throws ValueError for a quote that is never closed, text after a closing quote, or a quote
/// character inside an unquoted element.
std::vector<std::string> parse_list(std::string_view text);

/// Parses a Flink map value ("k1:v1,k2:v2") into its entries, in input order.
///
/// Entries are separated by ',' and quoted exactly like list elements; a trailing ',' is
/// ignored. Each entry splits into key and value at its first ':' outside quotes; key and value
/// are trimmed and may each be quoted to hold ',' or ':'. A whole entry may also be quoted, which
/// is how Flink itself writes entries that contain ',' ("'a:x,y'" is {"a", "x,y"}).
/// Deliberate departures from Flink, which demands exactly one ':' and a non-blank value:
/// the value may contain further ':' ("url:http://h:80") and may be empty ("k:").
/// Throws ValueError for an entry without ':', an empty key, a key given twice (Flink's
/// Collectors.toMap rejects duplicates too), or any of the quoting errors of parse_list.
std::vector<std::pair<std::string, std::string>> parse_map(std::string_view text);

}  // namespace flinkscaler
