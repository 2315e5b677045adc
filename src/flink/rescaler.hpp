// SPDX-License-Identifier: Apache-2.0
//
// Applies the stored parallelism overrides through the adaptive scheduler's
// resource-requirements API (algorithm.md §1.7, flink-rest.md §3), and checks afterwards whether
// the new parallelism took effect (flink-rest.md §3.6). The decisions are pure functions; only
// `apply_parallelism_overrides` does I/O, through FlinkApi.
#pragma once

#include "flink/flink_api.hpp"

#include "flinkscaler/options.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>

namespace flinkscaler::flink {

/// §1.7 step 2: the autoscaler's overrides laid over the user's
/// `pipeline.jobvertex-parallelism-overrides`; for a vertex excluded from scaling (configured or
/// this cycle) the user's value wins when there is one.
std::map<VertexId, int> merge_overrides(const std::map<VertexId, int>& autoscaler_overrides,
                                        const AutoscalerOptions& options, const std::set<VertexId>& excluded_this_cycle);

/// §1.7 step 3: the full requirement map to PUT, or nullopt when nothing differs. Every vertex
/// of `current` that has an override gets {lowerBound: 1, upperBound: override}; vertices without
/// an override keep their requirement; overrides of vertices Flink does not list are ignored.
std::optional<ResourceRequirements> desired_requirements(const ResourceRequirements& current,
                                                         const std::map<VertexId, int>& overrides);

/// Whether `jobmanager.scheduler` names the adaptive scheduler (case-insensitive; unset = default).
bool uses_adaptive_scheduler(const AutoscalerOptions& options);

struct RescaleResult {
    enum class Status {
        NothingToApply,  ///< no overrides stored, or Flink already has exactly these requirements
        Applied,         ///< PUT accepted (the job restarts later; see rescale_progress)
        NotAdaptive,     ///< the job does not run under the adaptive scheduler: cannot rescale in place
        NotRunning,      ///< the job is not RUNNING: try again later
        Rejected,        ///< Flink refused the PUT with a client error (4xx other than 409); `message` has its reason
    };
    Status status = Status::NothingToApply;
    ResourceRequirements before;
    ResourceRequirements requested;
    std::string message;  ///< for the log and the "Scaling" event
};
std::string_view to_string(RescaleResult::Status s);

/// Whether a failed PUT of resource requirements is Flink refusing these requirements (a 4xx:
/// invalid bounds, unknown vertex, not allowed) rather than a transient failure. 409 ("an update
/// is in progress") is transient: the PUT is simply tried again.
bool is_rejection(const FlinkApiError& error);

/// The realizer: re-applied every cycle, idempotent (compare, then PUT the full map). A PUT that
/// Flink refuses (is_rejection) returns Status::Rejected; other failures throw FlinkApiError.
RescaleResult apply_parallelism_overrides(FlinkApi& api, const std::string& job, bool job_running,
                                          const std::map<VertexId, int>& stored_overrides,
                                          const AutoscalerOptions& options,
                                          const std::set<VertexId>& excluded_this_cycle);

enum class RescaleProgress {
    Done,                  ///< running, every requested vertex at its upper bound
    InsufficientResources, ///< restarted, but some vertex runs below its upper bound (slots short)
    NotStarted,            ///< still the old execution (cooldown, waiting for a checkpoint)
    NotRunning,            ///< the job is restarting, failing or gone
};
std::string_view to_string(RescaleProgress p);

/// flink-rest.md §3.6: compares the job's details after a PUT with what was requested;
/// `running_before` is timestamps.RUNNING before the PUT.
RescaleProgress rescale_progress(const JobDetails& details, const ResourceRequirements& requested,
                                 std::optional<Instant> running_before);

}  // namespace flinkscaler::flink
