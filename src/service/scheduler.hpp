// SPDX-License-Identifier: Apache-2.0
//
// The cadence of the daemon's loop, apart from what the loop does: a poll round every poll
// interval at a fixed rate, housekeeping (retention) at most once a minute and only together
// with a poll round, and a wake-up in time for the systemd watchdog. It reads the time only from
// its Clock and holds no thread, so a test can tick it in simulated time.
#pragma once

#include "service/clock.hpp"

#include <optional>

namespace flinkscaler::service {

class Scheduler {
public:
    /// What the loop has to do at a tick.
    struct Due {
        bool poll = false;
        bool housekeeping = false;
    };

    /// The first tick polls and does housekeeping.
    explicit Scheduler(const Clock& clock, Millis housekeeping_interval = std::chrono::seconds(60));

    /// When the loop has to wake next: the next poll round, or sooner to ping a watchdog that
    /// wants a ping every `watchdog` (systemd's WatchdogSec / 2).
    Clock::SteadyTime next_wake(std::optional<Millis> watchdog) const;

    /// What is due now; moves the cadence on. Fixed rate: the next round starts one interval
    /// after this one started, however long the passes take (jobs still in flight are skipped
    /// in the next round); a loop that fell more than an interval behind starts afresh from now
    /// rather than running the missed rounds back to back. `poll_interval` is the current
    /// config's (a reload may change it).
    Due tick(Millis poll_interval);

private:
    const Clock& clock_;
    const Millis housekeeping_interval_;
    Clock::SteadyTime next_poll_;
    Clock::SteadyTime next_housekeeping_;
};

}  // namespace flinkscaler::service
