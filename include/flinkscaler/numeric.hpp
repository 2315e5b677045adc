// SPDX-License-Identifier: Apache-2.0
//
// Numeric helpers that reproduce the JVM arithmetic of the reference autoscaler
// (algorithm.md §0.2-0.3). Every scaling formula goes through these, so that
// rounding, NaN and infinity behave exactly like the Java implementation.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace flinkscaler {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

inline bool is_nan(double x) noexcept { return x != x; }
inline bool is_finite(double x) noexcept { return x - x == 0.0; }
inline bool is_infinite(double x) noexcept { return !is_nan(x) && !is_finite(x); }

/// Java `Math.max` on doubles: NaN if either argument is NaN (std::max/fmax are not).
double java_max(double a, double b) noexcept;
/// Java `Math.min` on doubles: NaN if either argument is NaN.
double java_min(double a, double b) noexcept;

/// Java `(int) x`: truncation toward zero, saturation at the int range, NaN -> 0.
int to_int(double x) noexcept;
/// Java `(long) x`: truncation toward zero, saturation at the long range, NaN -> 0.
std::int64_t to_long(double x) noexcept;

/// Java `Math.round(double)` returned as a double: the exact floor(x + 1/2);
/// NaN -> 0, saturated at the long range (so +Inf -> 9.223372036854776E18).
double java_round(double x) noexcept;

/// "Metric rounding" R3: half-up to 3 decimals on the shortest decimal representation of x;
/// non-finite values unchanged; a result of zero returns x itself so small values survive.
double round_metric(double x) noexcept;

/// CEIL2: ceiling to 2 decimals on the shortest decimal representation
/// (Java BigDecimal.valueOf(x).setScale(2, CEILING)); non-finite values unchanged.
double ceil_2_decimals(double x) noexcept;

/// Formats like Java's String.format("%.2f") in the C locale, with "NaN"/"Infinity"/"-Infinity"
/// for non-finite values.
std::string_view format_2_decimals(double x, char (&buffer)[64]) noexcept;

}  // namespace flinkscaler

namespace flinkscaler {
/// Java's Double.toString: "90.0", "0.001", "1.0E7", "NaN", "Infinity" (used where the
/// reference builds messages and event keys by string concatenation).
std::string java_double_to_string(double x);
}  // namespace flinkscaler
