// SPDX-License-Identifier: Apache-2.0
//
// Flink's value syntax (durations, memory sizes, lists, maps, booleans, numbers) with Java's exact
// semantics, documented per function in config_values.hpp. Over 600 lines on purpose: one
// cohesive grammar whose sections share the same trimming and error wording; a split would
// scatter one contract over several files.
#include "flinkscaler/config_values.hpp"

#include <cctype>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <limits>
#include <optional>
#include <system_error>

namespace flinkscaler {

namespace {

using std::int64_t;
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

// ---------------------------------------------------------------------------------------------
// Errors

// Names what was being parsed, so every message can say `invalid <kind> "<text>": ...`.
struct Subject {
    std::string_view kind;
    std::string_view text;
};

[[noreturn]] void reject(const Subject& subject, std::string_view reason) {
    std::string message = "invalid ";
    message.append(subject.kind).append(" \"").append(subject.text).append("\": ").append(reason);
    throw ValueError(message);
}

std::string quoted(std::string_view text) {
    std::string out = "\"";
    out.append(text).append("\"");
    return out;
}

// ---------------------------------------------------------------------------------------------
// Characters and text (trimming is Java's String.trim(): java_trim of text.hpp)

bool is_blank(std::string_view text) { return java_trim(text).empty(); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// ASCII only: unit labels are ASCII apart from the micro sign, whose bytes must stay untouched.
char to_lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignore_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(),
                      [](char x, char y) { return to_lower_ascii(x) == to_lower_ascii(y); });
}

std::size_t count_leading_digits(std::string_view text) {
    std::size_t n = 0;
    while (n < text.size() && is_digit(text[n])) ++n;
    return n;
}

// ---------------------------------------------------------------------------------------------
// Checked int64 arithmetic (the standard offers none before C++26)

std::optional<int64_t> checked_add(int64_t a, int64_t b) {
    if ((b > 0 && a > kInt64Max - b) || (b < 0 && a < kInt64Min - b)) return std::nullopt;
    return a + b;
}

std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
    if (a == 0 || b == 0) return 0;
    // Compare against the limit on the result's side divided by one factor; integer division
    // truncates toward zero, which is exactly the rounding each comparison needs.
    const bool negative = (a < 0) != (b < 0);
    if (negative) {
        if ((a > 0 && b < kInt64Min / a) || (a < 0 && a < kInt64Min / b)) return std::nullopt;
    } else {
        if ((a > 0 && a > kInt64Max / b) || (a < 0 && a < kInt64Max / b)) return std::nullopt;
    }
    return a * b;
}

// Parses an optionally signed run of decimal digits that must make up the whole text.
// Sets out_of_range when the syntax is fine but the value does not fit in Int.
template <typename Int>
std::optional<Int> parse_whole_integer(std::string_view text, bool& out_of_range) {
    out_of_range = false;
    const bool has_sign = !text.empty() && (text.front() == '+' || text.front() == '-');
    const std::string_view digits = text.substr(has_sign ? 1 : 0);
    if (digits.empty() || count_leading_digits(digits) != digits.size()) return std::nullopt;
    // from_chars takes '-' but refuses '+', which Java's parseInt/parseLong accept.
    const std::string_view parsable = text.front() == '+' ? digits : text;
    Int value{};
    const auto result = std::from_chars(parsable.data(), parsable.data() + parsable.size(), value);
    if (result.ec == std::errc::result_out_of_range) out_of_range = true;
    if (result.ec != std::errc{}) return std::nullopt;
    return value;
}

// ---------------------------------------------------------------------------------------------
// "<digits> <unit>" values: Flink's duration and memory size syntax

struct NumberAndUnit {
    int64_t number;
    std::string_view unit;  // trimmed, original case; empty when absent
};

NumberAndUnit split_number_and_unit(const Subject& subject) {
    const std::string_view trimmed = java_trim(subject.text);
    if (trimmed.empty()) reject(subject, "the value is empty");
    const std::size_t digit_count = count_leading_digits(trimmed);
    if (digit_count == 0) {
        reject(subject, "expected a whole number of digits (no sign or fraction), then an optional unit");
    }
    bool out_of_range = false;
    const auto number = parse_whole_integer<int64_t>(trimmed.substr(0, digit_count), out_of_range);
    if (!number) reject(subject, "the number does not fit in a signed 64-bit integer");
    return {*number, java_trim(trimmed.substr(digit_count))};
}

// ---------------------------------------------------------------------------------------------
// Durations, Flink form

// A value in this unit is value * multiplier / divisor milliseconds (one of the two is 1).
struct TimeUnitSpec {
    std::array<std::string_view, 5> labels;  // lower case; unused slots are empty
    int64_t multiplier;
    int64_t divisor;
};

constexpr std::array<TimeUnitSpec, 7> kTimeUnits{{
    {{"d", "day", "days"}, 86'400'000, 1},
    {{"h", "hour", "hours"}, 3'600'000, 1},
    {{"min", "m", "minute", "minutes"}, 60'000, 1},
    {{"s", "sec", "secs", "second", "seconds"}, 1'000, 1},
    {{"ms", "milli", "millis", "millisecond", "milliseconds"}, 1, 1},
    // "µs" with the micro sign U+00B5, as Flink spells it.
    {{"\xC2\xB5s", "micro", "micros", "microsecond", "microseconds"}, 1, 1'000},
    {{"ns", "nano", "nanos", "nanosecond", "nanoseconds"}, 1, 1'000'000},
}};

const TimeUnitSpec* find_time_unit(std::string_view label) {
    const std::string lower = to_lower(label);
    for (const TimeUnitSpec& unit : kTimeUnits) {
        for (std::string_view known : unit.labels) {
            if (!known.empty() && known == lower) return &unit;
        }
    }
    return nullptr;
}

std::chrono::milliseconds parse_flink_duration(const Subject& subject) {
    const NumberAndUnit parsed = split_number_and_unit(subject);
    if (parsed.unit.empty()) return std::chrono::milliseconds{parsed.number};
    const TimeUnitSpec* unit = find_time_unit(parsed.unit);
    if (unit == nullptr) {
        reject(subject, "unknown time unit " + quoted(parsed.unit) + " (expected ms, s, min, h, d, ...)");
    }
    const auto millis = checked_mul(parsed.number, unit->multiplier);
    if (!millis) reject(subject, "too long to count in 64-bit milliseconds");
    return std::chrono::milliseconds{*millis / unit->divisor};
}

// ---------------------------------------------------------------------------------------------
// Durations, ISO-8601 form as java.time.Duration.parse reads it

// Reads the text left to right; every accessor leaves the cursor untouched when it fails.
class Cursor {
public:
    explicit Cursor(std::string_view text) : rest_(text) {}

    bool at_end() const { return rest_.empty(); }

    bool take_letter(char upper) {
        if (rest_.empty() || (rest_.front() != upper && rest_.front() != to_lower_ascii(upper))) return false;
        rest_.remove_prefix(1);
        return true;
    }

    bool take_any_of(std::string_view chars) {
        if (rest_.empty() || chars.find(rest_.front()) == std::string_view::npos) return false;
        rest_.remove_prefix(1);
        return true;
    }

    // An optional sign followed by at least one digit, as written; empty when there is none.
    std::string_view take_signed_digits() {
        const std::size_t sign = (!rest_.empty() && (rest_.front() == '+' || rest_.front() == '-')) ? 1 : 0;
        const std::size_t digits = count_leading_digits(rest_.substr(sign));
        if (digits == 0) return {};
        return take(sign + digits);
    }

    std::string_view take_digits() { return take(count_leading_digits(rest_)); }

private:
    std::string_view take(std::size_t n) {
        const std::string_view taken = rest_.substr(0, n);
        rest_.remove_prefix(n);
        return taken;
    }

    std::string_view rest_;
};

// The pieces of "[+-]P[nD][T[nH][nM][n[.f]S]]" exactly as they were written.
struct IsoParts {
    bool negated = false;
    std::string_view days, hours, minutes, seconds, fraction;

    bool has_any_section() const { return !(days.empty() && hours.empty() && minutes.empty() && seconds.empty()); }
};

constexpr std::string_view kIsoExpectation =
    "not an ISO-8601 duration of the form [-]P[nD][T[nH][nM][n[.fffffffff]S]], e.g. PT5M, PT0.5S, P1DT2H";

// One "<signed number>[.fraction]<designator>" section, as written.
struct IsoSection {
    std::string_view number, fraction;
};

// Takes the section if the text continues with one ending in `designator`; only seconds
// ('S') may carry a fraction. Leaves the cursor alone otherwise.
std::optional<IsoSection> take_section(Cursor& cursor, char designator) {
    Cursor attempt = cursor;
    IsoSection section{attempt.take_signed_digits(), {}};
    if (section.number.empty()) return std::nullopt;
    if (designator == 'S' && attempt.take_any_of(".,")) {
        section.fraction = attempt.take_digits();
        if (section.fraction.size() > 9) return std::nullopt;
        if (section.fraction.empty()) section.fraction = "0";  // Java accepts "PT1.S"
    }
    if (!attempt.take_letter(designator)) return std::nullopt;
    cursor = attempt;
    return section;
}

std::optional<IsoParts> split_iso_duration(std::string_view text) {
    IsoParts parts;
    Cursor cursor(text);
    parts.negated = cursor.take_any_of("-");
    if (!parts.negated) cursor.take_any_of("+");
    if (!cursor.take_letter('P')) return std::nullopt;
    if (auto days = take_section(cursor, 'D')) parts.days = days->number;
    if (cursor.take_letter('T')) {
        if (auto hours = take_section(cursor, 'H')) parts.hours = hours->number;
        if (auto minutes = take_section(cursor, 'M')) parts.minutes = minutes->number;
        if (auto seconds = take_section(cursor, 'S')) {
            parts.seconds = seconds->number;
            parts.fraction = seconds->fraction;
        }
        // A 'T' must introduce at least one time section: "P1DT" is rejected, as in Java.
        if (parts.hours.empty() && parts.minutes.empty() && parts.seconds.empty()) return std::nullopt;
    }
    if (!cursor.at_end() || !parts.has_any_section()) return std::nullopt;
    return parts;
}

// Converts one section to seconds; an absent section counts as zero.
std::optional<int64_t> section_seconds(std::string_view number, int64_t seconds_per_unit) {
    if (number.empty()) return 0;
    bool out_of_range = false;
    const auto value = parse_whole_integer<int64_t>(number, out_of_range);
    return value ? checked_mul(*value, seconds_per_unit) : std::nullopt;
}

// Days, hours, minutes and seconds summed like Java's Math.addExact chain, or nullopt on overflow.
std::optional<int64_t> total_seconds(const IsoParts& parts) {
    const std::array<std::optional<int64_t>, 4> sections{
        section_seconds(parts.days, 86'400), section_seconds(parts.hours, 3'600),
        section_seconds(parts.minutes, 60), section_seconds(parts.seconds, 1)};
    std::optional<int64_t> total = 0;
    for (const auto& section : sections) total = (total && section) ? checked_add(*total, *section) : std::nullopt;
    return total;
}

// Nanoseconds of the fraction, carrying the sign written on the seconds number (Java 9+).
int64_t fraction_nanos(std::string_view seconds, std::string_view fraction) {
    if (fraction.empty()) return 0;
    int64_t nanos = 0;
    for (std::size_t i = 0; i < 9; ++i) nanos = nanos * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    return (!seconds.empty() && seconds.front() == '-') ? -nanos : nanos;
}

// Whole milliseconds of seconds + nanos, truncated toward zero like Duration.toMillis().
std::optional<int64_t> truncated_millis(int64_t seconds, int64_t nanos) {
    // Give both parts the same sign first, so truncating the nanos truncates the whole.
    if (seconds > 0 && nanos < 0) {
        seconds -= 1;
        nanos += 1'000'000'000;
    } else if (seconds < 0 && nanos > 0) {
        seconds += 1;
        nanos -= 1'000'000'000;
    }
    const auto millis = checked_mul(seconds, 1'000);
    return millis ? checked_add(*millis, nanos / 1'000'000) : std::nullopt;
}

std::chrono::milliseconds parse_iso_duration(const Subject& subject) {
    const auto parts = split_iso_duration(java_trim(subject.text));
    if (!parts) reject(subject, kIsoExpectation);
    const auto seconds = total_seconds(*parts);
    const auto millis =
        seconds ? truncated_millis(*seconds, fraction_nanos(parts->seconds, parts->fraction)) : std::nullopt;
    // Truncation is symmetric, so negating after truncating equals truncating the negation.
    if (!millis || (parts->negated && *millis == kInt64Min)) {
        reject(subject, "too long to count in 64-bit milliseconds");
    }
    return std::chrono::milliseconds{parts->negated ? -*millis : *millis};
}

bool looks_like_iso_duration(std::string_view trimmed) {
    if (!trimmed.empty() && (trimmed.front() == '+' || trimmed.front() == '-')) trimmed.remove_prefix(1);
    return !trimmed.empty() && (trimmed.front() == 'P' || trimmed.front() == 'p');
}

// ---------------------------------------------------------------------------------------------
// Memory sizes

struct MemoryUnitSpec {
    std::array<std::string_view, 3> labels;  // lower case; unused slots are empty
    int64_t multiplier;
};

constexpr std::array<MemoryUnitSpec, 5> kMemoryUnits{{
    {{"b", "bytes"}, 1},
    {{"k", "kb", "kibibytes"}, int64_t{1} << 10},
    {{"m", "mb", "mebibytes"}, int64_t{1} << 20},
    {{"g", "gb", "gibibytes"}, int64_t{1} << 30},
    {{"t", "tb", "tebibytes"}, int64_t{1} << 40},
}};

const MemoryUnitSpec* find_memory_unit(std::string_view label) {
    const std::string lower = to_lower(label);
    for (const MemoryUnitSpec& unit : kMemoryUnits) {
        for (std::string_view known : unit.labels) {
            if (!known.empty() && known == lower) return &unit;
        }
    }
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Doubles

// The parts of a Java decimal literal, without sign and type suffix.
struct DecimalParts {
    std::string_view integer_digits, fraction_digits, exponent;  // exponent keeps its sign
};

// Accepts digits[.digits][e[+-]digits] or .digits[e[+-]digits], with at least one digit.
std::optional<DecimalParts> split_decimal(std::string_view text) {
    DecimalParts parts;
    Cursor cursor(text);
    parts.integer_digits = cursor.take_digits();
    if (cursor.take_any_of(".")) parts.fraction_digits = cursor.take_digits();
    if (parts.integer_digits.empty() && parts.fraction_digits.empty()) return std::nullopt;
    if (cursor.take_letter('E')) {
        parts.exponent = cursor.take_signed_digits();
        if (parts.exponent.empty()) return std::nullopt;
    }
    if (!cursor.at_end()) return std::nullopt;
    return parts;
}

// Decimal exponent of the leading significant digit, saturated so huge exponents stay safe.
// Only needed to tell overflow from underflow once from_chars has said "out of range".
int64_t order_of_magnitude(const DecimalParts& parts) {
    constexpr int64_t kSaturation = 1'000'000;
    int64_t exponent = 0;
    if (!parts.exponent.empty()) {
        const bool negative = parts.exponent.front() == '-';
        for (char c : parts.exponent) {
            if (is_digit(c)) exponent = std::min(kSaturation, exponent * 10 + (c - '0'));
        }
        if (negative) exponent = -exponent;
    }
    const std::size_t integer_start = parts.integer_digits.find_first_not_of('0');
    if (integer_start != std::string_view::npos) {
        return exponent + static_cast<int64_t>(parts.integer_digits.size() - integer_start) - 1;
    }
    const std::size_t fraction_start = parts.fraction_digits.find_first_not_of('0');
    return exponent - static_cast<int64_t>(fraction_start == std::string_view::npos ? 0 : fraction_start) - 1;
}

double parse_decimal_magnitude(const DecimalParts& parts, std::string_view digits_text) {
    // split_decimal has already proven the whole text is a decimal literal from_chars reads.
    double value = 0.0;
    const auto result = std::from_chars(digits_text.data(), digits_text.data() + digits_text.size(), value);
    if (result.ec == std::errc::result_out_of_range) {
        // Java rounds to Infinity or to zero instead of failing.
        return order_of_magnitude(parts) > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    }
    return value;
}

// ---------------------------------------------------------------------------------------------
// Quoting shared by lists and maps (Flink's StructuredOptionsSplitter)

bool is_quote(char c) { return c == '\'' || c == '"'; }

// Index just past the quote that closes the quoted run opening at `open`, or npos when the
// run is never closed. A doubled quote stands for itself and does not close the run.
std::size_t end_of_quoted(std::string_view text, std::size_t open) {
    const char quote = text[open];
    for (std::size_t i = open + 1; i < text.size(); ++i) {
        if (text[i] != quote) continue;
        if (i + 1 < text.size() && text[i + 1] == quote) {
            ++i;
            continue;
        }
        return i + 1;
    }
    return std::string_view::npos;
}

// Position of the first `delimiter` outside quotes, or npos.
std::size_t find_outside_quotes(const Subject& subject, std::string_view text, char delimiter) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == delimiter) return i;
        if (!is_quote(text[i])) continue;
        const std::size_t end = end_of_quoted(text, i);
        if (end == std::string_view::npos) {
            reject(subject,
                   std::string("the quote ") + text[i] + " opened at " + quoted(text.substr(i)) + " is never closed");
        }
        i = end - 1;
    }
    return std::string_view::npos;
}

// Splits at every `delimiter` outside quotes; pieces keep their quotes and whitespace.
std::vector<std::string_view> split_outside_quotes(const Subject& subject, std::string_view text, char delimiter) {
    std::vector<std::string_view> pieces;
    for (;;) {
        const std::size_t at = find_outside_quotes(subject, text, delimiter);
        pieces.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return pieces;
        text.remove_prefix(at + 1);
    }
}

// Flink keeps an empty piece only between two delimiters: "a;" and ";a" have one element.
void drop_blank_ends(std::vector<std::string_view>& pieces) {
    if (!pieces.empty() && is_blank(pieces.back())) pieces.pop_back();
    if (!pieces.empty() && is_blank(pieces.front())) pieces.erase(pieces.begin());
}

bool is_wholly_quoted(std::string_view trimmed) {
    return !trimmed.empty() && is_quote(trimmed.front()) && end_of_quoted(trimmed, 0) == trimmed.size();
}

// The text between the outer quotes, with each doubled quote turned back into one.
std::string unquote(std::string_view wholly_quoted) {
    const char quote = wholly_quoted.front();
    const std::string_view inner = wholly_quoted.substr(1, wholly_quoted.size() - 2);
    std::string out;
    out.reserve(inner.size());
    for (std::size_t i = 0; i < inner.size(); ++i) {
        out.push_back(inner[i]);
        if (inner[i] == quote) ++i;  // skip the second quote of the pair
    }
    return out;
}

// One list element, map key or map value: trimmed text, or the content of one quoted run.
std::string parse_element(const Subject& subject, std::string_view piece) {
    const std::string_view trimmed = java_trim(piece);
    if (is_wholly_quoted(trimmed)) return unquote(trimmed);
    if (!trimmed.empty() && is_quote(trimmed.front())) {
        reject(subject, "unexpected text after the closing quote in " + quoted(trimmed));
    }
    if (std::any_of(trimmed.begin(), trimmed.end(), is_quote)) {
        reject(subject, "quote character inside the unquoted element " + quoted(trimmed) +
                            " (quote the whole element and double the quote inside it)");
    }
    return std::string(trimmed);
}

// ---------------------------------------------------------------------------------------------
// Map entries

std::pair<std::string, std::string> parse_map_entry(const Subject& subject, std::string_view piece) {
    const std::string_view trimmed = java_trim(piece);
    if (trimmed.empty()) reject(subject, "empty entry between two ','");
    // Flink writes an entry holding ',' as one quoted run around "key:value".
    const std::string unwrapped = is_wholly_quoted(trimmed) ? unquote(trimmed) : std::string(trimmed);
    const std::string_view entry = unwrapped;
    const std::size_t colon = find_outside_quotes(subject, entry, ':');
    if (colon == std::string_view::npos) {
        reject(subject, "entry " + quoted(trimmed) + " has no ':' between key and value");
    }
    std::string key = parse_element(subject, entry.substr(0, colon));
    if (key.empty()) reject(subject, "entry " + quoted(trimmed) + " has an empty key");
    return {std::move(key), parse_element(subject, entry.substr(colon + 1))};
}

using Entries = std::vector<std::pair<std::string, std::string>>;

void reject_duplicate_keys(const Subject& subject, const Entries& entries) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (entries[i].first == entries[j].first) {
                reject(subject, "key " + quoted(entries[i].first) + " is given twice");
            }
        }
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public API

std::chrono::milliseconds parse_duration(std::string_view text) {
    const Subject subject{"duration", text};
    if (looks_like_iso_duration(java_trim(text))) return parse_iso_duration(subject);
    return parse_flink_duration(subject);
}

std::vector<std::string_view> duration_unit_labels() {
    std::vector<std::string_view> out;
    for (const TimeUnitSpec& unit : kTimeUnits)
        for (std::string_view label : unit.labels)
            if (!label.empty()) out.push_back(label);
    return out;
}

std::vector<std::string_view> memory_size_unit_labels() {
    std::vector<std::string_view> out;
    for (const MemoryUnitSpec& unit : kMemoryUnits)
        for (std::string_view label : unit.labels)
            if (!label.empty()) out.push_back(label);
    return out;
}

std::string format_duration(std::chrono::milliseconds d) {
    struct Unit {
        int64_t millis;
        std::string_view label;
    };
    static constexpr std::array<Unit, 4> kLargestFirst{
        {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "min"}, {1'000, "s"}}};
    const int64_t count = d.count();
    // Zero divides by everything; Flink prints it as "0 ms", which also reads best.
    if (count != 0) {
        for (const Unit& unit : kLargestFirst) {
            if (count % unit.millis == 0) return std::to_string(count / unit.millis) + " " + std::string(unit.label);
        }
    }
    return std::to_string(count) + " ms";
}

std::int64_t parse_memory_size(std::string_view text) {
    const Subject subject{"memory size", text};
    const NumberAndUnit parsed = split_number_and_unit(subject);
    if (parsed.unit.empty()) return parsed.number;
    const MemoryUnitSpec* unit = find_memory_unit(parsed.unit);
    if (unit == nullptr) {
        reject(subject, "unknown memory unit " + quoted(parsed.unit) + " (expected b, kb, mb, gb, tb, ...)");
    }
    const auto bytes = checked_mul(parsed.number, unit->multiplier);
    if (!bytes) reject(subject, "too large to count in 64-bit bytes");
    return *bytes;
}

bool parse_boolean(std::string_view text) {
    const std::string_view trimmed = java_trim(text);
    if (equals_ignore_case(trimmed, "true")) return true;
    if (equals_ignore_case(trimmed, "false")) return false;
    reject({"boolean", text}, "expected true or false");
}

std::optional<double> try_parse_java_double(std::string_view text) {
    std::string_view body = java_trim(text);
    const bool negative = !body.empty() && body.front() == '-';
    if (!body.empty() && (body.front() == '-' || body.front() == '+')) body.remove_prefix(1);
    const double sign = negative ? -1.0 : 1.0;

    // Java spells these exactly so, and takes no type suffix after them.
    if (body == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (body == "Infinity") return sign * std::numeric_limits<double>::infinity();

    if (!body.empty() && std::string_view("dDfF").find(body.back()) != std::string_view::npos) body.remove_suffix(1);
    const auto parts = split_decimal(body);
    if (!parts) return std::nullopt;
    return sign * parse_decimal_magnitude(*parts, body);
}

double parse_double(std::string_view text) {
    if (const auto value = try_parse_java_double(text)) return *value;
    reject({"double", text},
           "expected a decimal number such as 1.5, -2e-3 or .5 (optionally suffixed d or f), NaN or Infinity");
}

int parse_int(std::string_view text) {
    const Subject subject{"integer", text};
    bool out_of_range = false;
    const auto value = parse_whole_integer<int>(java_trim(text), out_of_range);
    if (out_of_range) reject(subject, "out of the 32-bit integer range [-2147483648, 2147483647]");
    if (!value) reject(subject, "expected an optional sign followed by decimal digits");
    return *value;
}

std::vector<std::string> parse_list(std::string_view text) {
    const Subject subject{"list", text};
    std::vector<std::string_view> pieces = split_outside_quotes(subject, text, ';');
    drop_blank_ends(pieces);
    std::vector<std::string> elements;
    elements.reserve(pieces.size());
    for (std::string_view piece : pieces) elements.push_back(parse_element(subject, piece));
    return elements;
}

std::vector<std::pair<std::string, std::string>> parse_map(std::string_view text) {
    const Subject subject{"map", text};
    std::vector<std::string_view> pieces = split_outside_quotes(subject, text, ',');
    drop_blank_ends(pieces);
    Entries entries;
    entries.reserve(pieces.size());
    for (std::string_view piece : pieces) entries.push_back(parse_map_entry(subject, piece));
    reject_duplicate_keys(subject, entries);
    return entries;
}

}  // namespace flinkscaler
