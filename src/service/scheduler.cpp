// SPDX-License-Identifier: Apache-2.0
#include "service/scheduler.hpp"

#include <algorithm>

namespace flinkscaler::service {

Scheduler::Scheduler(const Clock& clock, Millis housekeeping_interval)
    : clock_(clock),
      housekeeping_interval_(housekeeping_interval),
      next_poll_(clock.steady_now()),
      next_housekeeping_(next_poll_) {}

Clock::SteadyTime Scheduler::next_wake(std::optional<Millis> watchdog) const {
    auto wake_at = next_poll_;
    if (watchdog) wake_at = std::min(wake_at, clock_.steady_now() + *watchdog);
    return wake_at;
}

Scheduler::Due Scheduler::tick(Millis poll_interval) {
    const auto now = clock_.steady_now();
    Due due;
    if (now < next_poll_) return due;
    due.poll = true;
    next_poll_ += poll_interval;
    if (next_poll_ < now) next_poll_ = now + poll_interval;
    if (now >= next_housekeeping_) {
        next_housekeeping_ = now + housekeeping_interval_;
        due.housekeeping = true;
    }
    return due;
}

}  // namespace flinkscaler::service
