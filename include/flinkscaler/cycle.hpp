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
#include "flinkscaler/sample_gates.hpp"

#include <optional>
#include <set>
#include <string>

namespace flinkscaler {

/// How a full window is trimmed (algorithm.md §1.3 step 10).
enum class WindowTrim {
    /// The reference: drop every sample strictly before `now - window`. With samples taken on a
    /// jittering schedule the sample at about `now - window` survives or not by a few ms, so a
    /// window alternates between its length and one interval less, and the next pass may find the
    /// window "not full" again (issue 16).
    Reference,
    /// Keep the newest sample at or before `now - window` as the window's anchor and drop only
    /// what is older: once full, a window spans at least its configured length and less than that
    /// plus one sampling interval, and stays full however the pass times jitter. Identical to the
    /// reference when a sample lies exactly on the boundary. Used by the daemon and by replay
    /// (docs/deviations.md).
    KeepAnchor,
};

struct CycleInput {
    const JobTopology& topology;
    /// `timestamps.RUNNING` of the job: when it last switched to RUNNING.
    Instant job_running_since;
    RawJobMetrics metrics;
    Instant now;
    std::optional<LocalTime> local_now;  ///< for excluded periods; UTC when absent
    ResourceContext resources;
    bool dry_run = false;  ///< see DecisionContext::dry_run
    WindowTrim window_trim = WindowTrim::Reference;
};

enum class CycleStage {
    CollectingSamples,  ///< fewer than two samples: nothing can be evaluated yet
    WindowNotFull,      ///< evaluated, but no decision until the window is full
    Decided,            ///< evaluated and decided
    /// The sample failed a metric-quality gate (sample_gates.hpp): it was not used, the metric
    /// history was cleared and the window restarts with the next good sample. Nothing evaluated.
    SampleGated,
};
std::string_view to_string(CycleStage s);

struct CycleResult {
    CycleStage stage = CycleStage::CollectingSamples;
    bool stabilizing = false;
    /// The job (re)started since the oldest sample: the metric history was wiped.
    bool restart_detected = false;
    /// Set with stage SampleGated: which gate the sample failed, where, and why.
    std::optional<GatedSample> gated;
    /// When the window will be (or became) full. After a gated sample: the earliest it can be,
    /// `now + window` (the next good sample starts the window).
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
/// A sample that fails a metric-quality gate is not added: the history is cleared and the cycle
/// ends with stage SampleGated (scaling history, tracking and restart durations are still kept
/// up to date; they do not depend on the sample).
/// Throws EvaluationError when the history cannot be evaluated (the cycle's sample is kept).
CycleResult run_cycle(const AutoscalerOptions& options, JobState& state, const CycleInput& input);

/// §1.4: if the latest scaling record has no restart duration yet and every vertex it rescaled
/// now runs at the new parallelism, records `job_running_since - record time`. Returns true
/// when a duration was recorded.
bool record_restart_duration(ScalingTracking& tracking, const ScalingHistory& history, const JobTopology& topology,
                             Instant job_running_since);

}  // namespace flinkscaler
