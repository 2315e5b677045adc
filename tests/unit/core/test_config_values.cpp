// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/config_values.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using flinkscaler::format_duration;
using flinkscaler::parse_boolean;
using flinkscaler::parse_double;
using flinkscaler::parse_duration;
using flinkscaler::parse_int;
using flinkscaler::parse_list;
using flinkscaler::parse_map;
using flinkscaler::parse_memory_size;
using flinkscaler::ValueError;

namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;
using Strings = std::vector<std::string>;

// The message of the ValueError `parse` throws, so tests can check what it tells the user.
template <typename Parse>
std::string error_message(Parse parse) {
    try {
        parse();
    } catch (const ValueError& e) {
        return e.what();
    }
    return "<no ValueError thrown>";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Durations, Flink form

TEST_CASE("parse_duration reads a bare number as milliseconds", "[config_values][duration]") {
    CHECK(parse_duration("1500") == 1500ms);
    CHECK(parse_duration("0") == 0ms);
    CHECK(parse_duration("  42  ") == 42ms);
}

TEST_CASE("parse_duration accepts every Flink unit label in any case", "[config_values][duration]") {
    for (const char* text : {"2d", "2 day", "2 days", "2 DAYS"}) CHECK(parse_duration(text) == 48h);
    for (const char* text : {"3h", "3 hour", "3 Hours"}) CHECK(parse_duration(text) == 3h);
    for (const char* text : {"5min", "5 m", "5 minute", "5 MINUTES"}) CHECK(parse_duration(text) == 5min);
    for (const char* text : {"30s", "30 sec", "30 secs", "30 second", "30 seconds", "30 S"}) {
        CHECK(parse_duration(text) == 30s);
    }
    for (const char* text : {"7ms", "7 milli", "7 millis", "7 millisecond", "7 MilliSeconds"}) {
        CHECK(parse_duration(text) == 7ms);
    }
}

TEST_CASE("parse_duration allows any whitespace between number and unit", "[config_values][duration]") {
    CHECK(parse_duration("5\tmin") == 5min);
    CHECK(parse_duration(" 5   s ") == 5s);
}

TEST_CASE("parse_duration truncates sub-millisecond units toward zero", "[config_values][duration]") {
    CHECK(parse_duration("1500 \xC2\xB5s") == 1ms);  // "µs" spelled with the micro sign U+00B5
    CHECK(parse_duration("2500 micros") == 2ms);
    CHECK(parse_duration("999999 ns") == 0ms);
    CHECK(parse_duration("3000000 nanoseconds") == 3ms);
}

TEST_CASE("parse_duration rejects signs, fractions and unknown units", "[config_values][duration]") {
    CHECK_THROWS_AS(parse_duration("-5 s"), ValueError);
    CHECK_THROWS_AS(parse_duration("+5 s"), ValueError);
    CHECK_THROWS_AS(parse_duration("1.5 s"), ValueError);
    CHECK_THROWS_AS(parse_duration("5 us"), ValueError);  // Flink has no ASCII micro label
    CHECK_THROWS_AS(parse_duration("1 h 30 min"), ValueError);
    CHECK_THROWS_AS(parse_duration("s"), ValueError);
}

TEST_CASE("parse_duration rejects empty and blank text", "[config_values][duration]") {
    CHECK_THROWS_AS(parse_duration(""), ValueError);
    CHECK_THROWS_AS(parse_duration("   "), ValueError);
}

TEST_CASE("parse_duration error quotes the text and the unknown unit", "[config_values][duration]") {
    CHECK(error_message([] { parse_duration("5 minutes please"); }) ==
          "invalid duration \"5 minutes please\": unknown time unit \"minutes please\" "
          "(expected ms, s, min, h, d, ...)");
}

TEST_CASE("parse_duration rejects values that overflow 64-bit milliseconds", "[config_values][duration]") {
    CHECK(parse_duration("9223372036854775807") == std::chrono::milliseconds{9223372036854775807});
    CHECK_THROWS_AS(parse_duration("9223372036854775808"), ValueError);
    CHECK_THROWS_AS(parse_duration("106751991168 d"), ValueError);
    CHECK(parse_duration("9223372036854775807 ns") == std::chrono::milliseconds{9223372036854});
}

// ---------------------------------------------------------------------------------------------
// Durations, ISO-8601 form

TEST_CASE("parse_duration accepts ISO-8601 durations like java.time.Duration.parse", "[config_values][duration]") {
    CHECK(parse_duration("PT5M") == 5min);
    CHECK(parse_duration("PT30S") == 30s);
    CHECK(parse_duration("P1D") == 24h);
    CHECK(parse_duration("P2DT3H4M") == 48h + 3h + 4min);
    CHECK(parse_duration("pt1h2m3s") == 1h + 2min + 3s);
    CHECK(parse_duration("  PT1S  ") == 1s);
}

TEST_CASE("parse_duration reads ISO fractional seconds and truncates below a millisecond",
          "[config_values][duration]") {
    CHECK(parse_duration("PT0.5S") == 500ms);
    CHECK(parse_duration("PT1,25S") == 1250ms);
    CHECK(parse_duration("PT0.123456789S") == 123ms);
    CHECK(parse_duration("PT1.S") == 1s);
}

TEST_CASE("parse_duration applies ISO signs on the whole and on each section", "[config_values][duration]") {
    CHECK(parse_duration("PT-5S") == -5s);
    CHECK(parse_duration("-PT5S") == -5s);
    CHECK(parse_duration("-PT-5S") == 5s);
    CHECK(parse_duration("+PT5S") == 5s);
    CHECK(parse_duration("PT1H-10M") == 50min);
    // The fraction takes the sign of its seconds number (Java 9+), so "-0.5" is negative.
    CHECK(parse_duration("PT-0.5S") == -500ms);
    CHECK(parse_duration("PT-1.5S") == -1500ms);
    // Truncation is toward zero, as Duration.toMillis() does, not toward negative infinity.
    CHECK(parse_duration("PT-0.0005S") == 0ms);
    CHECK(parse_duration("PT1M-0.0005S") == 59999ms);
    CHECK(parse_duration("PT-1M0.5S") == -59500ms);
    CHECK(parse_duration("PT-1M0.0005S") == -59999ms);
}

TEST_CASE("parse_duration rejects malformed ISO-8601 durations", "[config_values][duration]") {
    for (const char* text : {"P", "PT", "P1DT", "PT5", "P5H", "PT5S5M", "PT0.1234567891S", "PT.5S", "PT5MS",
                             "P1W", "P1Y", "PT1.5M", "PT5S ago", "--PT5S", "PT+-5S"}) {
        INFO(text);
        CHECK_THROWS_AS(parse_duration(text), ValueError);
    }
}

TEST_CASE("parse_duration rejects ISO durations that overflow 64-bit milliseconds", "[config_values][duration]") {
    CHECK_THROWS_AS(parse_duration("PT9223372036854775807S"), ValueError);
    CHECK_THROWS_AS(parse_duration("P106751991168D"), ValueError);
    CHECK_THROWS_AS(parse_duration("PT99999999999999999999S"), ValueError);
    CHECK(parse_duration("PT9223372036854775S") == std::chrono::milliseconds{9223372036854775000});
}

// ---------------------------------------------------------------------------------------------
// Duration formatting

TEST_CASE("format_duration picks the largest unit that divides exactly", "[config_values][duration]") {
    CHECK(format_duration(5min) == "5 min");
    CHECK(format_duration(30s) == "30 s");
    CHECK(format_duration(1500ms) == "1500 ms");
    CHECK(format_duration(1h) == "1 h");
    CHECK(format_duration(48h) == "2 d");
    CHECK(format_duration(1h + 1s) == "3601 s");
    CHECK(format_duration(90min) == "90 min");
}

TEST_CASE("format_duration prints zero as milliseconds and keeps the sign", "[config_values][duration]") {
    CHECK(format_duration(0ms) == "0 ms");
    CHECK(format_duration(-5min) == "-5 min");
}

TEST_CASE("format_duration output parses back to the same duration", "[config_values][duration]") {
    for (auto d : {std::chrono::milliseconds{1}, std::chrono::milliseconds{1500}, std::chrono::milliseconds{60000},
                   std::chrono::milliseconds{86400000 * 3LL}, std::chrono::milliseconds{3601000}}) {
        CHECK(parse_duration(format_duration(d)) == d);
    }
}

// ---------------------------------------------------------------------------------------------
// Memory sizes

TEST_CASE("parse_memory_size reads a bare number as bytes", "[config_values][memory]") {
    CHECK(parse_memory_size("0") == 0);
    CHECK(parse_memory_size(" 1234 ") == 1234);
}

TEST_CASE("parse_memory_size accepts every Flink unit as a power of 1024 in any case", "[config_values][memory]") {
    CHECK(parse_memory_size("7b") == 7);
    CHECK(parse_memory_size("7 bytes") == 7);
    for (const char* text : {"1k", "1kb", "1 KiBiBytes", "1 K"}) CHECK(parse_memory_size(text) == 1024);
    for (const char* text : {"2m", "2 MB", "2 mebibytes"}) CHECK(parse_memory_size(text) == 2LL << 20);
    for (const char* text : {"3g", "3 gb", "3 Gibibytes"}) CHECK(parse_memory_size(text) == 3LL << 30);
    for (const char* text : {"4t", "4 TB", "4 tebibytes"}) CHECK(parse_memory_size(text) == 4LL << 40);
}

TEST_CASE("parse_memory_size rejects fractions, signs, unknown units and blank text", "[config_values][memory]") {
    for (const char* text : {"1.5g", "-1k", "+1k", "1 kib", "1 gigabytes", "mb", "", "  "}) {
        INFO(text);
        CHECK_THROWS_AS(parse_memory_size(text), ValueError);
    }
    CHECK(error_message([] { parse_memory_size("1 kib"); }).find("\"1 kib\"") != std::string::npos);
}

TEST_CASE("parse_memory_size rejects byte counts that overflow int64", "[config_values][memory]") {
    CHECK(parse_memory_size("8388607t") == 8388607LL << 40);
    CHECK_THROWS_AS(parse_memory_size("8388608t"), ValueError);
    CHECK_THROWS_AS(parse_memory_size("9223372036854775808"), ValueError);
}

// ---------------------------------------------------------------------------------------------
// Booleans

TEST_CASE("parse_boolean accepts true and false in any case with surrounding whitespace",
          "[config_values][boolean]") {
    CHECK(parse_boolean("true"));
    CHECK(parse_boolean(" TRUE "));
    CHECK_FALSE(parse_boolean("false"));
    CHECK_FALSE(parse_boolean("False\n"));
}

TEST_CASE("parse_boolean rejects every other spelling", "[config_values][boolean]") {
    for (const char* text : {"yes", "1", "0", "on", "t", "truee", "", "tr ue"}) {
        INFO(text);
        CHECK_THROWS_AS(parse_boolean(text), ValueError);
    }
}

// ---------------------------------------------------------------------------------------------
// Doubles

TEST_CASE("parse_double reads decimal and exponent forms like Double.parseDouble", "[config_values][double]") {
    CHECK(parse_double("1.5") == 1.5);
    CHECK(parse_double(" -2.25 ") == -2.25);
    CHECK(parse_double("+3") == 3.0);
    CHECK(parse_double(".5") == 0.5);
    CHECK(parse_double("5.") == 5.0);
    CHECK(parse_double("1e3") == 1000.0);
    CHECK(parse_double("1.E-2") == 0.01);
    CHECK(parse_double("0.1") == 0.1);  // correctly rounded, whatever the C locale
}

TEST_CASE("parse_double accepts Java's d, D, f and F suffixes and still reads a double",
          "[config_values][double]") {
    CHECK(parse_double("2d") == 2.0);
    CHECK(parse_double("2.5D") == 2.5);
    CHECK(parse_double("0.1f") == 0.1);  // the double 0.1, not the float 0.1f widened
    CHECK(parse_double("1e2F") == 100.0);
}

TEST_CASE("parse_double reads NaN and signed Infinity", "[config_values][double]") {
    CHECK(std::isnan(parse_double("NaN")));
    CHECK(std::isnan(parse_double("-NaN")));
    CHECK(parse_double("Infinity") == std::numeric_limits<double>::infinity());
    CHECK(parse_double("+Infinity") == std::numeric_limits<double>::infinity());
    CHECK(parse_double(" -Infinity ") == -std::numeric_limits<double>::infinity());
}

TEST_CASE("parse_double rounds out-of-range magnitudes to infinity or zero like Java", "[config_values][double]") {
    CHECK(parse_double("1e400") == std::numeric_limits<double>::infinity());
    CHECK(parse_double("-1e400") == -std::numeric_limits<double>::infinity());
    CHECK(parse_double("1e-400") == 0.0);
    CHECK(std::signbit(parse_double("-1e-400")));
    CHECK(parse_double("123e99999999999999999999") == std::numeric_limits<double>::infinity());
    CHECK(parse_double("0.000123e-99999999999999999999") == 0.0);
    CHECK(parse_double("0e99999") == 0.0);
}

TEST_CASE("parse_double rejects garbage, hex floats and C spellings of infinity", "[config_values][double]") {
    for (const char* text : {"", " ", "abc", "1.5x", "1e", "e5", ".", "-", "1..5", "1e5.5", "0x1p3", "inf",
                             "nan", "infinity", "NaNd", "Infinityf", "1 000", "- 5", "1,5", "dd"}) {
        INFO(text);
        CHECK_THROWS_AS(parse_double(text), ValueError);
    }
}

// ---------------------------------------------------------------------------------------------
// Integers

TEST_CASE("parse_int reads an optionally signed decimal within 32 bits", "[config_values][int]") {
    CHECK(parse_int("42") == 42);
    CHECK(parse_int(" -7 ") == -7);
    CHECK(parse_int("+7") == 7);
    CHECK(parse_int("007") == 7);
    CHECK(parse_int("2147483647") == 2147483647);
    CHECK(parse_int("-2147483648") == std::numeric_limits<int>::min());
}

TEST_CASE("parse_int rejects out-of-range values and anything but digits", "[config_values][int]") {
    for (const char* text : {"2147483648", "-2147483649", "99999999999999999999", "", "-", "+", "1.0", "1e3",
                             "+-1", "--1", "12a", "0x10", "1 2"}) {
        INFO(text);
        CHECK_THROWS_AS(parse_int(text), ValueError);
    }
    CHECK(error_message([] { parse_int("2147483648"); }).find("\"2147483648\"") != std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Lists

TEST_CASE("parse_list splits on semicolons and trims each element", "[config_values][list]") {
    CHECK(parse_list("a;b;c") == Strings{"a", "b", "c"});
    CHECK(parse_list(" a ; b c ;c ") == Strings{"a", "b c", "c"});
    CHECK(parse_list("single") == Strings{"single"});
}

TEST_CASE("parse_list gives an empty list for empty or blank input", "[config_values][list]") {
    CHECK(parse_list("").empty());
    CHECK(parse_list("   ").empty());
    CHECK(parse_list(";").empty());
}

TEST_CASE("parse_list drops blank ends but keeps blank elements between separators", "[config_values][list]") {
    CHECK(parse_list("a;b;") == Strings{"a", "b"});
    CHECK(parse_list(";a") == Strings{"a"});
    CHECK(parse_list("a;;b") == Strings{"a", "", "b"});
    CHECK(parse_list("a; ;b") == Strings{"a", "", "b"});
    CHECK(parse_list(";;") == Strings{""});
}

TEST_CASE("parse_list keeps separators, spaces and other quotes inside quoted elements", "[config_values][list]") {
    CHECK(parse_list("'A;B';C") == Strings{"A;B", "C"});
    CHECK(parse_list("\"AB'D\";B;C") == Strings{"AB'D", "B", "C"});
    CHECK(parse_list("' padded ' ; x") == Strings{" padded ", "x"});
    CHECK(parse_list("'';a") == Strings{"", "a"});
}

TEST_CASE("parse_list reads a doubled quote inside quotes as one literal quote", "[config_values][list]") {
    CHECK(parse_list("'it''s';b") == Strings{"it's", "b"});
    CHECK(parse_list("\"AB'\"\"D;B\";C") == Strings{"AB'\"D;B", "C"});
}

TEST_CASE("parse_list rejects unbalanced and misplaced quotes", "[config_values][list]") {
    for (const char* text : {"'abc", "a;\"b", "'a''", "it's", "a'b';c", "'a'b;c", "'a' 'b'"}) {
        INFO(text);
        CHECK_THROWS_AS(parse_list(text), ValueError);
    }
    CHECK(error_message([] { parse_list("x;'abc"); }).find("invalid list \"x;'abc\"") == 0);
}

// ---------------------------------------------------------------------------------------------
// Maps

TEST_CASE("parse_map splits entries on commas and key from value on the colon", "[config_values][map]") {
    CHECK(parse_map("k1:v1,k2:v2") == Entries{{"k1", "v1"}, {"k2", "v2"}});
    CHECK(parse_map(" k1 : v1 , k2:v2 ,") == Entries{{"k1", "v1"}, {"k2", "v2"}});
}

TEST_CASE("parse_map gives no entries for empty or blank input", "[config_values][map]") {
    CHECK(parse_map("").empty());
    CHECK(parse_map("  ").empty());
}

TEST_CASE("parse_map keeps input order rather than sorting keys", "[config_values][map]") {
    CHECK(parse_map("z:1,a:2") == Entries{{"z", "1"}, {"a", "2"}});
}

TEST_CASE("parse_map splits at the first colon so values may contain colons", "[config_values][map]") {
    CHECK(parse_map("url:http://host:8081") == Entries{{"url", "http://host:8081"}});
}

TEST_CASE("parse_map allows an empty value", "[config_values][map]") {
    CHECK(parse_map("k:") == Entries{{"k", ""}});
}

TEST_CASE("parse_map reads quoted keys and values holding commas and colons", "[config_values][map]") {
    CHECK(parse_map("'a,b':'c:d',e:f") == Entries{{"a,b", "c:d"}, {"e", "f"}});
    CHECK(parse_map("\"x\":'it''s'") == Entries{{"x", "it's"}});
}

TEST_CASE("parse_map reads whole quoted entries the way Flink writes them", "[config_values][map]") {
    // Flink quotes an entry holding ',' as a whole, doubling the quotes of a quoted key inside.
    CHECK(parse_map("'a:x,y',b:2") == Entries{{"a", "x,y"}, {"b", "2"}});
    CHECK(parse_map("'''k:1'':v'") == Entries{{"k:1", "v"}});
}

TEST_CASE("parse_map rejects entries without a colon, empty keys and duplicate keys", "[config_values][map]") {
    for (const char* text : {"k1", "k1:v1,k2", "k1:v1,,k2:v2", ":v", "'':v", "k:1,k:2", "'k'"}) {
        INFO(text);
        CHECK_THROWS_AS(parse_map(text), ValueError);
    }
    CHECK(error_message([] { parse_map("a:1,b"); }) ==
          "invalid map \"a:1,b\": entry \"b\" has no ':' between key and value");
}

TEST_CASE("parse_map rejects unbalanced and misplaced quotes", "[config_values][map]") {
    for (const char* text : {"'k:v", "k:'v", "k:v'", "'k'x:v", "k:'v' w"}) {
        INFO(text);
        CHECK_THROWS_AS(parse_map(text), ValueError);
    }
}
