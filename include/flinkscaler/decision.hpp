// SPDX-License-Identifier: Apache-2.0
//
// The job-level decision (algorithm.md §4.9-4.10): compute every vertex's target, scale only
// if some vertex is outside its utilization band, and apply every blocking check of the
// reference (memory pressure, scaling disabled, excluded periods, resource quota) plus the
// daemon's dry run (BlockReason says which one stopped a change). On a commit
// the job state is updated: scaling history, restart tracking, parallelism overrides, and the
// delayed scale-down queue is cleared.
#pragma once

#include "flinkscaler/events.hpp"
#include "flinkscaler/excluded_periods.hpp"
#include "flinkscaler/job_state.hpp"
#include "flinkscaler/metrics.hpp"
#include "flinkscaler/options.hpp"
#include "flinkscaler/topology.hpp"

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler {

/// What the service knows about the TaskManagers (for the quota check). Unknown CPU (0) means
/// a CPU quota never blocks, as in the reference standalone runner.
struct ResourceContext {
    double task_manager_cpu = 0.0;
    std::optional<std::int64_t> task_manager_memory_bytes;  ///< used when the job sets no process size
};

struct DecisionContext {
    const JobTopology& topology;
    const AutoscalerOptions& options;
    Instant now;
    /// `now` in the service's time zone, for excluded periods; UTC when absent.
    std::optional<LocalTime> local_now;
    Seconds restart_time{0};
    /// Vertices excluded for this cycle only: finished vertices and vertices with unknown busy
    /// time (the configured vertex.exclude.ids are added by `decide`).
    std::set<VertexId> excluded_this_cycle;
    ResourceContext resources;
    /// The daemon's dry run (--dry-run, service.dry-run): a change that would execute is blocked
    /// as BlockReason::DryRun and nothing is committed, so the history never claims rescales that
    /// did not happen. A job with scaling disabled by its own options still says so.
    bool dry_run = false;
};

enum class DecisionOutcome {
    Scaled,       ///< a new parallelism was committed
    NoChange,     ///< every vertex runs at its target (or none is outside its band)
    Blocked,      ///< a change was wanted but a check stopped it (see `reason`); keep last
};
/// The two spellings of an outcome, both wire formats that must not change: `report` in logs,
/// the JSON report and `last_decision.outcome` of the status endpoint ("scaled", "no-change",
/// "blocked"); `metric_label` in flinkscaler_scaling_decisions_total{outcome} ("scale",
/// "no_change", "blocked"), which dashboards query.
struct DecisionOutcomeName {
    DecisionOutcome outcome;
    std::string_view report;
    std::string_view metric_label;
};
inline constexpr std::array<DecisionOutcomeName, 3> kDecisionOutcomeNames{{
    {DecisionOutcome::Scaled, "scaled", "scale"},
    {DecisionOutcome::NoChange, "no-change", "no_change"},
    {DecisionOutcome::Blocked, "blocked", "blocked"},
}};
static_assert(kDecisionOutcomeNames.size() == static_cast<std::size_t>(DecisionOutcome::Blocked) + 1 &&
              kDecisionOutcomeNames[0].outcome == DecisionOutcome::Scaled &&
              kDecisionOutcomeNames[1].outcome == DecisionOutcome::NoChange &&
              kDecisionOutcomeNames[2].outcome == DecisionOutcome::Blocked);
/// The report spelling (kDecisionOutcomeNames).
std::string_view to_string(DecisionOutcome o);
/// The metric label spelling (kDecisionOutcomeNames).
std::string_view metric_label(DecisionOutcome o);

/// What stopped a wanted change (DecisionOutcome::Blocked), in the order `decide` checks them.
/// A new blocking check (a fleet guardrail, say) adds its value here and its check in `decide`.
enum class BlockReason {
    MemoryPressure,   ///< GC pressure or heap usage above its threshold (§4.9 step 1)
    ScalingDisabled,  ///< job.autoscaler.scaling.enabled: false
    DryRun,           ///< DecisionContext::dry_run
    ExcludedPeriod,   ///< now lies in job.autoscaler.excluded.periods
    ResourceQuota,    ///< job.autoscaler.quota.cpu / quota.memory (§4.10)
};

/// Every evaluated vertex with what was decided for it and why.
struct VertexVerdict {
    VertexId vertex;
    int current_parallelism = 0;
    int new_parallelism = 0;  ///< == current when nothing changes
    bool outside_utilization_bound = false;
    bool excluded = false;
    std::string reason;
};

struct ScalingDecision {
    DecisionOutcome outcome = DecisionOutcome::NoChange;
    /// Set exactly when `outcome` is Blocked.
    std::optional<BlockReason> blocked_by;
    std::string reason;
    /// The parallelism changes (committed when Scaled, recommended when Blocked).
    std::map<VertexId, ScalingSummary> summaries;
    std::vector<VertexVerdict> vertices;
    Events events;
    bool scaled() const { return outcome == DecisionOutcome::Scaled; }
};

/// Runs EXECUTE for one job. `evaluated` receives RECOMMENDED_PARALLELISM and
/// EXPECTED_PROCESSING_RATE; `state` is updated as described above.
ScalingDecision decide(const DecisionContext& context, EvaluatedMetrics& evaluated, JobState& state);

/// The quota check of §4.10 alone: the reason it blocks, or nullopt.
std::optional<std::string> quota_exceeded(const JobTopology& topology,
                                          const std::map<VertexId, ScalingSummary>& summaries,
                                          const AutoscalerOptions& options, const ResourceContext& resources);

}  // namespace flinkscaler
