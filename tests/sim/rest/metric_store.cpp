// SPDX-License-Identifier: Apache-2.0
#include "sim/rest/metric_store.hpp"

namespace flinkscaler::sim {

std::shared_ptr<const ClusterSnapshot> MetricStore::request(const Cluster& cluster) {
    auto visible = current_;
    const double now = cluster.now_s();
    if (interval_s_ > 0 && (!last_fetch_s_ || now - *last_fetch_s_ >= interval_s_)) {
        current_ = std::make_shared<const ClusterSnapshot>(take_snapshot(cluster));
        last_fetch_s_ = now;
    }
    return visible;
}

}  // namespace flinkscaler::sim
