// SPDX-License-Identifier: Apache-2.0
#include "service/job_pass.hpp"

#include "service/log_fields.hpp"
#include "service/logging.hpp"
#include "flink/rescaler.hpp"

#include "flinkscaler/config_values.hpp"
#include "flinkscaler/cycle.hpp"
#include "flinkscaler/event_reasons.hpp"
#include "replay/replay.hpp"
#include "flinkscaler/report.hpp"

#include <chrono>
#include <ctime>

namespace flinkscaler::service {

namespace {

/// A state store operation of the pass failed (disk full, I/O error, corruption): the pass sends
/// nothing to Flink and the job is marked store_unavailable.
class StoreFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Runs a state store operation; any failure becomes a StoreFailure saying what was being done.
template <typename Operation>
decltype(auto) in_store(const char* what, Operation&& operation) {
    try {
        return operation();
    } catch (const std::exception& e) {
        throw StoreFailure(std::string("state store: cannot ") + what + ": " + e.what());
    }
}

// Records an event; returns true when it started a new row (not folded into a recent one), which
// is when it deserves a log line above debug level.
bool record_event(PassEnvironment& env, const JobRuntime& job, const Event& event, Instant now) {
    const auto stored = in_store("record an event", [&] { return env.store.record(job.id.key, event, now); });
    return stored.count == 1;
}

/// Whether a store failure of the job deserves a log line above debug now: once per
/// scaling.event.interval per job (a full disk fails every pass of every job).
bool store_failure_is_news(JobRuntime& job, const PassInput& input) {
    if (job.store_failure_logged_at && input.now - *job.store_failure_logged_at < input.options.event_interval)
        return false;
    job.store_failure_logged_at = input.now;
    return true;
}

void report_store_failure(PassEnvironment& env, JobRuntime& job, const PassInput& input, const std::string& message) {
    job.status.phase = JobPhase::StoreUnavailable;
    set_error(job.status, message, input.now);
    job.status.summary = "nothing sent to Flink: the pass could not be committed";
    env.board.set_store_problem(job.id.key, message);
    log_with(store_failure_is_news(job, input) ? spdlog::level::err : spdlog::level::debug,
             message + "; nothing was sent to Flink, the job is evaluated again from its committed state",
             job_fields(job.id));
}

/// The job's writes succeed (again).
void store_writes(PassEnvironment& env, JobRuntime& job) {
    if (!job.store_failure_logged_at) return;
    job.store_failure_logged_at.reset();
    env.board.set_store_problem(job.id.key, std::nullopt);
    log_with(spdlog::level::info, "the state store writes again; the job's state is committed", job_fields(job.id));
}

void report_error(PassEnvironment& env, JobRuntime& job, const PassInput& input, const std::string& message) {
    job.status.phase = JobPhase::Error;
    set_error(job.status, message, input.now);
    // The reference never folds AutoscalerError; with a 10 s loop a lasting problem would write
    // thousands of identical rows a day, so repeats are folded within the event interval
    // (docs/deviations.md).
    bool fresh = true;
    try {
        fresh = record_event(env, job,
                             make_event(EventReason::AutoscalerError, message, message, input.options.event_interval),
                             input.now);
    } catch (const std::exception& e) {
        log_with(store_failure_is_news(job, input) ? spdlog::level::err : spdlog::level::debug, e.what(),
                 job_fields(job.id));
    }
    log_with(fresh ? spdlog::level::warn : spdlog::level::debug, "pass failed: " + message, job_fields(job.id));
}

/// Records an event whose loss must not fail the pass (the decision it belongs to is committed
/// already); a store failure is logged (folded) instead. Returns whether the row is new.
bool record_event_or_log(PassEnvironment& env, JobRuntime& job, const PassInput& input, const Event& event) {
    try {
        return record_event(env, job, event, input.now);
    } catch (const StoreFailure& e) {
        log_with(store_failure_is_news(job, input) ? spdlog::level::err : spdlog::level::debug,
                 std::string(e.what()) + " (" + event.reason + ": " + event.message + ")", job_fields(job.id));
        return true;
    }
}

/// Counts a rescale that was refused or did not land. When that opens the circuit (RescaleGuard),
/// records the RescaleBlocked event, logs it, marks the job rescale_blocked and returns true.
bool count_rescale_failure(PassEnvironment& env, JobRuntime& job, const PassInput& input, RescaleGuard::Failure kind,
                           const std::string& why) {
    if (!job.rescale_guard.record_failure(kind, why, input.now, env.rescale_failure_limit, input.configuration))
        return false;
    const std::string message = std::to_string(job.rescale_guard.failures_in_a_row()) +
                                " rescales in a row were refused or did not land; the job is no longer rescaled "
                                "until its configuration changes or the daemon restarts "
                                "(service.rescale-failure-limit). Last: " + why;
    job.status.phase = JobPhase::RescaleBlocked;
    job.status.summary = message;
    set_error(job.status, message, input.now);
    record_event_or_log(env, job, input,
                        make_event(EventReason::RescaleBlocked, message, "blocked", input.options.event_interval));
    log_with(spdlog::level::err, message, job_fields(job.id));
    return true;
}

std::vector<VertexStatus> vertex_statuses(const JobTopology& topology, const std::optional<EvaluatedMetrics>& evaluated,
                                          const std::optional<ScalingDecision>& decision) {
    std::vector<VertexStatus> out;
    for (const auto& id : topology.topological_order()) {
        const auto& vertex = topology.get(id);
        VertexStatus v;
        v.id = id;
        v.name = vertex.name;
        v.parallelism = vertex.parallelism;
        if (evaluated) {
            if (auto it = evaluated->vertex_metrics.find(id); it != evaluated->vertex_metrics.end()) {
                auto average = [&](ScalingMetric m) {
                    auto found = it->second.find(m);
                    return found == it->second.end() ? NAN : found->second.average;
                };
                auto current = [&](ScalingMetric m) {
                    auto found = it->second.find(m);
                    return found == it->second.end() ? NAN : found->second.current;
                };
                v.utilization = average(ScalingMetric::LOAD);
                v.true_processing_rate = average(ScalingMetric::TRUE_PROCESSING_RATE);
                v.target_data_rate = average(ScalingMetric::TARGET_DATA_RATE);
                v.lag = current(ScalingMetric::LAG);
            }
        }
        if (decision)
            for (const auto& verdict : decision->vertices)
                if (verdict.vertex == id) v.recommended = verdict.new_parallelism;
        out.push_back(std::move(v));
    }
    return out;
}

JobPhase phase_of(const CycleResult& cycle) {
    switch (cycle.stage) {
    case CycleStage::CollectingSamples: return cycle.stabilizing ? JobPhase::Stabilizing : JobPhase::Collecting;
    case CycleStage::WindowNotFull: return cycle.stabilizing ? JobPhase::Stabilizing : JobPhase::WindowNotFull;
    case CycleStage::Decided: return JobPhase::Decided;
    case CycleStage::SampleGated: return JobPhase::MetricsGated;  // the summary says which gate
    }
    return JobPhase::Collecting;
}

void log_scaling_report(const JobIdentity& id, const CycleResult& cycle, const JobTopology& topology) {
    const auto& decision = *cycle.decision;
    auto fields = job_fields(id);
    fields["outcome"] = std::string(to_string(decision.outcome));
    fields["reason"] = decision.reason;
    if (log_format() == LogFormat::Json)
        fields["report"] = report_json(*cycle.evaluated, decision);
    else
        fields["report"] = render_report_table(*cycle.evaluated, decision, &topology);
    const std::string headline = "scaling report for job '" + id.name + "' (" + id.key + "): " +
                                 std::string(to_string(decision.outcome)) + ", " + decision.reason;
    const bool informational = decision.scaled() || decision.blocked_by == BlockReason::DryRun;
    log_with(informational ? spdlog::level::info : spdlog::level::warn, headline, fields);
}

PassResult collect_evaluate_decide(PassEnvironment& env, JobRuntime& job, const PassInput& input,
                                   std::set<VertexId>& excluded_this_cycle) {
    auto collected = env.collector.collect(job.id.job_id);
    if (!collected) {
        job.status.phase = JobPhase::NotReady;
        job.status.summary = "job details not ready (restarting or initializing)";
        return PassResult::NotReady;
    }
    for (const auto& warning : collected->warnings) log_with(spdlog::level::debug, warning, job_fields(job.id));

    // Between the PUT and the restart (cooldown, a 2.x checkpoint wait) the job still runs the old
    // parallelism with the old metrics: deciding again would commit the same rescale twice and
    // skew the scaling history. Wait, up to a deadline, for Flink to apply it.
    const auto awaiting = vertices_awaiting_rescale(collected->topology, job.committed_overrides, input.options);
    if (awaiting.empty()) {
        job.rescale_pending_since.reset();
        job.non_landing_counted = false;
        job.rescale_guard.record_landed();
    } else {
        if (!job.rescale_pending_since) job.rescale_pending_since = input.now;
        const auto waited = input.now - *job.rescale_pending_since;
        if (waited < rescale_pending_deadline(input.options)) {
            job.status.phase = JobPhase::RescalePending;
            job.status.summary = "waiting for Flink to apply the new parallelism of " + std::to_string(awaiting.size()) +
                                 " vertex(es) (" + format_duration(std::chrono::duration_cast<Millis>(waited)) + " so far)";
            job.status.vertices = vertex_statuses(collected->topology, std::nullopt, std::nullopt);
            for (auto& vertex : job.status.vertices)
                if (auto it = job.committed_overrides.find(vertex.id); it != job.committed_overrides.end())
                    vertex.recommended = it->second;
            log_with(spdlog::level::debug, job.status.summary, job_fields(job.id));
            return PassResult::NotReady;
        }
        const std::string message = "Flink has not applied the requested parallelism after " +
                                    format_duration(std::chrono::duration_cast<Millis>(waited)) +
                                    " (slots short, or the job cannot restart); evaluating again";
        const bool fresh = record_event(
            env, job, make_event(EventReason::RescaleNotApplied, message, "not-applied", input.options.event_interval),
            input.now);
        log_with(fresh ? spdlog::level::warn : spdlog::level::debug, message, job_fields(job.id));
        if (!job.non_landing_counted) {
            job.non_landing_counted = true;
            if (count_rescale_failure(env, job, input, RescaleGuard::Failure::NotLanded, message))
                return PassResult::NotReady;
        }
    }

    std::optional<ReplaySample> recorded;
    if (env.record_samples) {
        recorded = ReplaySample{input.now, collected->running_since, {}, collected->metrics};
        for (const auto& [vertex_id, vertex] : collected->topology.vertices()) recorded->vertices.push_back(vertex);
    }

    JobState& state = *job.state;
    // Dry-run computes and reports like a disabled scaling execution: nothing is committed, so
    // the history does not claim rescales that never happened.
    const CycleInput cycle_input{collected->topology, collected->running_since, std::move(collected->metrics),
                                 input.now,           input.local_now,          ResourceContext{},
                                 env.dry_run,
                                 // Pass times jitter by a few ms around the interval: a window
                                 // that filled stays full (issue 16, docs/deviations.md).
                                 WindowTrim::KeepAnchor};
    CycleResult cycle = run_cycle(input.options, state, cycle_input);
    excluded_this_cycle = cycle.excluded_this_cycle;

    // The state and the events of this pass are committed together, before REALIZE sends a new
    // parallelism to Flink. No lease yet: the SQLite store is the only writer of its database.
    std::vector<bool> fresh_events;
    try {
        in_store("commit the pass", [&] {
            store::JobTransaction tx = env.store.begin(job.id.key, std::nullopt);
            tx.save(state, input.now, recorded ? &*recorded : nullptr);
            if (cycle.decision)
                for (const auto& event : cycle.decision->events)
                    fresh_events.push_back(tx.record(event, input.now).count == 1);
            tx.commit();
        });
    } catch (const StoreFailure&) {
        // run_cycle changed the in-memory state (history, maybe new overrides) that the store
        // does not hold: forget it, so nothing of it is ever sent or built upon; the next pass
        // loads the committed state again.
        job.state.reset();
        throw;
    }
    job.committed_overrides = state.parallelism_overrides;
    store_writes(env, job);

    bool report_is_new = false;
    if (cycle.decision) {
        for (std::size_t i = 0; i < cycle.decision->events.size(); ++i) {
            const auto& event = cycle.decision->events[i];
            const bool fresh = fresh_events[i];
            if (event.reason == name_of(EventReason::ScalingReport)) {
                report_is_new = fresh;
            } else if (fresh) {
                auto fields = job_fields(job.id);
                fields["reason"] = event.reason;
                log_with(event.type == EventType::Warning ? spdlog::level::warn : spdlog::level::info, event.message,
                         fields);
            }
        }
    }

    auto& status = job.status;
    const JobPhase previous_phase = status.phase;
    status.phase = phase_of(cycle);
    status.summary = cycle.summary;
    // A gate that fires is worth a line (a job back from a failover, a misbehaving reporter);
    // one that keeps firing is not worth one per pass.
    if (status.phase == JobPhase::MetricsGated && previous_phase != JobPhase::MetricsGated)
        log_with(spdlog::level::info, cycle.summary, job_fields(job.id));
    status.vertices = vertex_statuses(collected->topology, cycle.evaluated, cycle.decision);
    status.scaling_history = to_json(state.scaling_history);
    if (cycle.restart_detected)
        log_with(spdlog::level::info, "job restarted: metric window reset", job_fields(job.id));
    log_with(spdlog::level::debug, cycle.summary, job_fields(job.id));

    if (cycle.decision && cycle.evaluated) {
        env.board.count(Family::ScalingDecisions, job.id.cluster, cycle.decision->outcome);
        status.last_decision = report_json(*cycle.evaluated, *cycle.decision);
        status.last_decision_time = input.now;
        if (cycle.decision->scaled() || (cycle.decision->outcome == DecisionOutcome::Blocked && report_is_new))
            log_scaling_report(job.id, cycle, collected->topology);
        // rescales_total{result="dry_run"}: a decision that would have rescaled, counted once per
        // new report (as the log does), not on every pass that repeats the recommendation.
        if (cycle.decision->blocked_by == BlockReason::DryRun && !cycle.decision->summaries.empty() && report_is_new)
            env.board.count(Family::Rescales, job.id.cluster, RescaleResult::DryRun);
    }
    return PassResult::Ok;
}

/// Sends the committed overrides (never the in-memory ones). Returns false when Flink refused them.
bool realize(PassEnvironment& env, JobRuntime& job, const PassInput& input, bool running,
             const std::set<VertexId>& excluded_this_cycle) {
    const auto result = flink::apply_parallelism_overrides(env.api, job.id.job_id, running, job.committed_overrides,
                                                           input.options, excluded_this_cycle);
    using Status = flink::RescaleResult::Status;
    if (result.status == Status::Applied) {
        ++job.status.rescales;
        job.status.last_rescale = input.now;
        env.board.count(Family::Rescales, job.id.cluster, RescaleResult::Applied);
        // A new request gets its own wait for Flink to apply it.
        job.rescale_guard.record_accepted();
        job.rescale_pending_since.reset();
        job.non_landing_counted = false;
        log_with(spdlog::level::info, "rescale requested: " + result.message, job_fields(job.id));
        record_event_or_log(env, job, input, make_event(EventReason::RescaleApplied, result.message));
    } else if (result.status == Status::Rejected) {
        env.board.count(Family::Rescales, job.id.cluster, RescaleResult::Rejected);
        job.status.phase = JobPhase::RescaleRejected;
        set_error(job.status, result.message, input.now);
        const bool fresh = record_event_or_log(
            env, job, input,
            make_event(EventReason::RescaleRejected, result.message, result.message, input.options.event_interval));
        if (!count_rescale_failure(env, job, input, RescaleGuard::Failure::Rejected, result.message)) {
            job.status.summary = "Flink refused the rescale; it is sent again at " +
                                 format_instant(*job.rescale_guard.retry_at()) + " (no new decision meanwhile)";
            log_with(fresh ? spdlog::level::warn : spdlog::level::debug,
                     result.message + "; sent again at " + format_instant(*job.rescale_guard.retry_at()),
                     job_fields(job.id));
        }
        return false;
    } else if (result.status == Status::NotAdaptive) {
        const bool fresh = record_event(
            env, job, make_event(EventReason::RescaleNotSupported, result.message, "not-adaptive", input.options.event_interval),
            input.now);
        log_with(fresh ? spdlog::level::warn : spdlog::level::debug, result.message, job_fields(job.id));
    }
    return true;
}

}  // namespace

std::set<VertexId> vertices_awaiting_rescale(const JobTopology& topology, const std::map<VertexId, int>& overrides,
                                             const AutoscalerOptions& options) {
    std::set<VertexId> awaiting;
    for (const auto& [id, parallelism] : overrides) {
        if (options.is_excluded_vertex(id) || !topology.vertices().count(id)) continue;
        if (topology.get(id).parallelism != parallelism) awaiting.insert(id);
    }
    return awaiting;
}

Millis rescale_pending_deadline(const AutoscalerOptions& options) {
    return options.restart_time + std::chrono::minutes(5);
}

LocalTime local_time_of(Instant now) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm local{};
    localtime_r(&seconds, &local);
    return utc_local_time(now + std::chrono::seconds(local.tm_gmtoff));
}

PassResult run_job_pass(PassEnvironment& env, JobRuntime& job, const PassInput& input) {
    const auto started = env.clock.steady_now();
    auto& status = job.status;
    status.flink_state = input.effective_state;
    status.scaling_enabled = input.options.scaling_enabled;
    status.dry_run = env.dry_run;
    status.last_pass = input.now;
    status.last_error.clear();
    job.disabled_state_removed = false;
    auto& guard = job.rescale_guard;
    if (guard.reopen_on_configuration_change(input.configuration))
        log_with(spdlog::level::info, "the job's configuration changed: it is rescaled again", job_fields(job.id));

    const bool running = input.effective_state == "RUNNING";
    PassResult result = PassResult::Ok;
    bool store_failed = false;
    std::set<VertexId> excluded_this_cycle;
    try {
        if (!job.state) {
            std::vector<std::string> problems;
            job.state = in_store("load the job's state", [&] { return env.store.load(job.id.key, problems); });
            job.committed_overrides = job.state->parallelism_overrides;
            for (const auto& problem : problems)
                log_with(spdlog::level::warn, "dropped unreadable stored state: " + problem, job_fields(job.id));
        }
        if (job.stored_configuration != input.configuration) {
            in_store("save the job's configuration", [&] {
                env.store.save_job_info(job.id.key,
                                        store::JobInfo{job.id.cluster, job.id.job_id, job.id.name, input.configuration},
                                        input.now);
            });
            job.stored_configuration = input.configuration;
        }
        if (guard.blocked()) {
            status.phase = JobPhase::RescaleBlocked;
            status.summary = "not rescaled after " + std::to_string(guard.failures_in_a_row()) +
                             " failed rescales in a row; change the job's configuration or restart the daemon to "
                             "try again. Last: " + guard.last_failure();
            result = PassResult::NotReady;
        } else if (guard.last_rejected()) {
            // The committed rescale is unresolved: no new decision until Flink takes it or the
            // circuit opens.
            status.phase = JobPhase::RescaleRejected;
            set_error(status, guard.last_failure(), input.now);
            status.summary = guard.backing_off(input.now)
                                 ? "Flink refused the rescale; it is sent again at " + format_instant(*guard.retry_at())
                                 : "sending the rescale Flink refused again";
            result = PassResult::NotReady;
        } else if (running) {
            result = collect_evaluate_decide(env, job, input, excluded_this_cycle);
        } else {
            status.phase = JobPhase::NotReady;
            status.summary = "job is " + input.effective_state;
            result = PassResult::NotReady;
        }
    } catch (const StoreFailure& e) {
        store_failed = true;
        report_store_failure(env, job, input, e.what());
        result = PassResult::Error;
    } catch (const flink::MetricNotFound& e) {
        if (input.now < e.running_since + input.options.stabilization_interval) {
            status.phase = JobPhase::Stabilizing;
            status.summary = std::string("waiting for metrics: ") + e.what();
            result = PassResult::NotReady;
        } else {
            report_error(env, job, input, e.what());
            result = PassResult::Error;
        }
    } catch (const flink::FlinkApiError& e) {
        env.board.count(Family::RestErrors, job.id.cluster, e.kind);
        report_error(env, job, input, e.what());
        result = PassResult::Error;
    } catch (const std::exception& e) {
        report_error(env, job, input, e.what());
        result = PassResult::Error;
    }

    // REALIZE runs whatever happened above (algorithm.md §1.2 FINALLY), except in dry-run, when
    // this pass could not commit (nothing uncommitted is ever sent), when the job's committed
    // overrides are unknown, and while a refused rescale backs off or the circuit is open.
    const bool may_send = !env.dry_run && !store_failed && job.state && !job.committed_overrides.empty() &&
                          !guard.blocked() && !guard.backing_off(input.now);
    if (may_send) {
        try {
            if (!realize(env, job, input, running, excluded_this_cycle)) result = PassResult::Error;
        } catch (const flink::FlinkApiError& e) {
            env.board.count(Family::RestErrors, job.id.cluster, e.kind);
            env.board.count(Family::Rescales, job.id.cluster, RescaleResult::Failed);
            report_error(env, job, input, std::string("applying the parallelism failed: ") + e.what());
            result = PassResult::Error;
        } catch (const std::exception& e) {
            env.board.count(Family::Rescales, job.id.cluster, RescaleResult::Failed);
            report_error(env, job, input, std::string("applying the parallelism failed: ") + e.what());
            result = PassResult::Error;
        }
    }

    if (skips_decision(status.phase)) {
        ++status.skipped_passes[status.phase];
        env.board.count(Family::JobPassesSkipped, job.id.cluster, status.phase);
    }
    if (status.last_error.empty()) status.error_since.reset();
    status.rescale_failures_in_a_row = guard.failures_in_a_row();
    status.rescale_retry_at = guard.retry_at();
    const auto duration = std::chrono::duration_cast<Millis>(env.clock.steady_now() - started);
    status.last_pass_duration = duration;
    env.board.put_job(status);
    env.board.pass_finished(job.id.cluster, result, duration);
    return result;
}

void disable_job(PassEnvironment& env, JobRuntime& job, const std::string& flink_state) {
    if (!job.disabled_state_removed) {
        try {
            // Worth an info line when the job was autoscaled in this run; a job that is disabled
            // from the start gets its (usually absent) state removed quietly at every start.
            const bool was_enabled = job.state.has_value();
            env.store.remove(job.id.key);
            store_writes(env, job);  // a disabled job never commits again: clear a store failure now
            env.collector.forget(job.id.job_id);
            job.state.reset();
            job.committed_overrides.clear();
            job.stored_configuration.reset();
            log_with(was_enabled ? spdlog::level::info : spdlog::level::debug,
                     "autoscaler disabled for this job (job.autoscaler.enabled: false); its stored state is deleted",
                     job_fields(job.id));
            job.disabled_state_removed = true;
        } catch (const std::exception& e) {
            log_with(spdlog::level::err, "cannot delete the state of a disabled job: " + std::string(e.what()),
                     job_fields(job.id));
        }
    }
    job.status.phase = JobPhase::Disabled;
    job.status.flink_state = flink_state;
    job.status.summary = "job.autoscaler.enabled is false";
    job.status.vertices.clear();
    job.status.last_error.clear();
    job.status.error_since.reset();
    env.board.put_job(job.status);
}

}  // namespace flinkscaler::service
