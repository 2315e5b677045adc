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
    /// Since when the job has been failing without interruption (set with the first error of a
    /// run of errors, cleared by a pass without one): the age of last_error.
    std::optional<Instant> error_since;
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
    /// Rejected or non-landing rescales in a row (RescaleGuard), and when a rejected one is sent
    /// again (empty when none is waiting).
    int rescale_failures_in_a_row = 0;
    std::optional<Instant> rescale_retry_at;
};

/// Sets `last_error`, and `error_since` unless a run of errors is already going on (a pass
/// clears `error_since` when it ends without an error).
void set_error(JobStatus& status, std::string message, Instant now);

}  // namespace flinkscaler::service
