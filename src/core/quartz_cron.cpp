// SPDX-License-Identifier: Apache-2.0
//
// Quartz `CronExpression` parsing and matching; see quartz_cron.hpp. Messages name the field and
// quote the offending element, e.g. "invalid hours value '25': 25 is out of range (0-23)".
#include "core/quartz_cron.hpp"

#include "core/calendar.hpp"
#include "core/period_syntax.hpp"

#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flinkscaler {
namespace {

using period_syntax::all_digits;
using period_syntax::fail;
using period_syntax::is_digit;
using period_syntax::parse_digits;
using period_syntax::quoted;
using period_syntax::split_on;

bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}

/// Splits a cron expression into fields separated by spaces and tabs (as
/// Quartz's StringTokenizer(" \t") does).
std::vector<std::string_view> split_fields(std::string_view s) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) {
            ++i;
        }
        const std::size_t begin = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') {
            ++i;
        }
        if (i > begin) {
            fields.push_back(s.substr(begin, i - begin));
        }
    }
    return fields;
}

enum class Field { Second, Minute, Hour, DayOfMonth, Month, DayOfWeek, Year };

struct FieldSpec {
    const char* name;
    int min;
    int max;          // for Year: the largest value accepted for a literal
    int max_increment; // Quartz's checkIncrementRange; INT_MAX when unchecked
};

FieldSpec spec_of(Field f) {
    switch (f) {
    case Field::Second:
        return {"seconds", 0, 59, 59};
    case Field::Minute:
        return {"minutes", 0, 59, 59};
    case Field::Hour:
        return {"hours", 0, 23, 23};
    case Field::DayOfMonth:
        return {"day-of-month", 1, 31, 31};
    case Field::Month:
        return {"month", 1, 12, 12};
    case Field::DayOfWeek:
        return {"day-of-week", 1, 7, 7};
    case Field::Year:
        return {"year", 0, 1000000000, INT_MAX};
    }
    return {"?", 0, 0, 0};
}

/// Quartz starts '*' and '/n' for years at 1970.
constexpr int kFirstCronYear = 1970;

int month_number(std::string_view name) {
    static constexpr std::string_view kNames[12] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                    "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    for (int i = 0; i < 12; ++i) {
        if (name == kNames[i]) {
            return i + 1;
        }
    }
    return -1;
}

int day_of_week_number(std::string_view name) {
    static constexpr std::string_view kNames[7] = {"SUN", "MON", "TUE", "WED",
                                                   "THU", "FRI", "SAT"};
    for (int i = 0; i < 7; ++i) {
        if (name == kNames[i]) {
            return i + 1;
        }
    }
    return -1;
}

/// One comma-separated element of a field: the values start, start+step, ...
/// up to end (inclusive). end < start means the range wraps around the
/// field's maximum (not allowed for years). end == INT_MAX: unbounded year.
struct Item {
    int start;
    int end;
    int step;
};

std::string field_error(const FieldSpec& spec, std::string_view item, const std::string& why) {
    return "invalid " + std::string(spec.name) + " value " + quoted(item) + ": " + why;
}

int parse_increment(const FieldSpec& spec, std::string_view item, std::string_view digits,
                   bool check_upper_bound) {
    if (!all_digits(digits)) {
        fail(field_error(spec, item, "'/' must be followed by an integer"));
    }
    const int inc = parse_digits(digits);
    if (inc < 1) {
        fail(field_error(spec, item, "the increment must be at least 1"));
    }
    if (check_upper_bound && inc > spec.max_increment) {
        fail(field_error(spec, item,
                        "increment " + std::to_string(inc) + " is larger than " +
                            std::to_string(spec.max_increment)));
    }
    return inc;
}

/// Reads a single value (digits, or a 3-letter name for month / day-of-week).
/// Returns the value and whether it was a name; advances `pos`.
std::pair<int, bool> read_value(Field field, const FieldSpec& spec, std::string_view item,
                               std::size_t& pos) {
    if (pos < item.size() && is_digit(item[pos])) {
        const std::size_t begin = pos;
        while (pos < item.size() && is_digit(item[pos])) {
            ++pos;
        }
        return {parse_digits(item.substr(begin, pos - begin)), false};
    }
    if (pos < item.size() && is_upper(item[pos])) {
        if (field != Field::Month && field != Field::DayOfWeek) {
            fail(field_error(spec, item, "letters are not allowed in this field"));
        }
        // Names are three letters; what follows (e.g. 'L' in FRIL) is the caller's.
        const std::size_t begin = pos;
        while (pos < item.size() && pos - begin < 3 && is_upper(item[pos])) {
            ++pos;
        }
        const std::string_view name = item.substr(begin, pos - begin);
        const int v = field == Field::Month ? month_number(name) : day_of_week_number(name);
        if (v < 0) {
            fail(field_error(spec, item,
                            field == Field::Month
                                ? "unknown month name " + quoted(name) + " (use JAN-DEC)"
                                : "unknown day-of-week name " + quoted(name) +
                                      " (use SUN-SAT)"));
        }
        return {v, true};
    }
    if (pos >= item.size()) {
        fail(field_error(spec, item, "unexpected end of value"));
    }
    fail(field_error(spec, item, "unexpected character " + quoted(item.substr(pos, 1))));
}

void check_in_range(const FieldSpec& spec, std::string_view item, int v) {
    if (v < spec.min || v > spec.max) {
        fail(field_error(spec, item,
                        std::to_string(v) + " is out of range (" + std::to_string(spec.min) +
                            "-" + std::to_string(spec.max) + ")"));
    }
}

Item parse_item(Field field, std::string_view item) {
    const FieldSpec spec = spec_of(field);
    const bool year = field == Field::Year;
    const int star_start = year ? kFirstCronYear : spec.min;
    const int open_end = year ? INT_MAX : spec.max;

    if (item == "?") {
        if (field == Field::DayOfMonth || field == Field::DayOfWeek) {
            fail(field_error(spec, item, "'?' cannot be combined with other values"));
        }
        fail(field_error(spec, item,
                        "'?' can only be specified for day-of-month or day-of-week"));
    }
    if (item == "*") {
        return {star_start, open_end, 1};
    }
    if (item[0] == '*' || item[0] == '/') {
        const std::size_t slash = item[0] == '*' ? 1 : 0;
        if (item.size() <= slash || item[slash] != '/') {
            fail(field_error(spec, item, "'*' can only be followed by '/' and an increment"));
        }
        return {star_start, open_end,
                parse_increment(spec, item, item.substr(slash + 1), /*check_upper_bound=*/true)};
    }

    std::size_t pos = 0;
    const auto [start, start_is_name] = read_value(field, spec, item, pos);
    check_in_range(spec, item, start);
    if (pos == item.size()) {
        return {start, start, 1};
    }
    if (item[pos] == '-') {
        ++pos;
        const auto [end, end_is_name] = read_value(field, spec, item, pos);
        if (start_is_name != end_is_name) {
            fail(field_error(spec, item, "a range cannot mix names and numbers"));
        }
        check_in_range(spec, item, end);
        if (year && end < start) {
            fail(field_error(spec, item, "a year range must not end before it starts"));
        }
        if (pos == item.size()) {
            return {start, end, 1};
        }
        if (item[pos] == '/' && !start_is_name) {
            // Quartz does not bound the increment of a range.
            return {start, end,
                    parse_increment(spec, item, item.substr(pos + 1), /*check_upper_bound=*/false)};
        }
        fail(field_error(spec, item, "unexpected " + quoted(item.substr(pos)) + " after the range"));
    }
    if (item[pos] == '/' && !start_is_name) {
        return {start, open_end,
                parse_increment(spec, item, item.substr(pos + 1), /*check_upper_bound=*/true)};
    }
    fail(field_error(spec, item, "unexpected " + quoted(item.substr(pos))));
}

std::vector<std::string_view> split_items(const FieldSpec& spec, std::string_view field_text) {
    std::vector<std::string_view> items = split_on(field_text, ",");
    for (std::string_view item : items) {
        if (item.empty()) {
            fail("invalid " + std::string(spec.name) + " field " + quoted(field_text) +
                 ": empty list element");
        }
    }
    return items;
}

/// Expands a list field (no special characters) into a bit mask.
std::uint64_t parse_mask_field(Field field, std::string_view field_text) {
    const FieldSpec spec = spec_of(field);
    const int modulus = spec.max - spec.min + 1;
    std::uint64_t mask = 0;
    for (std::string_view item_text : split_items(spec, field_text)) {
        const Item item = parse_item(field, item_text);
        // Quartz: a range whose end is before its start wraps around.
        const int stop = item.end < item.start ? item.end + modulus : item.end;
        for (long long i = item.start; i <= stop; i += item.step) {
            const long long v = i > spec.max ? i - modulus : i;
            mask |= std::uint64_t{1} << v;
        }
    }
    return mask;
}

std::vector<QuartzCronExpression::YearSpan> parse_year_field(std::string_view field_text) {
    const FieldSpec spec = spec_of(Field::Year);
    std::vector<QuartzCronExpression::YearSpan> spans;
    for (std::string_view item_text : split_items(spec, field_text)) {
        const Item item = parse_item(Field::Year, item_text);
        spans.push_back({item.start, item.end, item.step});
    }
    return spans;
}

struct DayOfMonthSpec {
    QuartzCronExpression::DayOfMonthRule rule;
    std::uint32_t mask = 0;
    int param = 0;
};

DayOfMonthSpec parse_day_of_month(std::string_view text) {
    using Rule = QuartzCronExpression::DayOfMonthRule;
    const FieldSpec spec = spec_of(Field::DayOfMonth);
    if (text == "?") {
        return {Rule::NoSpec};
    }
    const bool has_l = text.find('L') != std::string_view::npos;
    const bool has_w = text.find('W') != std::string_view::npos;
    if (!has_l && !has_w) {
        return {Rule::Values, static_cast<std::uint32_t>(parse_mask_field(Field::DayOfMonth, text))};
    }
    if (text.find(',') != std::string_view::npos) {
        fail(field_error(spec, text,
                        "'L' and 'W' cannot be combined with other days of the month"));
    }
    if (text[0] == 'L') {
        std::string_view rest = text.substr(1);
        const bool weekday = !rest.empty() && rest.back() == 'W';
        if (weekday) {
            rest.remove_suffix(1);
        }
        int offset = 0;
        if (!rest.empty()) {
            if (rest[0] != '-' || !all_digits(rest.substr(1))) {
                fail(field_error(spec, text, "expected L, L-n, LW or L-nW"));
            }
            offset = parse_digits(rest.substr(1));
            if (offset > 30) {
                fail(field_error(spec, text, "the offset from the last day must be <= 30"));
            }
        }
        return {weekday ? Rule::LastWeekday : Rule::LastDay, 0, offset};
    }
    if (text.back() == 'W' && all_digits(text.substr(0, text.size() - 1))) {
        const int day = parse_digits(text.substr(0, text.size() - 1));
        if (day < 1 || day > 31) {
            fail(field_error(spec, text, "the day before 'W' must be 1-31"));
        }
        return {Rule::NearestWeekday, 0, day};
    }
    fail(field_error(spec, text, "'L' and 'W' are only allowed as L, L-n, LW, L-nW or nW"));
}

struct DayOfWeekSpec {
    QuartzCronExpression::DayOfWeekRule rule;
    std::uint8_t mask = 0;
    int param = 0;
    int nth = 0;
};

DayOfWeekSpec parse_day_of_week(std::string_view text) {
    using Rule = QuartzCronExpression::DayOfWeekRule;
    const FieldSpec spec = spec_of(Field::DayOfWeek);
    if (text == "?") {
        return {Rule::NoSpec};
    }
    if (text == "L") {
        // A lone 'L' in day-of-week means the last day of the week: Saturday.
        return {Rule::Values, static_cast<std::uint8_t>(1u << kQuartzSaturday)};
    }
    const bool has_l = text.find('L') != std::string_view::npos;
    const bool has_hash = text.find('#') != std::string_view::npos;
    if (!has_l && !has_hash) {
        return {Rule::Values, static_cast<std::uint8_t>(parse_mask_field(Field::DayOfWeek, text))};
    }
    if (text.find(',') != std::string_view::npos) {
        fail(field_error(spec, text,
                        has_l ? "'L' cannot be combined with other days of the week"
                             : "'#' combined with other days of the week is not supported"));
    }
    std::size_t pos = 0;
    const int day = read_value(Field::DayOfWeek, spec, text, pos).first;
    check_in_range(spec, text, day);
    if (has_l && pos + 1 == text.size() && text[pos] == 'L') {
        return {Rule::LastInMonth, 0, day};
    }
    if (has_hash && !has_l && pos < text.size() && text[pos] == '#') {
        const std::string_view n = text.substr(pos + 1);
        if (!all_digits(n) || parse_digits(n) < 1 || parse_digits(n) > 5) {
            fail(field_error(spec, text, "a numeric value between 1 and 5 must follow '#'"));
        }
        return {Rule::Nth, 0, day, parse_digits(n)};
    }
    fail(field_error(spec, text, "expected nL, DDDL, n#k or DDD#k"));
}

/// Quartz's "nearest weekday" adjustment of day `v` of a month (v may lie
/// outside 1..last_day when it comes from 'nW' in a short month or 'L-nW' with
/// a large offset; Quartz then works on the overflowing calendar date, and
/// the result only matches if it falls back into the month).
int nearest_weekday(long long year, int month, int v, int last_day) {
    const int dow = quartz_day_of_week_from_days(days_from_civil(year, month, 1) + v - 1);
    if (dow == kQuartzSaturday && v == 1) {
        return v + 2;
    }
    if (dow == kQuartzSaturday) {
        return v - 1;
    }
    if (dow == kQuartzSunday && v == last_day) {
        return v - 2;
    }
    if (dow == kQuartzSunday) {
        return v + 1;
    }
    return v;
}

}  // namespace

std::size_t QuartzCronExpression::count_fields(std::string_view text) {
    return split_fields(text).size();
}

QuartzCronExpression QuartzCronExpression::parse(std::string_view text) {
    std::string upper(text);
    for (char& c : upper) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    const std::vector<std::string_view> fields = split_fields(upper);
    if (fields.size() != 6 && fields.size() != 7) {
        fail("a cron expression needs 6 or 7 fields (seconds minutes hours day-of-month "
             "month day-of-week [year]), found " +
             std::to_string(fields.size()));
    }

    QuartzCronExpression cron;
    cron.seconds_ = parse_mask_field(Field::Second, fields[0]);
    cron.minutes_ = parse_mask_field(Field::Minute, fields[1]);
    cron.hours_ = static_cast<std::uint32_t>(parse_mask_field(Field::Hour, fields[2]));
    const DayOfMonthSpec dom = parse_day_of_month(fields[3]);
    cron.months_ = static_cast<std::uint16_t>(parse_mask_field(Field::Month, fields[4]));
    const DayOfWeekSpec dow = parse_day_of_week(fields[5]);
    cron.years_ = fields.size() == 7 ? parse_year_field(fields[6])
                                     : std::vector<YearSpan>{{kFirstCronYear, INT_MAX, 1}};

    const bool dom_no_spec = dom.rule == DayOfMonthRule::NoSpec;
    const bool dow_no_spec = dow.rule == DayOfWeekRule::NoSpec;
    if (dom_no_spec && dow_no_spec) {
        fail("'?' can only be specified for day-of-month -OR- day-of-week");
    }
    if (!dom_no_spec && !dow_no_spec) {
        fail("specifying both a day-of-week AND a day-of-month is not supported; "
             "use '?' in one of them");
    }
    cron.dom_rule_ = dom.rule;
    cron.days_of_month_ = dom.mask;
    cron.dom_param_ = dom.param;
    cron.dow_rule_ = dow.rule;
    cron.days_of_week_ = dow.mask;
    cron.dow_param_ = dow.param;
    cron.dow_nth_ = dow.nth;
    return cron;
}

bool QuartzCronExpression::matches(const LocalTime& t) const {
    validate_local_time(t);
    if (!((seconds_ >> t.second) & 1u) || !((minutes_ >> t.minute) & 1u) ||
        !((hours_ >> t.hour) & 1u) || !((months_ >> t.month) & 1u)) {
        return false;
    }
    bool year_ok = false;
    for (const YearSpan& span : years_) {
        if (t.year >= span.first && t.year <= span.last &&
            (t.year - span.first) % span.step == 0) {
            year_ok = true;
            break;
        }
    }
    if (!year_ok) {
        return false;
    }

    const int last_day = days_in_month(t.year, t.month);
    switch (dom_rule_) {
    case DayOfMonthRule::NoSpec:
        break;
    case DayOfMonthRule::Values:
        if (!((days_of_month_ >> t.day) & 1u)) {
            return false;
        }
        break;
    case DayOfMonthRule::LastDay:
        if (t.day != last_day - dom_param_) {
            return false;
        }
        break;
    case DayOfMonthRule::LastWeekday:
        if (t.day != nearest_weekday(t.year, t.month, last_day - dom_param_, last_day)) {
            return false;
        }
        break;
    case DayOfMonthRule::NearestWeekday:
        if (t.day != nearest_weekday(t.year, t.month, dom_param_, last_day)) {
            return false;
        }
        break;
    }

    const int dow = quartz_day_of_week(t.year, t.month, t.day);
    switch (dow_rule_) {
    case DayOfWeekRule::NoSpec:
        break;
    case DayOfWeekRule::Values:
        if (!((days_of_week_ >> dow) & 1u)) {
            return false;
        }
        break;
    case DayOfWeekRule::LastInMonth:
        if (dow != dow_param_ || t.day + 7 <= last_day) {
            return false;
        }
        break;
    case DayOfWeekRule::Nth:
        if (dow != dow_param_ || (t.day - 1) / 7 + 1 != dow_nth_) {
            return false;
        }
        break;
    }
    return true;
}

}  // namespace flinkscaler
