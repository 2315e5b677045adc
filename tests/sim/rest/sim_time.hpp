// SPDX-License-Identifier: Apache-2.0
//
// The one adapter between the simulator's time (double seconds since the scenario's t = 0) and
// flinkscaler's (Instant, milliseconds since the Unix epoch). Simulated time 0 is the scenario's
// `start_time` (ClusterSpec::start_epoch_ms); milliseconds are rounded to the nearest, as the
// model rounds the timestamps it shows (Cluster::epoch_ms), so an Instant a client reads from a
// response and the Instant it is told "now" agree.
#pragma once

#include "flinkscaler/time.hpp"

#include <cmath>
#include <cstdint>

namespace flinkscaler::sim {

class SimEpoch {
public:
    explicit SimEpoch(std::int64_t start_epoch_ms) : start_ms_(start_epoch_ms) {}

    /// The Instant of simulated time `t_s`.
    Instant at(double t_s) const { return instant_from_epoch_ms(start_ms_ + std::llround(t_s * 1000.0)); }
    /// The simulated time of `t` (negative before the scenario's start).
    double seconds(Instant t) const { return static_cast<double>(epoch_ms(t) - start_ms_) / 1000.0; }
    std::int64_t start_epoch_ms() const { return start_ms_; }

private:
    std::int64_t start_ms_;
};

}  // namespace flinkscaler::sim
