// SPDX-License-Identifier: Apache-2.0
//
// The JVM arithmetic helpers of algorithm.md §0.2-0.3.
#include "flinkscaler/numeric.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

using flinkscaler::ceil_2_decimals;
using flinkscaler::format_2_decimals;
using flinkscaler::is_nan;
using flinkscaler::java_double_to_string;
using flinkscaler::java_max;
using flinkscaler::java_min;
using flinkscaler::java_round;
using flinkscaler::kInf;
using flinkscaler::kNaN;
using flinkscaler::round_metric;
using flinkscaler::to_int;
using flinkscaler::to_long;

namespace {

std::string format2(double x) {
    char buffer[64];
    return std::string(format_2_decimals(x, buffer));
}

constexpr int kIntMax = std::numeric_limits<int>::max();
constexpr int kIntMin = std::numeric_limits<int>::min();

}  // namespace

TEST_CASE("R3 rounds the shortest decimal representation half-up to three decimals", "[numeric][R3]") {
    CHECK(round_metric(588.2352941176) == 588.235);
    CHECK(round_metric(16.66666667) == 16.667);
    CHECK(round_metric(0.0005) == 0.001);
    CHECK(round_metric(26.666666666666668) == 26.667);
    CHECK(round_metric(2020.2020202020202) == 2020.202);
    // 2.0005 is stored as 2.000499999999999989...; rounding the binary value would give 2.0,
    // rounding its shortest decimal "2.0005" half-up gives 2.001.
    CHECK(round_metric(2.0005) == 2.001);
    // A carry ripples through all kept digits.
    CHECK(round_metric(0.9995) == 1.0);
    CHECK(round_metric(999.9995) == 1000.0);
}

TEST_CASE("R3 leaves values with at most three decimals and huge values unchanged", "[numeric][R3]") {
    CHECK(round_metric(0.0) == 0.0);
    CHECK(round_metric(1250.0) == 1250.0);
    CHECK(round_metric(0.588) == 0.588);
    CHECK(round_metric(1e20) == 1e20);
    CHECK(round_metric(123456789.125) == 123456789.125);
}

TEST_CASE("R3 never collapses a small non-zero value to zero", "[numeric][R3]") {
    CHECK(round_metric(0.0004) == 0.0004);
    CHECK(round_metric(0.00049999) == 0.00049999);
    CHECK(round_metric(1e-10) == 1e-10);
    CHECK(round_metric(-0.0004) == -0.0004);
}

TEST_CASE("R3 rounds negative values half away from zero", "[numeric][R3]") {
    CHECK(round_metric(-588.2352941176) == -588.235);
    CHECK(round_metric(-16.66666667) == -16.667);
    CHECK(round_metric(-0.0005) == -0.001);
    CHECK(round_metric(-300.0) == -300.0);
    CHECK(round_metric(-2.0005) == -2.001);
}

TEST_CASE("R3 returns NaN and infinities unchanged", "[numeric][R3]") {
    CHECK(is_nan(round_metric(kNaN)));
    CHECK(round_metric(kInf) == kInf);
    CHECK(round_metric(-kInf) == -kInf);
}

TEST_CASE("java_round is floor(x + 0.5) with Java's NaN and saturation rules", "[numeric][JROUND]") {
    CHECK(java_round(777.7777777777778) == 778.0);
    CHECK(java_round(6160.000333333333) == 6160.0);
    CHECK(java_round(2.5) == 3.0);
    CHECK(java_round(-2.5) == -2.0);
    CHECK(java_round(-2.5000001) == -3.0);
    CHECK(java_round(-0.4) == 0.0);
    CHECK(java_round(4.4999999) == 4.0);
    // The largest double below 0.5: a naive floor(x + 0.5) yields 1, Java yields 0.
    CHECK(java_round(0.49999999999999994) == 0.0);
    // Above 2^52 every double is an integer and must come back unchanged (x + 0.5 would round up).
    CHECK(java_round(4503599627370497.0) == 4503599627370497.0);
    CHECK(java_round(kNaN) == 0.0);
    CHECK(java_round(kInf) == 9223372036854775807.0);  // Long.MAX_VALUE as a double (2^63)
    CHECK(java_round(1e300) == 9223372036854775807.0);
    CHECK(java_round(-kInf) == -9223372036854775808.0);
}

TEST_CASE("CEIL2 rounds the shortest decimal representation up to two decimals", "[numeric][CEIL2]") {
    CHECK(ceil_2_decimals(0.68254) == 0.69);
    CHECK(ceil_2_decimals(0.681) == 0.69);
    CHECK(ceil_2_decimals(0.001) == 0.01);
    CHECK(ceil_2_decimals(0.999) == 1.0);
    // Exact two-decimal values stay put, although the binary 0.68 is slightly above 0.68 and
    // 0.07 x 100 and 1.1 x 100 evaluate to just above 7 and 110 in doubles.
    CHECK(ceil_2_decimals(0.68) == 0.68);
    CHECK(ceil_2_decimals(0.07) == 0.07);
    CHECK(ceil_2_decimals(1.1) == 1.1);
    CHECK(ceil_2_decimals(0.5) == 0.5);
    CHECK(ceil_2_decimals(1.0) == 1.0);
    CHECK(ceil_2_decimals(0.0) == 0.0);
    // CEILING goes toward +Inf, so negative values are truncated.
    CHECK(ceil_2_decimals(-0.68254) == -0.68);
    CHECK(is_nan(ceil_2_decimals(kNaN)));
    CHECK(ceil_2_decimals(kInf) == kInf);
}

TEST_CASE("to_int truncates toward zero, saturates at the int range and maps NaN to 0", "[numeric][to_int]") {
    CHECK(to_int(2.9568) == 2);
    CHECK(to_int(-2.9568) == -2);
    CHECK(to_int(0.99999) == 0);
    CHECK(to_int(-0.99999) == 0);
    CHECK(to_int(kNaN) == 0);
    CHECK(to_int(3e9) == kIntMax);
    CHECK(to_int(-3e9) == kIntMin);
    CHECK(to_int(kInf) == kIntMax);
    CHECK(to_int(-kInf) == kIntMin);
    CHECK(to_int(2147483647.0) == kIntMax);
    CHECK(to_int(2147483646.9) == 2147483646);
    CHECK(to_long(kNaN) == 0);
    CHECK(to_long(kInf) == std::numeric_limits<std::int64_t>::max());
    CHECK(to_long(-12345678901.7) == -12345678901);
}

TEST_CASE("java_max and java_min propagate NaN from either argument", "[numeric][max]") {
    CHECK(is_nan(java_max(0.0, kNaN)));
    CHECK(is_nan(java_max(kNaN, 0.0)));
    CHECK(is_nan(java_min(0.0, kNaN)));
    CHECK(is_nan(java_min(kNaN, 0.0)));
    CHECK(is_nan(java_max(kInf, kNaN)));
    CHECK(java_max(0.0, -300.0) == 0.0);
    CHECK(java_max(2.0, 1.0) == 2.0);
    CHECK(java_max(0.0, kInf) == kInf);
    CHECK(java_min(2.0, 1.0) == 1.0);
    CHECK(java_min(1.0, -kInf) == -kInf);
}

TEST_CASE("java_max prefers +0.0 and java_min prefers -0.0 as Java's Math.max/min do", "[numeric][max]") {
    CHECK_FALSE(std::signbit(java_max(-0.0, 0.0)));
    CHECK_FALSE(std::signbit(java_max(0.0, -0.0)));
    CHECK(std::signbit(java_min(0.0, -0.0)));
    CHECK(std::signbit(java_min(-0.0, 0.0)));
}

TEST_CASE("format_2_decimals prints like Java's %.2f, rounding the shortest decimal half-up", "[numeric][format]") {
    CHECK(format2(2020.2020202) == "2020.20");
    CHECK(format2(4040.404) == "4040.40");
    CHECK(format2(2300.0) == "2300.00");
    CHECK(format2(0.0) == "0.00");
    CHECK(format2(0.999) == "1.00");
    CHECK(format2(-1.5) == "-1.50");
    // Ties round up (C's printf would round 0.125 to even and 1.005 - binary 1.00499... - down).
    CHECK(format2(0.125) == "0.13");
    CHECK(format2(1.005) == "1.01");
    CHECK(format2(kNaN) == "NaN");
    CHECK(format2(kInf) == "Infinity");
    CHECK(format2(-kInf) == "-Infinity");
}

TEST_CASE("java_double_to_string matches Double.toString in plain and scientific ranges", "[numeric][format]") {
    CHECK(java_double_to_string(90.0) == "90.0");
    CHECK(java_double_to_string(0.001) == "0.001");
    CHECK(java_double_to_string(1e7) == "1.0E7");
    CHECK(java_double_to_string(1e-4) == "1.0E-4");
    CHECK(java_double_to_string(9999999.0) == "9999999.0");
    CHECK(java_double_to_string(12345678.9) == "1.23456789E7");
    CHECK(java_double_to_string(1.5e-5) == "1.5E-5");
    CHECK(java_double_to_string(2020.202) == "2020.202");
    CHECK(java_double_to_string(-2.5) == "-2.5");
    CHECK(java_double_to_string(0.0) == "0.0");
    CHECK(java_double_to_string(-0.0) == "-0.0");
    CHECK(java_double_to_string(kNaN) == "NaN");
    CHECK(java_double_to_string(kInf) == "Infinity");
    CHECK(java_double_to_string(-kInf) == "-Infinity");
}
