// SPDX-License-Identifier: Apache-2.0
#include "core/calendar.hpp"

namespace flinkscaler {

bool is_leap_year(long long year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(long long year, int month) {
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year)) {
        return 29;
    }
    return kDays[month - 1];
}

long long days_from_civil(long long y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const long long yoe = y - era * 400;                          // [0, 399]
    const long long mp = (m + 9) % 12;                            // March = 0
    const long long doy = (153 * mp + 2) / 5 + d - 1;             // [0, 365]
    const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
    return era * 146097 + doe - 719468;
}

int quartz_day_of_week_from_days(long long days) {
    // 1970-01-01 was a Thursday (Quartz 5).
    long long r = (days + 4) % 7;  // 0 = Sunday
    if (r < 0) {
        r += 7;
    }
    return static_cast<int>(r) + 1;
}

int quartz_day_of_week(int year, int month, int day) {
    return quartz_day_of_week_from_days(days_from_civil(year, month, day));
}

}  // namespace flinkscaler
