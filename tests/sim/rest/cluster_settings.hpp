// SPDX-License-Identifier: Apache-2.0
//
// Server-side settings of one simulated cluster that are not part of the throughput model:
// its port, the metric fetcher interval, extra JobManager configuration and the faults.
#pragma once

#include "sim/rest/faults.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace flinkscaler::sim {

struct ClusterSettings {
    int port = 0;  ///< 0 = any free port
    /// metrics.fetcher.update-interval; unset = Flink's default of 10 s (and not listed in the
    /// JobManager configuration, like any option left at its default).
    std::optional<double> metric_update_interval_s;
    /// Extra entries of /jobmanager/config in scenario order (e.g. job.autoscaler.* keys).
    std::vector<std::pair<std::string, std::string>> config;
    std::vector<FaultSpec> faults;
    std::string flink_revision = "a1b2c3d @ 2025-01-30T12:00:00+01:00";

    double update_interval_s() const { return metric_update_interval_s.value_or(10.0); }
};

}  // namespace flinkscaler::sim
