// SPDX-License-Identifier: Apache-2.0
//
// A sleep that can be cut short. Held and delayed requests sleep on it so that a cluster
// going down or the process stopping never waits for a long fault to run out.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace flinkscaler::sim {

class Interrupt {
public:
    /// Sleep up to `seconds`; false if interrupted before.
    bool sleep_for(double seconds) {
        std::unique_lock lock(mutex_);
        return !cv_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return fired_; });
    }
    void trigger() {
        {
            std::lock_guard lock(mutex_);
            fired_ = true;
        }
        cv_.notify_all();
    }
    void reset() {
        std::lock_guard lock(mutex_);
        fired_ = false;
    }
    bool triggered() const {
        std::lock_guard lock(mutex_);
        return fired_;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    bool fired_ = false;
};

}  // namespace flinkscaler::sim
