// SPDX-License-Identifier: Apache-2.0
//
// One control-loop pass for one job (algorithm.md §1.2): collect, evaluate and decide through
// the pure core (run_cycle), persist the job's state in one transaction, record events, log the
// scaling report, then REALIZE — re-apply the stored parallelism overrides through the adaptive
// scheduler (skipped in dry-run). Every error is caught here and reported with the cluster and
// job: a pass never throws.
#pragma once

#include "flink/collector.hpp"
#include "flink/flink_api.hpp"
#include "service/clock.hpp"
#include "store/state_store.hpp"
#include "service/status_board.hpp"

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
    /// (algorithm.md §1.3 step 1).
    std::optional<JobState> state;
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
