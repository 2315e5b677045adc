// SPDX-License-Identifier: Apache-2.0
//
// Simulated time for the server: wall-clock time since start times the scenario's time scale.
#pragma once

#include <chrono>

namespace flinkscaler::sim {

class SimClock {
public:
    explicit SimClock(double time_scale) : scale_(time_scale), start_(std::chrono::steady_clock::now()) {}
    double now_s() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() * scale_;
    }
    double time_scale() const { return scale_; }

private:
    double scale_;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace flinkscaler::sim
