// SPDX-License-Identifier: Apache-2.0
//
// The job state machine of the cluster model: submission, restarts (rescale or failover)
// through RESTARTING -> CREATED -> RUNNING, checkpoints, and cancellation.
#include "sim/model/cluster.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace flinkscaler::sim {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

}  // namespace

void Cluster::fail_job(std::size_t index) {
    Job& job = jobs_.at(index);
    if (!job.submitted || job.terminal() || job.status == JobStatus::Restarting) return;
    begin_restart(job, now_);
}

void Cluster::cancel_job(std::size_t index) {
    Job& job = jobs_.at(index);
    if (!job.submitted || job.terminal()) return;
    job.status = JobStatus::Canceled;
    job.tasks = TaskState::Canceled;
    job.timestamps[static_cast<std::size_t>(JobStatus::Cancelling)] = epoch_ms(now_);
    job.timestamps[static_cast<std::size_t>(JobStatus::Canceled)] = epoch_ms(now_);
    job.end_s = now_;
    job.last_modification_s = now_;
    job.pending_since_s.reset();
    job.waiting_for_resources = false;
    job.phase_until_s = kInfinity;
    for (auto& v : job.vertices) {
        v.in_rate = v.out_rate = 0;
        std::fill(v.busy.begin(), v.busy.end(), 0.0);
        std::fill(v.backpressured.begin(), v.backpressured.end(), 0.0);
        std::fill(v.idle.begin(), v.idle.end(), 0.0);
    }
}

void Cluster::apply_transitions(Job& job, double t) {
    constexpr double eps = 1e-9;
    for (int guard = 0; guard < 1000; ++guard) {
        if (!job.submitted) {
            if (t + eps < job.spec.start_s) return;
            submit(job, job.spec.start_s);
            continue;
        }
        switch (job.status) {
        case JobStatus::Initializing:
            if (t + eps < job.phase_until_s) return;
            enter_created(job, job.phase_until_s);
            continue;
        case JobStatus::Restarting:
            if (t + eps < job.phase_until_s) return;
            if (spec_.scheduler == Scheduler::Adaptive) {
                enter_created(job, job.phase_until_s);
            } else {
                // The default scheduler restarts the same execution graph in place: no CREATED
                // phase, the timestamps of the graph are kept and RUNNING moves.
                const double at = job.phase_until_s;
                reset_counters(job);
                ++job.attempt;
                enter_running(job, at);
            }
            continue;
        case JobStatus::Created:
            if (job.waiting_for_resources) {
                if (!try_allocate(job, t)) return;
                continue;
            }
            if (t + eps < job.phase_until_s) return;
            enter_running(job, job.phase_until_s);
            continue;
        case JobStatus::Running:
            if (job.tasks == TaskState::Initializing) {
                if (t + eps < job.phase_until_s) return;
                job.tasks = TaskState::Running;
                job.tasks_running_since_s = job.phase_until_s;
                job.phase_until_s = kInfinity;
                job.next_checkpoint_s = job.spec.checkpoint_interval_s > 0
                                            ? *job.tasks_running_since_s + job.spec.checkpoint_interval_s
                                            : kInfinity;
                continue;
            }
            if (job.spec.checkpoint_interval_s > 0 && t + eps >= job.next_checkpoint_s) {
                const double at = job.next_checkpoint_s;
                ++job.completed_checkpoints;
                for (auto& v : job.vertices) v.read_since_checkpoint = 0;
                job.next_checkpoint_s = at + job.spec.checkpoint_interval_s;
                if (job.pending_since_s) {
                    const auto trigger = rescale_trigger_s(static_cast<std::size_t>(&job - jobs_.data()));
                    if (trigger && *trigger <= at + eps) act_on_pending(job, at);
                }
                continue;
            }
            if (job.pending_since_s) {
                const auto trigger = rescale_trigger_s(static_cast<std::size_t>(&job - jobs_.data()));
                if (trigger && t + eps >= *trigger &&
                    (!spec_.version.rescale_waits_for_checkpoint() || job.spec.checkpoint_interval_s <= 0)) {
                    act_on_pending(job, t);
                    continue;
                }
            }
            return;
        default:
            return;
        }
    }
}

void Cluster::submit(Job& job, double at) {
    job.submitted = true;
    job.submitted_s = at;
    job.status = JobStatus::Initializing;
    job.tasks = TaskState::Created;
    job.timestamps = {};
    job.timestamps[static_cast<std::size_t>(JobStatus::Initializing)] = epoch_ms(at);
    job.phase_until_s = at + spec_.rescale.restarting_s;
    job.last_modification_s = at;
}

void Cluster::begin_restart(Job& job, double at) {
    job.status = JobStatus::Restarting;
    job.tasks = TaskState::Canceling;
    job.timestamps[static_cast<std::size_t>(JobStatus::Restarting)] = epoch_ms(at);
    ++job.num_restarts;
    job.restart_started_s = at;
    job.last_modification_s = at;
    job.phase_until_s = at + spec_.rescale.restarting_s +
                        (spec_.scheduler == Scheduler::Adaptive ? 0.0 : spec_.rescale.created_s);
    job.tasks_running_since_s.reset();
    job.next_checkpoint_s = kInfinity;
    job.flow = FlowResult{};  // no rates until records flow again
    for (auto& v : job.vertices) {
        // Records read after the last checkpoint are read again after the restart.
        if (job.spec.replay_on_restart) v.backlog += v.read_since_checkpoint;
        v.read_since_checkpoint = 0;
        v.in_rate = v.out_rate = 0;
        std::fill(v.busy.begin(), v.busy.end(), 0.0);
        std::fill(v.backpressured.begin(), v.backpressured.end(), 0.0);
        std::fill(v.idle.begin(), v.idle.end(), 0.0);
    }
}

void Cluster::enter_created(Job& job, double at) {
    // The adaptive scheduler builds a new execution graph: fresh timestamps, fresh counters.
    const auto initializing = job.timestamps[static_cast<std::size_t>(JobStatus::Initializing)];
    job.timestamps = {};
    job.timestamps[static_cast<std::size_t>(JobStatus::Initializing)] = initializing;
    job.timestamps[static_cast<std::size_t>(JobStatus::Created)] = epoch_ms(at);
    job.status = JobStatus::Created;
    job.tasks = TaskState::Scheduled;
    job.last_modification_s = at;
    ++job.attempt;
    reset_counters(job);
    job.waiting_for_resources = true;
    job.phase_until_s = kInfinity;
    try_allocate(job, at);
}

bool Cluster::try_allocate(Job& job, double at) {
    job.waiting_for_resources = true;  // excludes the job's old slots from slots_used()
    const int available = slots_total() - slots_used();
    const auto parallelism = fit_parallelism(job, available);
    if (!parallelism) return false;
    apply_parallelism(job, *parallelism);
    job.waiting_for_resources = false;
    job.pending_since_s.reset();  // the requirements have been acted upon
    job.tasks = TaskState::Deploying;
    job.phase_until_s = at + spec_.rescale.created_s;
    return true;
}

void Cluster::enter_running(Job& job, double at) {
    job.status = JobStatus::Running;
    job.tasks = TaskState::Initializing;
    job.timestamps[static_cast<std::size_t>(JobStatus::Running)] = epoch_ms(at);
    job.running_since_s = at;
    job.last_modification_s = at;
    job.phase_until_s = at + spec_.rescale.initializing_s;
    if (job.restart_started_s) job.last_restart_duration_s = at - *job.restart_started_s;
    job.restart_started_s.reset();
}

void Cluster::act_on_pending(Job& job, double at) {
    const int own = slots_used_by(job);
    const auto parallelism = fit_parallelism(job, slots_total() - slots_used() + own);
    bool changed = false;
    if (parallelism)
        for (std::size_t i = 0; i < job.vertices.size(); ++i)
            if ((*parallelism)[i] != job.vertices[i].parallelism) changed = true;
    if (!changed) {
        // Either the requirements are met already, or not even their lower bounds fit: the
        // scheduler keeps the job running as it is.
        job.pending_since_s.reset();
        return;
    }
    begin_restart(job, at);
}

void Cluster::reset_counters(Job& job) {
    for (auto& v : job.vertices) {
        v.read_records = v.write_records = 0;
        v.busy_ms = v.backpressured_ms = v.idle_ms = 0;
        v.source_records_in = 0;
    }
}

}  // namespace flinkscaler::sim
