// SPDX-License-Identifier: Apache-2.0
#include "service/clock.hpp"

#include <algorithm>
#include <stdexcept>

namespace flinkscaler::service {

Instant SystemClock::now() const { return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()); }

Clock::SteadyTime SystemClock::steady_now() const { return std::chrono::steady_clock::now(); }

bool SystemClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& wake, SteadyTime deadline,
                             const std::function<bool()>& ready) {
    return wake.wait_until(lock, deadline, ready);
}

SimulatedClock::SimulatedClock(Instant start) : wall_(start), steady_(std::chrono::steady_clock::now()) {}

Instant SimulatedClock::now() const {
    std::lock_guard guard(mutex_);
    return wall_;
}

Clock::SteadyTime SimulatedClock::steady_now() const {
    std::lock_guard guard(mutex_);
    return steady_;
}

bool SimulatedClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& wake,
                                SteadyTime deadline, const std::function<bool()>& ready) {
    const Waiter self{lock.mutex(), &wake};
    auto unregister = [&] {
        std::lock_guard guard(mutex_);
        // One entry: another thread may wait with the same mutex and condition variable.
        const auto it = std::find_if(waiters_.begin(), waiters_.end(),
                                     [&](const Waiter& w) { return w.mutex == self.mutex && w.wake == self.wake; });
        if (it != waiters_.end()) waiters_.erase(it);
    };
    while (!ready()) {
        {
            // The deadline is checked and the waiter registered in one step: an advance() either
            // came before (seen here) or finds the waiter and notifies it under its mutex, which
            // this thread holds until wait() releases it, so no advance is missed.
            std::lock_guard guard(mutex_);
            if (steady_ >= deadline) return false;
            waiters_.push_back(self);
        }
        wake.wait(lock);
        unregister();
    }
    return true;
}

void SimulatedClock::advance(Millis step) {
    if (step < Millis::zero()) throw std::invalid_argument("SimulatedClock::advance: a negative step");
    std::vector<Waiter> to_wake;
    {
        std::lock_guard guard(mutex_);
        wall_ += step;
        steady_ += step;
        to_wake = waiters_;
    }
    for (const auto& waiter : to_wake) {
        std::lock_guard guard(*waiter.mutex);
        waiter.wake->notify_all();
    }
}

void SimulatedClock::advance_to(SteadyTime target) {
    Millis step;
    {
        std::lock_guard guard(mutex_);
        if (target <= steady_) return;
        // Rounded up, so that the steady time reaches `target` even below a millisecond.
        step = std::chrono::ceil<Millis>(target - steady_);
    }
    advance(step);
}

}  // namespace flinkscaler::service
