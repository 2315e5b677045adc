// SPDX-License-Identifier: Apache-2.0
//
// The daemon's only source of time. The loop owns one Clock and hands it down (to the scheduler,
// the job passes and the status board's heartbeat), so that nothing below it reads
// std::chrono::system_clock or steady_clock itself. SystemClock is the real one; SimulatedClock
// moves only when a test (or a simulated-time benchmark) advances it, so minutes of daemon time
// can run in milliseconds.
//
// Two times, as everywhere in the daemon: the wall time (`now()`, an Instant: what passes,
// decisions, events and the store see) and the steady time (`steady_now()`: what the cadence of
// the loop and durations are measured with, immune to wall-clock jumps).
#pragma once

#include "flinkscaler/time.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace flinkscaler::service {

class Clock {
public:
    using SteadyTime = std::chrono::steady_clock::time_point;

    virtual ~Clock() = default;

    /// The wall time, in the core's resolution.
    virtual Instant now() const = 0;
    /// The monotonic time.
    virtual SteadyTime steady_now() const = 0;
    /// Sleeps on `wake` (with `lock` held, as std::condition_variable::wait_until) until `ready()`
    /// holds or the steady time reaches `deadline`; returns `ready()`. `ready` is evaluated with
    /// the lock held, and whoever makes it true must notify `wake` after changing it under the
    /// lock. Returns at once when the deadline has passed.
    virtual bool wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& wake, SteadyTime deadline,
                            const std::function<bool()>& ready) = 0;
};

/// The clocks of the operating system.
class SystemClock final : public Clock {
public:
    Instant now() const override;
    SteadyTime steady_now() const override;
    bool wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& wake, SteadyTime deadline,
                    const std::function<bool()>& ready) override;
};

/// A clock whose time stands still until advance()/advance_to() moves it; both times move
/// together. A wait whose deadline has passed returns at once; one whose deadline lies ahead
/// sleeps until `ready()` holds or the clock is advanced past the deadline (from another thread).
/// Thread-safe. The mutex and condition variable of a wait must outlive any advance() that runs
/// during that wait.
class SimulatedClock final : public Clock {
public:
    /// Starts at wall time `start`; the steady time starts at the real steady time of the
    /// construction (so that a board's real-time liveness check stays meaningful).
    explicit SimulatedClock(Instant start);

    Instant now() const override;
    SteadyTime steady_now() const override;
    bool wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& wake, SteadyTime deadline,
                    const std::function<bool()>& ready) override;

    /// Moves both times forward by `step` (>= 0) and wakes the waits whose deadline it reaches.
    void advance(Millis step);
    /// Moves the steady time to `target` (and the wall time by as much); does nothing when
    /// `target` is not ahead of the steady time.
    void advance_to(SteadyTime target);

private:
    struct Waiter {
        std::mutex* mutex;
        std::condition_variable* wake;
    };

    mutable std::mutex mutex_;  ///< guards every member below; never held while taking a waiter's mutex
    Instant wall_;
    SteadyTime steady_;
    std::vector<Waiter> waiters_;
};

}  // namespace flinkscaler::service
