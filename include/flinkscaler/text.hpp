// SPDX-License-Identifier: Apache-2.0
//
// Small text helpers shared by every parser of the project: case folding and the one
// "did you mean ...?" matcher behind every hint on a mistyped key or name (option keys, config
// keys, simulator scenario fields).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace flinkscaler {

/// ASCII lower case of a text (config keys, enum names, metric aggregations, unit labels).
/// Bytes outside A-Z stay untouched (whatever the C locale), so UTF-8 such as "µs" survives.
std::string to_lower(std::string_view text);

/// What Java's String.trim() removes: every char <= ' ' (Flink trims option values with it).
std::string_view java_trim(std::string_view text);

/// Java's Character.isWhitespace for ASCII: space, \t, \n, \v, \f, \r and 0x1c-0x1f.
bool is_java_whitespace(char c);

/// What Java's String.strip() removes: is_java_whitespace from both ends (Quartz and the Flink
/// autoscaler's CalendarUtils strip sub-expressions with it).
std::string_view java_strip(std::string_view text);

/// Levenshtein distance between two texts, for "did you mean ...?" hints on mistyped keys.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` by case-insensitive edit distance, when it is closer than
/// `max_distance` edits (beyond 3 edits a suggestion is more confusing than helpful); the first
/// of equally close candidates wins.
std::optional<std::string_view> closest_match(std::string_view word, std::span<const std::string_view> candidates,
                                              std::size_t max_distance = 4);

}  // namespace flinkscaler
