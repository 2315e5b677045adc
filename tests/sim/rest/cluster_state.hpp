// SPDX-License-Identifier: Apache-2.0
//
// One simulated cluster as the HTTP layer sees it: the model, its metric store and its faults
// behind one lock. serve() advances the model to the request's simulated time, applies the
// request-level faults and routes the request.
#pragma once

#include "sim/model/cluster.hpp"
#include "sim/rest/cluster_settings.hpp"
#include "sim/rest/faults.hpp"
#include "sim/rest/metric_store.hpp"
#include "sim/rest/rest_types.hpp"
#include "sim/rest/sim_time.hpp"

#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace flinkscaler::sim {

struct ServedResponse {
    RestResponse response;
    double delay_s = 0;  ///< wall seconds the HTTP layer waits before answering
    std::vector<std::pair<std::string, std::string>> headers;  ///< extra response headers (Location)
};

/// A request that may change the cluster (any method but GET), as served: for tests that check
/// what a client asked of Flink (the rescale PUTs).
struct RecordedMutation {
    double at_s = 0;  ///< simulated time
    std::string method;
    std::string path;
    std::string body;
    int status = 0;  ///< the answer's status (a fault's, if one replaced it)
};

class ClusterState {
public:
    /// Throws std::invalid_argument when a job does not fit the cluster (see Cluster::add_job).
    ClusterState(const ClusterSpec& spec, const std::vector<JobSpec>& jobs, ClusterSettings settings, std::uint64_t seed);

    ServedResponse serve(const RestRequest& request, double now_s);
    /// Move the model to `now_s`, applying job fault events on the way.
    void advance_to(double now_s);
    /// A cluster_down fault is active (the HTTP layer stops listening).
    bool down_at(double now_s) const;

    const std::string& name() const { return name_; }
    /// Where simulated time 0 is in flinkscaler's time (the scenario's start_time).
    SimEpoch epoch() const { return SimEpoch(start_epoch_ms_); }
    const ClusterSettings& settings() const { return settings_; }
    void set_bound_port(int port);
    /// The port last bound (the scenario port before the first bind).
    int port() const;

    /// Every non-GET request served so far, oldest first (at most the last 10000).
    std::vector<RecordedMutation> mutations() const;

    /// Run `f(const Cluster&)` under the lock (tests, diagnostics).
    template <class F>
    auto inspect(F&& f) const {
        std::lock_guard lock(mutex_);
        return f(model_);
    }

private:
    void advance_locked(double now_s);

    mutable std::mutex mutex_;
    std::string name_;
    std::int64_t start_epoch_ms_;
    Cluster model_;
    MetricStore store_;
    FaultPlan faults_;
    ClusterSettings settings_;
    int port_ = 0;
    std::vector<RecordedMutation> mutations_;
    double events_done_s_ = -std::numeric_limits<double>::infinity();
};

}  // namespace flinkscaler::sim
