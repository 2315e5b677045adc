// SPDX-License-Identifier: Apache-2.0
//
// One control-loop pass for one job (algorithm.md §1.2): collect, evaluate and decide through
// the pure core (run_cycle), commit the job's state and the cycle's events in one transaction,
// log the scaling report, then REALIZE — re-apply the *committed* parallelism overrides through
// the adaptive scheduler (skipped in dry-run). A pass that cannot commit sends nothing and marks
// the job store_unavailable; a rescale Flink refuses is backed off, and a job whose rescales keep
// failing is left alone (rescale_guard.hpp). Every error is caught here and reported with the
// cluster and job: a pass never throws.
#pragma once

#include "flink/collector.hpp"
#include "flink/flink_api.hpp"
#include "service/clock.hpp"
#include "service/rescale_guard.hpp"
#include "service/status_board.hpp"
#include "store/state_store.hpp"

#include "flinkscaler/excluded_periods.hpp"
#include "flinkscaler/job_state.hpp"
#include "flinkscaler/options.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>

namespace flinkscaler::service {

struct JobIdentity {
    std::string cluster;
    std::string job_id;
    std::string name;
    /// "<cluster>/<job id>": the key of the job in the store and on the status endpoint.
    std::string key;
};

/// What the service keeps in memory for one job between passes. Only one pass of a job runs at
/// a time (the service guarantees it), so a pass may use this without locking.
struct JobRuntime {
    JobIdentity id;
    /// The job's Flink configuration (GET /jobs/:jid/jobmanager/config), fetched once.
    std::optional<Configuration> flink_configuration;
    /// Loaded from the store on the first pass; afterwards the in-memory copy is authoritative
    /// (algorithm.md §1.3 step 1) as long as every pass commits it. A pass whose commit fails
    /// drops it (the next pass loads the committed state again).
    std::optional<JobState> state;
    /// The parallelism overrides the store holds for the job: set when the state is loaded and
    /// after every commit. REALIZE sends these and nothing else, so no parallelism reaches Flink
    /// that is not committed (issue 11).
    std::map<VertexId, int> committed_overrides;
    /// Rejected and non-landing rescales, the backoff and the circuit breaker.
    RescaleGuard rescale_guard;
    /// The current pending rescale was already counted as not landing.
    bool non_landing_counted = false;
    /// When a state store failure of this job was last logged above debug level (folded per
    /// scaling.event.interval: a full disk must not flood the log).
    std::optional<Instant> store_failure_logged_at;
    /// The persisted state was deleted because the job is disabled (done once per disable).
    bool disabled_state_removed = false;
    /// The configuration last written as the job's info (rewritten when it changes).
    std::optional<Configuration> stored_configuration;
    /// Since when Flink has been running the job with a parallelism other than the committed
    /// one (a rescale that has not landed yet); empty when it runs what was decided.
    std::optional<Instant> rescale_pending_since;
    /// Status kept across passes for the status endpoint.
    JobStatus status;
};

struct PassEnvironment {
    flink::FlinkApi& api;
    flink::MetricCollector& collector;
    store::StateStore& store;
    StatusBoard& board;
    /// The daemon's clock; the pass measures its duration with it (its `now` comes in PassInput).
    const Clock& clock;
    bool dry_run = false;
    /// Append each pass's raw sample for `flinkscaler export` (service.sample-retention > 0).
    bool record_samples = true;
    /// service.rescale-failure-limit: rejected or non-landing rescales in a row after which the
    /// job is no longer rescaled; 0 = never.
    int rescale_failure_limit = 3;
};

struct PassInput {
    const AutoscalerOptions& options;
    /// Effective state from the job overview (RUNNING only when every task runs, §1.1 step 3).
    std::string effective_state;
    Instant now;
    std::optional<LocalTime> local_now;
    /// The job's effective configuration (all precedence levels), stored as its job info so that
    /// `flinkscaler export` replays with the options the daemon used.
    const Configuration& configuration;
};

/// Runs one pass and publishes the job's status on the board. Never throws.
PassResult run_job_pass(PassEnvironment& env, JobRuntime& job, const PassInput& input);

/// A job whose `job.autoscaler.enabled` is false: deletes its persisted state once and drops the
/// collector's caches (algorithm.md §1.2 and its design note), publishes it as disabled.
void disable_job(PassEnvironment& env, JobRuntime& job, const std::string& flink_state);

/// The vertices whose running parallelism differs from the committed override (ignoring
/// vertices excluded from scaling, where the user's value wins): a rescale that Flink has not
/// applied yet (cooldown, waiting for a checkpoint, restarting) or could not apply (slots).
std::set<VertexId> vertices_awaiting_rescale(const JobTopology& topology, const std::map<VertexId, int>& overrides,
                                             const AutoscalerOptions& options);

/// How long a pass waits for Flink to apply a requested parallelism before it evaluates and
/// decides again (flink-rest.md §3.6 step 5): the expected restart time plus 5 minutes for the
/// adaptive scheduler's cooldown, resource stabilization and checkpoint wait.
Millis rescale_pending_deadline(const AutoscalerOptions& options);

/// The local time of `now` in the service's time zone (TZ), for excluded periods.
LocalTime local_time_of(Instant now);

}  // namespace flinkscaler::service
