// SPDX-License-Identifier: Apache-2.0
//
// The daemon's words for a job and what happened to it, each an enum with one name table (the
// names are wire formats: the status endpoint's JSON, metric labels and docs read them, and
// dashboards depend on them; change a name only as a breaking change).
//
// How the status words map onto each other:
//   - `JobPhase`: where the autoscaler stands with a job after its last pass (JobStatus::phase,
//     the `phase` of /api/v1/jobs, flinkscaler_jobs{phase}). A decided pass gets its phase from
//     the core's CycleStage (collecting, window_not_full, decided; stabilizing while the job is
//     in its stabilization interval); the daemon adds the phases the core never sees.
//   - `PassResult`: how one pass ended (flinkscaler_job_passes_total{result}).
//   - `DecisionOutcome` (core, flinkscaler/decision.hpp): what a decided pass decided; it has two
//     spellings, one for the report and one for flinkscaler_scaling_decisions_total{outcome}.
//   - `RescaleResult`: what became of a rescale (flinkscaler_rescales_total{result}).
//   - `DiscoveryResult`: how a job listing of a cluster ended (flinkscaler_discoveries_total).
#pragma once

#include "core/enum_names.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace flinkscaler::service {

enum class JobPhase {
    Disabled,        ///< job.autoscaler.enabled is false for the job
    NotReady,        ///< not running, or its details are not ready (restarting, initializing)
    RescalePending,  ///< a requested parallelism Flink has not applied yet
    Collecting,      ///< collecting metric samples
    Stabilizing,     ///< within the stabilization interval after a (re)start
    WindowNotFull,   ///< samples collected, but the metric window is not full yet
    MetricsGated,    ///< the last sample failed a metric-quality gate; the metric window restarts
    Decided,         ///< evaluated and decided
    RescaleRejected,     ///< Flink refused the last rescale; it is tried again after a backoff
    RescaleBlocked,      ///< rescales failed too often in a row: the job is no longer rescaled
    ClusterUnreachable,  ///< the job's cluster could not be listed: nothing is known of the job now
    StoreUnavailable,    ///< the pass could not commit to the state store: nothing was sent to Flink
    Error,           ///< the last pass failed (JobStatus::last_error); keep last: it bounds the table
};
inline constexpr detail::EnumNames<JobPhase, 13> kJobPhaseNames{{
    {JobPhase::Disabled, "disabled"},
    {JobPhase::NotReady, "not_ready"},
    {JobPhase::RescalePending, "rescale_pending"},
    {JobPhase::Collecting, "collecting"},
    {JobPhase::Stabilizing, "stabilizing"},
    {JobPhase::WindowNotFull, "window_not_full"},
    {JobPhase::MetricsGated, "metrics_gated"},
    {JobPhase::Decided, "decided"},
    {JobPhase::RescaleRejected, "rescale_rejected"},
    {JobPhase::RescaleBlocked, "rescale_blocked"},
    {JobPhase::ClusterUnreachable, "cluster_unreachable"},
    {JobPhase::StoreUnavailable, "store_unavailable"},
    {JobPhase::Error, "error"},
}};
static_assert(detail::lists_every_value_in_order(kJobPhaseNames, static_cast<std::size_t>(JobPhase::Error) + 1));
std::string_view to_string(JobPhase phase);
/// One sentence for people (docs/status-endpoint.md's phase table is rendered from it).
std::string_view describe(JobPhase phase);
/// A pass that ends in this phase ran but did not decide (waiting for the job, its metrics, a
/// rescale or the window): counted by reason in `job_passes_skipped_total` and the job's
/// `skipped_passes`, so a pass that should have decided is visible (issue 16).
constexpr bool skips_decision(JobPhase phase) {
    return phase == JobPhase::NotReady || phase == JobPhase::RescalePending || phase == JobPhase::Collecting ||
           phase == JobPhase::Stabilizing || phase == JobPhase::WindowNotFull || phase == JobPhase::MetricsGated ||
           phase == JobPhase::RescaleRejected || phase == JobPhase::RescaleBlocked;
}

enum class PassResult {
    Ok,        ///< evaluated (and decided if the window was full)
    NotReady,  ///< skipped: the job was not running or its metrics were not usable yet
    Error,     ///< failed (the job's last_error says why)
    Disabled,  ///< autoscaling is off for the job; keep last
};
inline constexpr detail::EnumNames<PassResult, 4> kPassResultNames{{
    {PassResult::Ok, "ok"},
    {PassResult::NotReady, "not_ready"},
    {PassResult::Error, "error"},
    {PassResult::Disabled, "disabled"},
}};
static_assert(detail::lists_every_value_in_order(kPassResultNames, static_cast<std::size_t>(PassResult::Disabled) + 1));
std::string_view to_string(PassResult result);

enum class RescaleResult {
    Applied,  ///< Flink accepted the new resource requirements (the PUT succeeded)
    Failed,    ///< the PUT failed without an answer from Flink (timeout, connection, 5xx)
    Rejected,  ///< Flink refused the PUT (4xx): backed off, and counted towards the circuit breaker
    DryRun,    ///< decided but not sent (dry run); keep last
};
inline constexpr detail::EnumNames<RescaleResult, 4> kRescaleResultNames{{
    {RescaleResult::Applied, "applied"},
    {RescaleResult::Failed, "failed"},
    {RescaleResult::Rejected, "rejected"},
    {RescaleResult::DryRun, "dry_run"},
}};
static_assert(detail::lists_every_value_in_order(kRescaleResultNames,
                                                 static_cast<std::size_t>(RescaleResult::DryRun) + 1));
std::string_view to_string(RescaleResult result);

enum class DiscoveryResult {
    Ok,
    Error,  ///< keep last
};
inline constexpr detail::EnumNames<DiscoveryResult, 2> kDiscoveryResultNames{{
    {DiscoveryResult::Ok, "ok"},
    {DiscoveryResult::Error, "error"},
}};
static_assert(detail::lists_every_value_in_order(kDiscoveryResultNames,
                                                 static_cast<std::size_t>(DiscoveryResult::Error) + 1));
std::string_view to_string(DiscoveryResult result);

/// "<cluster>/<job id>": the key of a job in the state store, on the status endpoint and in the
/// `job` log field. A YARN application's cluster name holds a slash itself
/// ("<yarn cluster>/<application id>", application_cluster_name), so such a key has two; the job
/// id is what follows the last.
std::string job_key(std::string_view cluster, std::string_view job_id);

}  // namespace flinkscaler::service
