// SPDX-License-Identifier: Apache-2.0
//
// One control-loop pass for one job (algorithm.md §1.2): collect, evaluate and decide through
// the pure core (run_cycle), persist the job's state in one transaction, record events, log the
// scaling report, then REALIZE — re-apply the stored parallelism overrides through the adaptive
// scheduler (skipped in dry-run). Every error is caught here and reported with the cluster and
// job: a pass never throws.
#pragma once

#include "collector.hpp"
#include "flink_api.hpp"
#include "state_store.hpp"
#include "status_board.hpp"

#include "flinkscaler/excluded_periods.hpp"
#include "flinkscaler/job_state.hpp"
#include "flinkscaler/options.hpp"

#include <optional>
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
    /// Status kept across passes for the status endpoint.
    JobStatus status;
};

struct PassEnvironment {
    flink::FlinkApi& api;
    flink::MetricCollector& collector;
    store::StateStore& store;
    StatusBoard& board;
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

/// The local time of `now` in the service's time zone (TZ), for excluded periods.
LocalTime local_time_of(Instant now);

}  // namespace flinkscaler::service
