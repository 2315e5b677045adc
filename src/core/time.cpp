// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/time.hpp"

#include "core/calendar.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace flinkscaler {

std::string format_instant(Instant t) {
    using namespace std::chrono;
    const auto day_point = floor<days>(t);
    const year_month_day date{day_point};
    const auto in_day = t - day_point;
    const auto h = duration_cast<hours>(in_day);
    const auto m = duration_cast<minutes>(in_day - h);
    const auto s = duration_cast<seconds>(in_day - h - m);
    const auto ms = duration_cast<milliseconds>(in_day - h - m - s);
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(h.count()), static_cast<int>(m.count()), static_cast<int>(s.count()),
                  static_cast<int>(ms.count()));
    return buffer;
}

namespace {

int read_fixed(const std::string& text, std::size_t& pos, std::size_t width) {
    if (pos + width > text.size()) throw std::invalid_argument("truncated");
    int value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const char c = text[pos + i];
        if (!std::isdigit(static_cast<unsigned char>(c))) throw std::invalid_argument("digit expected");
        value = value * 10 + (c - '0');
    }
    pos += width;
    return value;
}

void expect(const std::string& text, std::size_t& pos, char c) {
    if (pos >= text.size() || text[pos] != c) throw std::invalid_argument(std::string("expected '") + c + "'");
    ++pos;
}

}  // namespace

Instant parse_instant(const std::string& text) {
    using namespace std::chrono;
    const bool plain_integer = !text.empty() && text.find_first_not_of("-0123456789") == std::string::npos;
    if (plain_integer) {
        std::int64_t ms = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
        if (ec != std::errc{} || end != text.data() + text.size())
            throw std::invalid_argument("invalid epoch milliseconds \"" + text + "\"");
        return instant_from_epoch_ms(ms);
    }
    try {
        std::size_t pos = 0;
        const int y = read_fixed(text, pos, 4);
        expect(text, pos, '-');
        const int mo = read_fixed(text, pos, 2);
        expect(text, pos, '-');
        const int d = read_fixed(text, pos, 2);
        expect(text, pos, 'T');
        const int h = read_fixed(text, pos, 2);
        expect(text, pos, ':');
        const int mi = read_fixed(text, pos, 2);
        expect(text, pos, ':');
        const int s = read_fixed(text, pos, 2);
        int ms = 0;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            int scale = 100;
            while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
                ms += (text[pos] - '0') * scale;
                scale /= 10;
                ++pos;
            }
        }
        expect(text, pos, 'Z');
        if (pos != text.size()) throw std::invalid_argument("trailing characters");
        const year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
        if (!date.ok() || h > 23 || mi > 59 || s > 60) throw std::invalid_argument("field out of range");
        return Instant{sys_days{date}.time_since_epoch()} + hours{h} + minutes{mi} + seconds{s} + milliseconds{ms};
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("invalid timestamp \"" + text + "\" (expected ISO-8601 UTC like "
                                    "2026-11-30T08:00:00Z, or epoch milliseconds): " + e.what());
    }
}

LocalTime utc_local_time(Instant t) {
    using namespace std::chrono;
    const auto day_point = floor<days>(t);
    const year_month_day date{day_point};
    const auto in_day = t - day_point;
    LocalTime local{};
    local.year = static_cast<int>(date.year());
    local.month = static_cast<int>(static_cast<unsigned>(date.month()));
    local.day = static_cast<int>(static_cast<unsigned>(date.day()));
    local.hour = static_cast<int>(duration_cast<hours>(in_day).count());
    local.minute = static_cast<int>(duration_cast<minutes>(in_day).count() % 60);
    local.second = static_cast<int>(duration_cast<seconds>(in_day).count() % 60);
    local.millisecond = static_cast<int>(in_day.count() % 1000);
    return local;
}

void validate_local_time(const LocalTime& t) {
    auto bad = [&](const char* what) {
        throw std::invalid_argument(std::string("invalid local time: ") + what + " out of range");
    };
    if (t.month < 1 || t.month > 12) {
        bad("month");
    }
    if (t.day < 1 || t.day > days_in_month(t.year, t.month)) {
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

}  // namespace flinkscaler
