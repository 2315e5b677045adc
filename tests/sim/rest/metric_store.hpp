// SPDX-License-Identifier: Apache-2.0
//
// The JobManager's MetricFetcher/MetricStore pair (flink-rest.md §2.1): a metric request sees
// the data of the last completed fetch and, when that is older than
// metrics.fetcher.update-interval, starts a new one whose result only later requests see
// (Flink's fetch is asynchronous). Hence values change at most once per interval and the very
// first request after start is empty.
#pragma once

#include "sim/model/metric_snapshot.hpp"

#include <memory>
#include <optional>

namespace flinkscaler::sim {

class MetricStore {
public:
    /// 0 turns the fetcher off: every metric request stays empty (as in Flink).
    explicit MetricStore(double update_interval_s) : interval_s_(update_interval_s) {}

    /// The data visible to a request arriving now (nullptr = nothing fetched yet).
    std::shared_ptr<const ClusterSnapshot> request(const Cluster& cluster);
    double update_interval_s() const { return interval_s_; }

private:
    double interval_s_;
    std::shared_ptr<const ClusterSnapshot> current_;
    std::optional<double> last_fetch_s_;
};

}  // namespace flinkscaler::sim
