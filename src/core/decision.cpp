// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/decision.hpp"

#include "flinkscaler/event_reasons.hpp"
#include "flinkscaler/numeric.hpp"
#include "flinkscaler/report.hpp"
#include "flinkscaler/vertex_scaler.hpp"

#include <algorithm>

namespace flinkscaler {

using M = ScalingMetric;

std::string_view to_string(DecisionOutcome o) {
    for (const auto& names : kDecisionOutcomeNames)
        if (names.outcome == o) return names.report;
    return "?";
}

std::string_view metric_label(DecisionOutcome o) {
    for (const auto& names : kDecisionOutcomeNames)
        if (names.outcome == o) return names.metric_label;
    return "unknown";
}

namespace {

// §4.9 step 1: a job whose TaskManagers are short of memory is not rescaled.
std::optional<Event> memory_pressure(const EvaluatedVertexMetrics& global, const AutoscalerOptions& options) {
    const auto event = [&](const char* what, double value, const char* key) {
        return make_event(EventReason::MemoryPressure,
                          std::string(what) + " " + java_double_to_string(value) +
                              " is above the allowed limit for scaling operations. Please adjust the available memory "
                              "capacity.",
                          key, options.event_interval);
    };
    const double gc = current_of(global, M::GC_PRESSURE);
    if (gc > options.gc_pressure_threshold) return event("GC Pressure", gc, "gcPressure");
    const double heap = average_of(global, M::HEAP_MAX_USAGE_RATIO);
    if (heap > options.heap_usage_threshold) return event("Heap Usage", heap, "heapUsage");
    return std::nullopt;
}

/// Why execution is off for this decision: the reason, and for a setting the key/value that
/// turns it off (the §6.3 header names it).
struct ExecutionBlock {
    BlockReason reason;
    std::string key_value;
};

// Checked in BlockReason order: the job's own scaling.enabled first, so a dry run of a job that
// disables scaling still reports the job's setting.
std::optional<ExecutionBlock> execution_blocked_by(const DecisionContext& ctx) {
    if (!ctx.options.scaling_enabled)
        return ExecutionBlock{BlockReason::ScalingDisabled, "job.autoscaler.scaling.enabled:false"};
    if (ctx.dry_run) return ExecutionBlock{BlockReason::DryRun, {}};
    if (ctx.options.excluded_periods.empty()) return std::nullopt;
    const auto periods = ExcludedPeriods::parse(ctx.options.excluded_periods);
    const LocalTime local = ctx.local_now ? *ctx.local_now : utc_local_time(ctx.now);
    if (!periods.contains(local)) return std::nullopt;
    std::string list;
    for (const auto& expression : ctx.options.excluded_periods) list += (list.empty() ? "" : ", ") + expression;
    return ExecutionBlock{BlockReason::ExcludedPeriod, "job.autoscaler.excluded.periods:[" + list + "]"};
}

std::string recommendation_key(const std::map<VertexId, ScalingSummary>& summaries) {
    std::string key;
    for (const auto& [vertex, s] : summaries)
        key += vertex + ":Parallelism " + std::to_string(s.current_parallelism) + " -> " +
               std::to_string(s.new_parallelism) + ";";
    return key;
}

void commit(const DecisionContext& ctx, const EvaluatedMetrics& evaluated,
            const std::map<VertexId, ScalingSummary>& summaries, JobState& state) {
    for (const auto& [vertex, summary] : summaries) state.scaling_history[vertex][ctx.now] = summary;
    trim_scaling_history(state.scaling_history, ctx.options, ctx.now);
    state.scaling_tracking.records[ctx.now] = std::nullopt;
    trim_scaling_tracking(state.scaling_tracking, ctx.options, ctx.now);
    state.parallelism_overrides.clear();
    for (const auto& [vertex, metrics] : evaluated.vertex_metrics) {
        auto it = summaries.find(vertex);
        state.parallelism_overrides[vertex] =
            it != summaries.end() ? it->second.new_parallelism : to_int(current_of(metrics, M::PARALLELISM));
    }
    state.delayed_scale_down.clear_all();
}

// Where the true processing rate lies relative to the vertex's rate thresholds (report text).
std::string band_position(const EvaluatedVertexMetrics& m) {
    const double tpr = average_of(m, M::TRUE_PROCESSING_RATE);
    if (tpr < current_of(m, M::SCALE_UP_RATE_THRESHOLD)) return "true rate below scale-up threshold";
    if (tpr > current_of(m, M::SCALE_DOWN_RATE_THRESHOLD)) return "true rate above scale-down threshold";
    return "within utilization band";
}

}  // namespace

std::optional<std::string> quota_exceeded(const JobTopology& topology,
                                          const std::map<VertexId, ScalingSummary>& summaries,
                                          const AutoscalerOptions& options, const ResourceContext& resources) {
    if (!options.quota_cpu && !options.quota_memory_bytes) return std::nullopt;
    const auto groups = topology.slot_sharing_groups();
    if (groups.empty()) return std::nullopt;
    long current_slots = 0, new_slots = 0;
    for (const auto& [group, members] : groups) {
        int current_max = 0, new_max = 0;
        for (const auto& vertex : members) {
            auto it = summaries.find(vertex);
            if (it == summaries.end()) continue;
            current_max = std::max(current_max, it->second.current_parallelism);
            new_max = std::max(new_max, it->second.new_parallelism);
        }
        current_slots += current_max;
        new_slots += new_max;
    }
    const long slots_per_tm = std::max(1, options.slots_per_task_manager);
    const long current_tms = current_slots / slots_per_tm;  // floor division, as the reference
    const long new_tms = new_slots / slots_per_tm;
    if (new_tms <= current_tms) return std::nullopt;
    if (options.quota_cpu && resources.task_manager_cpu * static_cast<double>(new_tms) > *options.quota_cpu)
        return "CPU quota " + java_double_to_string(*options.quota_cpu) + " exceeded: " + std::to_string(new_tms) +
               " TaskManagers x " + java_double_to_string(resources.task_manager_cpu) + " CPU needed";
    const auto memory = options.task_manager_memory_bytes ? options.task_manager_memory_bytes
                                                          : resources.task_manager_memory_bytes;
    if (options.quota_memory_bytes && memory && *memory * new_tms > *options.quota_memory_bytes)
        return "memory quota " + std::to_string(*options.quota_memory_bytes) + " bytes exceeded: " +
               std::to_string(new_tms) + " TaskManagers x " + std::to_string(*memory) + " bytes needed";
    return std::nullopt;
}

ScalingDecision decide(const DecisionContext& ctx, EvaluatedMetrics& evaluated, JobState& state) {
    ScalingDecision decision;
    const auto& options = ctx.options;

    if (auto pressure = memory_pressure(evaluated.global_metrics, options)) {
        decision.outcome = DecisionOutcome::Blocked;
        decision.blocked_by = BlockReason::MemoryPressure;
        decision.reason = "memory pressure: " + pressure->message;
        decision.events.push_back(std::move(*pressure));
        return decision;
    }

    bool any_outside = false;
    for (auto& [vertex, metrics] : evaluated.vertex_metrics) {
        VertexVerdict verdict;
        verdict.vertex = vertex;
        verdict.current_parallelism = to_int(current_of(metrics, M::PARALLELISM));
        verdict.new_parallelism = verdict.current_parallelism;
        if (options.is_excluded_vertex(vertex) || ctx.excluded_this_cycle.count(vertex)) {
            verdict.excluded = true;
            verdict.reason = options.is_excluded_vertex(vertex) ? "excluded by job.autoscaler.vertex.exclude.ids"
                             : ctx.topology.contains(vertex) && ctx.topology.get(vertex).finished
                                 ? "vertex finished"
                                 : "busy time unknown";
            decision.vertices.push_back(std::move(verdict));
            continue;
        }
        static const VertexScalingHistory kNoHistory;
        auto history_it = state.scaling_history.find(vertex);
        const auto& history = history_it == state.scaling_history.end() ? kNoHistory : history_it->second;
        const auto inputs = ctx.topology.contains(vertex) ? ctx.topology.input_ship_strategies(vertex)
                                                          : std::vector<ShipStrategy>{};
        const auto change = compute_scale_target_parallelism(options, vertex, inputs, metrics, history,
                                                             ctx.restart_time, state.delayed_scale_down, ctx.now,
                                                             decision.events);
        verdict.reason = change.reason.empty() ? band_position(metrics) : change.reason;
        if (change.changed) {
            verdict.new_parallelism = change.new_parallelism;
            verdict.outside_utilization_bound = change.outside_utilization_bound;
            any_outside = any_outside || change.outside_utilization_bound;
            decision.summaries[vertex] = {change.current_parallelism, change.new_parallelism, metrics};
        }
        decision.vertices.push_back(std::move(verdict));
    }

    if (!any_outside) {
        if (!decision.summaries.empty()) {
            for (auto& v : decision.vertices)
                if (v.new_parallelism != v.current_parallelism) {
                    v.reason = "computed " + std::to_string(v.new_parallelism) +
                               ", not applied: no vertex is outside its utilization band";
                    v.new_parallelism = v.current_parallelism;
                }
            decision.summaries.clear();
            decision.reason = "all vertices within their utilization band";
        } else {
            decision.reason = "all vertices run at their target parallelism";
        }
        decision.outcome = DecisionOutcome::NoChange;
        return decision;
    }

    // The reference shares one metrics map between the evaluation and the summary, so the stored
    // scaling history carries the recommendation too.
    for (auto& [vertex, summary] : decision.summaries) {
        const auto recommended = EvaluatedScalingMetric::of_current(summary.new_parallelism);
        evaluated.vertex_metrics[vertex][M::RECOMMENDED_PARALLELISM] = recommended;
        summary.metrics[M::RECOMMENDED_PARALLELISM] = recommended;
    }

    if (auto block = execution_blocked_by(ctx)) {
        const bool dry_run = block->reason == BlockReason::DryRun;
        decision.outcome = DecisionOutcome::Blocked;
        decision.blocked_by = block->reason;
        decision.reason = dry_run ? "dry run (--dry-run or service.dry-run): recommendation not applied"
                                  : "scaling execution disabled by " + block->key_value;
        const std::string header = dry_run ? std::string(kDryRunHeader) : scaling_disabled_header(block->key_value);
        decision.events.push_back(make_event(EventReason::ScalingReport,
                                             reference_report_message(header, decision.summaries),
                                             recommendation_key(decision.summaries), options.event_interval));
        return decision;
    }

    if (auto quota = quota_exceeded(ctx.topology, decision.summaries, options, ctx.resources)) {
        decision.outcome = DecisionOutcome::Blocked;
        decision.blocked_by = BlockReason::ResourceQuota;
        decision.reason = "resource quota reached: " + *quota;
        decision.events.push_back(make_event(EventReason::ResourceQuotaReached,
                                             "Resource quota reached, scaling is not possible: " + *quota, std::nullopt,
                                             options.event_interval));
        return decision;
    }

    decision.events.push_back(make_event(EventReason::ScalingReport,
                                         reference_report_message(kScalingEnabledHeader, decision.summaries)));
    commit(ctx, evaluated, decision.summaries, state);
    decision.outcome = DecisionOutcome::Scaled;
    decision.reason = "rescaling " + std::to_string(decision.summaries.size()) + " vertex(es)";
    return decision;
}

}  // namespace flinkscaler
