// SPDX-License-Identifier: Apache-2.0
//
// What the status endpoint shows about one job: a view model the job pass fills after each
// pass and publishes on the StatusBoard. Its JSON is job_status_json.hpp; its metrics are
// rendered from metric_families.hpp.
#pragma once

#include "service/job_vocabulary.hpp"

#include "flinkscaler/time.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flinkscaler::service {

struct VertexStatus {
    std::string id;
    std::string name;
    int parallelism = 0;
    std::optional<int> recommended;  ///< the last decision's target, when one was computed
    double utilization = NAN;        ///< NaN: not evaluated yet
    double true_processing_rate = NAN;
    double target_data_rate = NAN;
    double lag = NAN;
};

struct JobStatus {
    std::string key;  ///< job_key(cluster, job_id)
    std::string cluster;
    std::string job_id;
    std::string name;
    std::string flink_state;  ///< as Flink reports it (RUNNING, RESTARTING, ...)
    JobPhase phase = JobPhase::NotReady;
    bool scaling_enabled = true;
    bool dry_run = false;
    std::optional<Instant> last_pass;
    Millis last_pass_duration{0};
    std::string last_error;  ///< empty when the last pass succeeded
    std::string summary;     ///< CycleResult::summary of the last pass
    std::vector<VertexStatus> vertices;
    nlohmann::json last_decision;  ///< report_json of the last decision; null before the first
    std::optional<Instant> last_decision_time;
    nlohmann::json scaling_history;  ///< to_json(ScalingHistory) after the last pass
    int rescales = 0;                ///< PUTs applied since the daemon started
    /// Passes since the daemon started that did not decide, by the phase they ended in
    /// (skips_decision); the status endpoint lists every such phase, 0 when none.
    std::map<JobPhase, std::uint64_t> skipped_passes;
    std::optional<Instant> last_rescale;
};

}  // namespace flinkscaler::service
