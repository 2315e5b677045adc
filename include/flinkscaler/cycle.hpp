// SPDX-License-Identifier: Apache-2.0
//
// One job cycle without I/O (algorithm.md §1.3-1.6): given what the collector fetched at `now`,
// detect restarts, add the sample to the metric history, manage stabilization and the window,
// track restart durations, evaluate, and decide. The daemon calls this once per job per pass;
// `flinkscaler evaluate` calls it once per recorded sample.
#pragma once

#include "flinkscaler/decision.hpp"
#include "flinkscaler/evaluator.hpp"
#include "flinkscaler/job_state.hpp"
#include "flinkscaler/sample.hpp"

#include <optional>
#include <set>
#include <string>

namespace flinkscaler {

struct CycleInput {
    const JobTopology& topology;
    /// `timestamps.RUNNING` of the job: when it last switched to RUNNING.
    Instant job_running_since;
    RawJobMetrics metrics;
    Instant now;
    std::optional<LocalTime> local_now;  ///< for excluded periods; UTC when absent
    ResourceContext resources;
    bool dry_run = false;  ///< see DecisionContext::dry_run
};

enum class CycleStage {
    CollectingSamples,  ///< fewer than two samples: nothing can be evaluated yet
    WindowNotFull,      ///< evaluated, but no decision until the window is full
    Decided,            ///< evaluated and decided
};
std::string_view to_string(CycleStage s);

struct CycleResult {
    CycleStage stage = CycleStage::CollectingSamples;
    bool stabilizing = false;
    /// The job (re)started since the oldest sample: the metric history was wiped.
    bool restart_detected = false;
    /// When the window will be (or became) full.
    Instant window_full_at;
    Seconds restart_time{0};
    std::set<VertexId> excluded_this_cycle;
    std::optional<EvaluatedMetrics> evaluated;
    std::optional<ScalingDecision> decision;
    /// One line for the log: what happened in this cycle.
    std::string summary;
};

/// Runs one cycle for a job that is enabled and RUNNING. Updates `state` in place (metric
/// history, trimmed scaling history and tracking, delayed scale-down, overrides on commit).
/// Throws EvaluationError when the history cannot be evaluated (the cycle's sample is kept).
CycleResult run_cycle(const AutoscalerOptions& options, JobState& state, const CycleInput& input);

/// §1.4: if the latest scaling record has no restart duration yet and every vertex it rescaled
/// now runs at the new parallelism, records `job_running_since - record time`. Returns true
/// when a duration was recorded.
bool record_restart_duration(ScalingTracking& tracking, const ScalingHistory& history, const JobTopology& topology,
                             Instant job_running_since);

}  // namespace flinkscaler
