// SPDX-License-Identifier: Apache-2.0
//
// Calendar arithmetic on the proleptic Gregorian calendar, without <ctime> and without a time
// zone database: the core only ever sees local times the caller already converted. Private to
// the core (excluded periods, the Quartz cron matcher and LocalTime validation use it).
#pragma once

namespace flinkscaler {

/// Quartz numbering of the days of the week: 1 = Sunday ... 7 = Saturday.
inline constexpr int kQuartzSunday = 1;
inline constexpr int kQuartzSaturday = 7;

bool is_leap_year(long long year);

/// Days in `month` (1-12) of `year`.
int days_in_month(long long year, int month);

/// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil); negative before 1970.
long long days_from_civil(long long year, int month, int day);

/// Quartz day of week (1 = Sunday ... 7 = Saturday) of a day counted from 1970-01-01.
int quartz_day_of_week_from_days(long long days);

/// Quartz day of week (1 = Sunday ... 7 = Saturday) of a date.
int quartz_day_of_week(int year, int month, int day);

}  // namespace flinkscaler
