// SPDX-License-Identifier: Apache-2.0
//
// Excluded periods for the autoscaler (`job.autoscaler.excluded.periods`).
// Behaviour follows the Flink autoscaler's CalendarUtils, which combines a
// Quartz DailyCalendar (invertTimeRange = true) and a Quartz CronExpression;
// see excluded_periods.hpp for the grammar and the matching rules.
#include "flinkscaler/excluded_periods.hpp"

#include <climits>
#include <optional>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flinkscaler {
namespace {

constexpr std::string_view kOptionKey = "job.autoscaler.excluded.periods";

[[noreturn]] void fail(std::string reason) {
    throw ExcludedPeriodError(std::move(reason));
}

// ---------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, no <ctime>).
// ---------------------------------------------------------------------------

bool isLeapYear(long long y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int daysInMonth(long long year, int month) {
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && isLeapYear(year)) {
        return 29;
    }
    return kDays[month - 1];
}

// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil).
long long daysFromCivil(long long y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const long long yoe = y - era * 400;                                  // [0, 399]
    const long long mp = (m + 9) % 12;                                    // March = 0
    const long long doy = (153 * mp + 2) / 5 + d - 1;                     // [0, 365]
    const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          // [0, 146096]
    return era * 146097 + doe - 719468;
}

// Quartz numbering (1 = Sunday ... 7 = Saturday) of a day counted from 1970-01-01.
int quartzDayOfWeekFromDays(long long days) {
    // 1970-01-01 was a Thursday (Quartz 5).
    long long r = (days + 4) % 7; // 0 = Sunday
    if (r < 0) {
        r += 7;
    }
    return static_cast<int>(r) + 1;
}

constexpr int kSunday = 1;
constexpr int kSaturday = 7;

// ---------------------------------------------------------------------------
// Small string helpers.
// ---------------------------------------------------------------------------

// Java's Character.isWhitespace for ASCII (what String.strip() removes).
bool isJavaWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' ||
           (c >= '\x1c' && c <= '\x1f');
}

std::string_view strip(std::string_view s) {
    while (!s.empty() && isJavaWhitespace(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && isJavaWhitespace(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool isUpper(char c) {
    return c >= 'A' && c <= 'Z';
}

bool allDigits(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!isDigit(c)) {
            return false;
        }
    }
    return true;
}

// Parses a non-empty run of ASCII digits; values above 10^9 saturate (they
// are out of range for every field anyway).
int parseDigits(std::string_view s) {
    long long v = 0;
    for (char c : s) {
        v = v * 10 + (c - '0');
        if (v > 1000000000LL) {
            v = 1000000001LL;
        }
    }
    return static_cast<int>(v);
}

std::vector<std::string_view> splitOn(std::string_view s, std::string_view sep) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            parts.push_back(s.substr(start));
            return parts;
        }
        parts.push_back(s.substr(start, pos - start));
        start = pos + sep.size();
    }
}

// Splits a cron expression into fields separated by spaces and tabs (as
// Quartz's StringTokenizer(" \t") does).
std::vector<std::string_view> splitFields(std::string_view s) {
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

std::size_t countFields(std::string_view s) {
    return splitFields(s).size();
}

std::string quoted(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '\'';
    out.append(s);
    out += '\'';
    return out;
}

// ---------------------------------------------------------------------------
// Daily range parsing (Quartz DailyCalendar(String, String)).
// ---------------------------------------------------------------------------

// Parses H:mm[:ss[:SSS]] into milliseconds of the day.
int parseTimeOfDay(std::string_view text) {
    const std::vector<std::string_view> parts = splitOn(text, ":");
    if (parts.size() < 2 || parts.size() > 4) {
        fail("invalid time " + quoted(text) + ", expected H:mm[:ss[:SSS]]");
    }
    for (std::string_view p : parts) {
        if (!allDigits(p)) {
            fail("invalid time " + quoted(text) +
                 ", expected H:mm[:ss[:SSS]] made of digits only");
        }
    }
    const int hour = parseDigits(parts[0]);
    const int minute = parseDigits(parts[1]);
    const int second = parts.size() > 2 ? parseDigits(parts[2]) : 0;
    const int millis = parts.size() > 3 ? parseDigits(parts[3]) : 0;
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

// ---------------------------------------------------------------------------
// Cron parsing (Quartz CronExpression).
// ---------------------------------------------------------------------------

enum class Field { Second, Minute, Hour, DayOfMonth, Month, DayOfWeek, Year };

struct FieldSpec {
    const char* name;
    int min;
    int max;          // for Year: the largest value accepted for a literal
    int maxIncrement; // Quartz's checkIncrementRange; INT_MAX when unchecked
};

FieldSpec specOf(Field f) {
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

// Quartz starts '*' and '/n' for years at 1970.
constexpr int kFirstCronYear = 1970;

int monthNumber(std::string_view name) {
    static constexpr std::string_view kNames[12] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                    "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    for (int i = 0; i < 12; ++i) {
        if (name == kNames[i]) {
            return i + 1;
        }
    }
    return -1;
}

int dayOfWeekNumber(std::string_view name) {
    static constexpr std::string_view kNames[7] = {"SUN", "MON", "TUE", "WED",
                                                   "THU", "FRI", "SAT"};
    for (int i = 0; i < 7; ++i) {
        if (name == kNames[i]) {
            return i + 1;
        }
    }
    return -1;
}

// One comma-separated element of a field: the values start, start+step, ...
// up to end (inclusive). end < start means the range wraps around the
// field's maximum (not allowed for years). end == INT_MAX: unbounded year.
struct Item {
    int start;
    int end;
    int step;
};

std::string fieldError(const FieldSpec& spec, std::string_view item, const std::string& why) {
    return "invalid " + std::string(spec.name) + " value " + quoted(item) + ": " + why;
}

int parseIncrement(const FieldSpec& spec, std::string_view item, std::string_view digits,
                   bool checkUpperBound) {
    if (!allDigits(digits)) {
        fail(fieldError(spec, item, "'/' must be followed by an integer"));
    }
    const int inc = parseDigits(digits);
    if (inc < 1) {
        fail(fieldError(spec, item, "the increment must be at least 1"));
    }
    if (checkUpperBound && inc > spec.maxIncrement) {
        fail(fieldError(spec, item,
                        "increment " + std::to_string(inc) + " is larger than " +
                            std::to_string(spec.maxIncrement)));
    }
    return inc;
}

// Reads a single value (digits, or a 3-letter name for month / day-of-week).
// Returns the value and whether it was a name; advances `pos`.
std::pair<int, bool> readValue(Field field, const FieldSpec& spec, std::string_view item,
                               std::size_t& pos) {
    if (pos < item.size() && isDigit(item[pos])) {
        const std::size_t begin = pos;
        while (pos < item.size() && isDigit(item[pos])) {
            ++pos;
        }
        return {parseDigits(item.substr(begin, pos - begin)), false};
    }
    if (pos < item.size() && isUpper(item[pos])) {
        if (field != Field::Month && field != Field::DayOfWeek) {
            fail(fieldError(spec, item, "letters are not allowed in this field"));
        }
        // Names are three letters; what follows (e.g. 'L' in FRIL) is the caller's.
        const std::size_t begin = pos;
        while (pos < item.size() && pos - begin < 3 && isUpper(item[pos])) {
            ++pos;
        }
        const std::string_view name = item.substr(begin, pos - begin);
        const int v = field == Field::Month ? monthNumber(name) : dayOfWeekNumber(name);
        if (v < 0) {
            fail(fieldError(spec, item,
                            field == Field::Month
                                ? "unknown month name " + quoted(name) + " (use JAN-DEC)"
                                : "unknown day-of-week name " + quoted(name) +
                                      " (use SUN-SAT)"));
        }
        return {v, true};
    }
    if (pos >= item.size()) {
        fail(fieldError(spec, item, "unexpected end of value"));
    }
    fail(fieldError(spec, item, "unexpected character " + quoted(item.substr(pos, 1))));
}

void checkInRange(const FieldSpec& spec, std::string_view item, int v) {
    if (v < spec.min || v > spec.max) {
        fail(fieldError(spec, item,
                        std::to_string(v) + " is out of range (" + std::to_string(spec.min) +
                            "-" + std::to_string(spec.max) + ")"));
    }
}

Item parseItem(Field field, std::string_view item) {
    const FieldSpec spec = specOf(field);
    const bool year = field == Field::Year;
    const int starStart = year ? kFirstCronYear : spec.min;
    const int openEnd = year ? INT_MAX : spec.max;

    if (item == "?") {
        if (field == Field::DayOfMonth || field == Field::DayOfWeek) {
            fail(fieldError(spec, item, "'?' cannot be combined with other values"));
        }
        fail(fieldError(spec, item,
                        "'?' can only be specified for day-of-month or day-of-week"));
    }
    if (item == "*") {
        return {starStart, openEnd, 1};
    }
    if (item[0] == '*' || item[0] == '/') {
        const std::size_t slash = item[0] == '*' ? 1 : 0;
        if (item.size() <= slash || item[slash] != '/') {
            fail(fieldError(spec, item, "'*' can only be followed by '/' and an increment"));
        }
        return {starStart, openEnd,
                parseIncrement(spec, item, item.substr(slash + 1), /*checkUpperBound=*/true)};
    }

    std::size_t pos = 0;
    const auto [start, startIsName] = readValue(field, spec, item, pos);
    checkInRange(spec, item, start);
    if (pos == item.size()) {
        return {start, start, 1};
    }
    if (item[pos] == '-') {
        ++pos;
        const auto [end, endIsName] = readValue(field, spec, item, pos);
        if (startIsName != endIsName) {
            fail(fieldError(spec, item, "a range cannot mix names and numbers"));
        }
        checkInRange(spec, item, end);
        if (year && end < start) {
            fail(fieldError(spec, item, "a year range must not end before it starts"));
        }
        if (pos == item.size()) {
            return {start, end, 1};
        }
        if (item[pos] == '/' && !startIsName) {
            // Quartz does not bound the increment of a range.
            return {start, end,
                    parseIncrement(spec, item, item.substr(pos + 1), /*checkUpperBound=*/false)};
        }
        fail(fieldError(spec, item, "unexpected " + quoted(item.substr(pos)) + " after the range"));
    }
    if (item[pos] == '/' && !startIsName) {
        return {start, openEnd,
                parseIncrement(spec, item, item.substr(pos + 1), /*checkUpperBound=*/true)};
    }
    fail(fieldError(spec, item, "unexpected " + quoted(item.substr(pos))));
}

std::vector<std::string_view> splitItems(const FieldSpec& spec, std::string_view fieldText) {
    std::vector<std::string_view> items = splitOn(fieldText, ",");
    for (std::string_view item : items) {
        if (item.empty()) {
            fail("invalid " + std::string(spec.name) + " field " + quoted(fieldText) +
                 ": empty list element");
        }
    }
    return items;
}

// Expands a list field (no special characters) into a bit mask.
std::uint64_t parseMaskField(Field field, std::string_view fieldText) {
    const FieldSpec spec = specOf(field);
    const int modulus = spec.max - spec.min + 1;
    std::uint64_t mask = 0;
    for (std::string_view itemText : splitItems(spec, fieldText)) {
        const Item item = parseItem(field, itemText);
        // Quartz: a range whose end is before its start wraps around.
        const int stop = item.end < item.start ? item.end + modulus : item.end;
        for (long long i = item.start; i <= stop; i += item.step) {
            const long long v = i > spec.max ? i - modulus : i;
            mask |= std::uint64_t{1} << v;
        }
    }
    return mask;
}

std::vector<QuartzCronExpression::YearSpan> parseYearField(std::string_view fieldText) {
    const FieldSpec spec = specOf(Field::Year);
    std::vector<QuartzCronExpression::YearSpan> spans;
    for (std::string_view itemText : splitItems(spec, fieldText)) {
        const Item item = parseItem(Field::Year, itemText);
        spans.push_back({item.start, item.end, item.step});
    }
    return spans;
}

struct DayOfMonthSpec {
    QuartzCronExpression::DayOfMonthRule rule;
    std::uint32_t mask = 0;
    int param = 0;
};

DayOfMonthSpec parseDayOfMonth(std::string_view text) {
    using Rule = QuartzCronExpression::DayOfMonthRule;
    const FieldSpec spec = specOf(Field::DayOfMonth);
    if (text == "?") {
        return {Rule::NoSpec};
    }
    const bool hasL = text.find('L') != std::string_view::npos;
    const bool hasW = text.find('W') != std::string_view::npos;
    if (!hasL && !hasW) {
        return {Rule::Values, static_cast<std::uint32_t>(parseMaskField(Field::DayOfMonth, text))};
    }
    if (text.find(',') != std::string_view::npos) {
        fail(fieldError(spec, text,
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
            if (rest[0] != '-' || !allDigits(rest.substr(1))) {
                fail(fieldError(spec, text, "expected L, L-n, LW or L-nW"));
            }
            offset = parseDigits(rest.substr(1));
            if (offset > 30) {
                fail(fieldError(spec, text, "the offset from the last day must be <= 30"));
            }
        }
        return {weekday ? Rule::LastWeekday : Rule::LastDay, 0, offset};
    }
    if (text.back() == 'W' && allDigits(text.substr(0, text.size() - 1))) {
        const int day = parseDigits(text.substr(0, text.size() - 1));
        if (day < 1 || day > 31) {
            fail(fieldError(spec, text, "the day before 'W' must be 1-31"));
        }
        return {Rule::NearestWeekday, 0, day};
    }
    fail(fieldError(spec, text, "'L' and 'W' are only allowed as L, L-n, LW, L-nW or nW"));
}

struct DayOfWeekSpec {
    QuartzCronExpression::DayOfWeekRule rule;
    std::uint8_t mask = 0;
    int param = 0;
    int nth = 0;
};

DayOfWeekSpec parseDayOfWeek(std::string_view text) {
    using Rule = QuartzCronExpression::DayOfWeekRule;
    const FieldSpec spec = specOf(Field::DayOfWeek);
    if (text == "?") {
        return {Rule::NoSpec};
    }
    if (text == "L") {
        // A lone 'L' in day-of-week means the last day of the week: Saturday.
        return {Rule::Values, static_cast<std::uint8_t>(1u << kSaturday)};
    }
    const bool hasL = text.find('L') != std::string_view::npos;
    const bool hasHash = text.find('#') != std::string_view::npos;
    if (!hasL && !hasHash) {
        return {Rule::Values, static_cast<std::uint8_t>(parseMaskField(Field::DayOfWeek, text))};
    }
    if (text.find(',') != std::string_view::npos) {
        fail(fieldError(spec, text,
                        hasL ? "'L' cannot be combined with other days of the week"
                             : "'#' combined with other days of the week is not supported"));
    }
    std::size_t pos = 0;
    const int day = readValue(Field::DayOfWeek, spec, text, pos).first;
    checkInRange(spec, text, day);
    if (hasL && pos + 1 == text.size() && text[pos] == 'L') {
        return {Rule::LastInMonth, 0, day};
    }
    if (hasHash && !hasL && pos < text.size() && text[pos] == '#') {
        const std::string_view n = text.substr(pos + 1);
        if (!allDigits(n) || parseDigits(n) < 1 || parseDigits(n) > 5) {
            fail(fieldError(spec, text, "a numeric value between 1 and 5 must follow '#'"));
        }
        return {Rule::Nth, 0, day, parseDigits(n)};
    }
    fail(fieldError(spec, text, "expected nL, DDDL, n#k or DDD#k"));
}

// Quartz's "nearest weekday" adjustment of day `v` of a month (v may lie
// outside 1..lastDay when it comes from 'nW' in a short month or 'L-nW' with
// a large offset; Quartz then works on the overflowing calendar date, and
// the result only matches if it falls back into the month).
int nearestWeekday(long long year, int month, int v, int lastDay) {
    const int dow = quartzDayOfWeekFromDays(daysFromCivil(year, month, 1) + v - 1);
    if (dow == kSaturday && v == 1) {
        return v + 2;
    }
    if (dow == kSaturday) {
        return v - 1;
    }
    if (dow == kSunday && v == lastDay) {
        return v - 2;
    }
    if (dow == kSunday) {
        return v + 1;
    }
    return v;
}

// Runs `parse`, returning its result, or nullopt with the reason in `error`.
template <class Parse>
auto attempt(std::string& error, Parse parse) -> std::optional<decltype(parse())> {
    try {
        return parse();
    } catch (const ExcludedPeriodError& e) {
        error = e.what();
        return std::nullopt;
    }
}

} // namespace

// ---------------------------------------------------------------------------
// Public helpers.
// ---------------------------------------------------------------------------

void validateLocalTime(const LocalTime& t) {
    auto bad = [&](const char* what) {
        throw std::invalid_argument(std::string("invalid local time: ") + what + " out of range");
    };
    if (t.month < 1 || t.month > 12) {
        bad("month");
    }
    if (t.day < 1 || t.day > daysInMonth(t.year, t.month)) {
        bad("day");
    }
    if (t.hour < 0 || t.hour > 23) {
        bad("hour");
    }
    if (t.minute < 0 || t.minute > 59) {
        bad("minute");
    }
    if (t.second < 0 || t.second > 59) {
        bad("second");
    }
    if (t.millisecond < 0 || t.millisecond > 999) {
        bad("millisecond");
    }
}

int quartzDayOfWeek(int year, int month, int day) {
    return quartzDayOfWeekFromDays(daysFromCivil(year, month, day));
}

// ---------------------------------------------------------------------------
// DailyTimeRange
// ---------------------------------------------------------------------------

DailyTimeRange DailyTimeRange::parse(std::string_view text) {
    const std::vector<std::string_view> bounds = splitOn(text, "-");
    if (bounds.size() != 2) {
        fail("a daily range must have the form H:mm[:ss]-H:mm[:ss]");
    }
    const int start = parseTimeOfDay(bounds[0]);
    const int end = parseTimeOfDay(bounds[1]);
    if (start >= end) {
        fail("the start time " + quoted(bounds[0]) + " must be before the end time " +
             quoted(bounds[1]) + " (a daily range cannot wrap midnight)");
    }
    return DailyTimeRange(start, end);
}

bool DailyTimeRange::contains(const LocalTime& t) const {
    validateLocalTime(t);
    const int ms = ((t.hour * 60 + t.minute) * 60 + t.second) * 1000 + t.millisecond;
    return ms >= startMs_ && ms <= endMs_;
}

// ---------------------------------------------------------------------------
// QuartzCronExpression
// ---------------------------------------------------------------------------

QuartzCronExpression QuartzCronExpression::parse(std::string_view text) {
    std::string upper(text);
    for (char& c : upper) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    const std::vector<std::string_view> fields = splitFields(upper);
    if (fields.size() != 6 && fields.size() != 7) {
        fail("a cron expression needs 6 or 7 fields (seconds minutes hours day-of-month "
             "month day-of-week [year]), found " +
             std::to_string(fields.size()));
    }

    QuartzCronExpression cron;
    cron.seconds_ = parseMaskField(Field::Second, fields[0]);
    cron.minutes_ = parseMaskField(Field::Minute, fields[1]);
    cron.hours_ = static_cast<std::uint32_t>(parseMaskField(Field::Hour, fields[2]));
    const DayOfMonthSpec dom = parseDayOfMonth(fields[3]);
    cron.months_ = static_cast<std::uint16_t>(parseMaskField(Field::Month, fields[4]));
    const DayOfWeekSpec dow = parseDayOfWeek(fields[5]);
    cron.years_ = fields.size() == 7 ? parseYearField(fields[6])
                                     : std::vector<YearSpan>{{kFirstCronYear, INT_MAX, 1}};

    const bool domNoSpec = dom.rule == DayOfMonthRule::NoSpec;
    const bool dowNoSpec = dow.rule == DayOfWeekRule::NoSpec;
    if (domNoSpec && dowNoSpec) {
        fail("'?' can only be specified for day-of-month -OR- day-of-week");
    }
    if (!domNoSpec && !dowNoSpec) {
        fail("specifying both a day-of-week AND a day-of-month is not supported; "
             "use '?' in one of them");
    }
    cron.domRule_ = dom.rule;
    cron.daysOfMonth_ = dom.mask;
    cron.domParam_ = dom.param;
    cron.dowRule_ = dow.rule;
    cron.daysOfWeek_ = dow.mask;
    cron.dowParam_ = dow.param;
    cron.dowNth_ = dow.nth;
    return cron;
}

bool QuartzCronExpression::matches(const LocalTime& t) const {
    validateLocalTime(t);
    if (!((seconds_ >> t.second) & 1u) || !((minutes_ >> t.minute) & 1u) ||
        !((hours_ >> t.hour) & 1u) || !((months_ >> t.month) & 1u)) {
        return false;
    }
    bool yearOk = false;
    for (const YearSpan& span : years_) {
        if (t.year >= span.first && t.year <= span.last &&
            (t.year - span.first) % span.step == 0) {
            yearOk = true;
            break;
        }
    }
    if (!yearOk) {
        return false;
    }

    const int lastDay = daysInMonth(t.year, t.month);
    switch (domRule_) {
    case DayOfMonthRule::NoSpec:
        break;
    case DayOfMonthRule::Values:
        if (!((daysOfMonth_ >> t.day) & 1u)) {
            return false;
        }
        break;
    case DayOfMonthRule::LastDay:
        if (t.day != lastDay - domParam_) {
            return false;
        }
        break;
    case DayOfMonthRule::LastWeekday:
        if (t.day != nearestWeekday(t.year, t.month, lastDay - domParam_, lastDay)) {
            return false;
        }
        break;
    case DayOfMonthRule::NearestWeekday:
        if (t.day != nearestWeekday(t.year, t.month, domParam_, lastDay)) {
            return false;
        }
        break;
    }

    const int dow = quartzDayOfWeek(t.year, t.month, t.day);
    switch (dowRule_) {
    case DayOfWeekRule::NoSpec:
        break;
    case DayOfWeekRule::Values:
        if (!((daysOfWeek_ >> dow) & 1u)) {
            return false;
        }
        break;
    case DayOfWeekRule::LastInMonth:
        if (dow != dowParam_ || t.day + 7 <= lastDay) {
            return false;
        }
        break;
    case DayOfWeekRule::Nth:
        if (dow != dowParam_ || (t.day - 1) / 7 + 1 != dowNth_) {
            return false;
        }
        break;
    }
    return true;
}

// ---------------------------------------------------------------------------
// ExcludedPeriods
// ---------------------------------------------------------------------------

ExcludedPeriods ExcludedPeriods::parse(const std::vector<std::string>& expressions) {
    ExcludedPeriods result;
    result.expressions_ = expressions;
    result.periods_.reserve(expressions.size());
    for (const std::string& expression : expressions) {
        const std::string prefix = "Invalid value " + quoted(expression) +
                                   " in the autoscaler config " + std::string(kOptionKey) + ": ";
        const std::vector<std::string_view> parts = splitOn(expression, "&&");
        if (parts.size() > 2) {
            throw ExcludedPeriodError(prefix +
                                      "at most two sub-expressions may be joined with '&&'");
        }
        Period period;
        for (std::string_view raw : parts) {
            const std::string_view sub = strip(raw);
            if (sub.empty()) {
                throw ExcludedPeriodError(prefix + (parts.size() == 1
                                                        ? std::string("the expression is empty")
                                                        : std::string("empty sub-expression "
                                                                      "around '&&'")));
            }
            std::string dailyError;
            if (auto daily = attempt(dailyError, [&] { return DailyTimeRange::parse(sub); })) {
                if (period.daily) {
                    throw ExcludedPeriodError(
                        prefix + "two daily ranges cannot be joined with '&&'; combine one "
                                 "daily range with one cron expression");
                }
                period.daily = std::move(daily);
                continue;
            }
            std::string cronError;
            if (auto cron = attempt(cronError, [&] { return QuartzCronExpression::parse(sub); })) {
                if (period.cron) {
                    throw ExcludedPeriodError(
                        prefix + "two cron expressions cannot be joined with '&&'; combine "
                                 "one daily range with one cron expression");
                }
                period.cron = std::move(cron);
                continue;
            }
            // Report the more relevant of the two reasons: daily ranges
            // contain ':', cron expressions have at least 6 fields.
            const bool looksDaily = sub.find(':') != std::string_view::npos &&
                                    countFields(sub) < 6;
            throw ExcludedPeriodError(
                prefix + quoted(sub) +
                " is neither a daily range (H:mm[:ss]-H:mm[:ss]) nor a Quartz cron expression: " +
                (looksDaily ? "as a daily range, " + dailyError
                            : "as a cron expression, " + cronError));
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
    validateLocalTime(t);
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

} // namespace flinkscaler
