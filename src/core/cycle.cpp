// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/cycle.hpp"

#include "flinkscaler/numeric.hpp"

namespace flinkscaler {

using M = ScalingMetric;

std::string_view to_string(CycleStage s) {
    switch (s) {
        case CycleStage::CollectingSamples: return "collecting-samples";
        case CycleStage::WindowNotFull: return "window-not-full";
        case CycleStage::Decided: return "decided";
        case CycleStage::SampleGated: return "sample-gated";
    }
    return "?";
}

namespace {

// Scaling history of vertices that left the topology is dropped (§1.3 step 4).
void trim_history_to_topology(ScalingHistory& history, const JobTopology& topology) {
    std::erase_if(history, [&](const auto& entry) { return !topology.contains(entry.first); });
}

// §1.3 step 6: the window starts at the first sample taken after stabilization.
Instant window_full_time(const MetricHistory& history, Instant stable_time, Instant now, Millis window) {
    const auto first_stable = history.lower_bound(stable_time);
    return (first_stable == history.end() ? now : first_stable->first) + window;
}

// The first sample a full window keeps (§1.3 step 10; WindowTrim says why there are two rules).
MetricHistory::iterator window_start(MetricHistory& history, Instant boundary, WindowTrim trim) {
    auto first_kept = history.lower_bound(boundary);  // the reference: the first sample >= boundary
    if (trim == WindowTrim::KeepAnchor && first_kept != history.begin() &&
        (first_kept == history.end() || first_kept->first > boundary))
        --first_kept;  // the newest sample before the boundary anchors the window
    return first_kept;
}

}  // namespace

bool record_restart_duration(ScalingTracking& tracking, const ScalingHistory& history, const JobTopology& topology,
                             Instant job_running_since) {
    if (tracking.records.empty()) return false;
    auto& [scaling_start, duration] = *tracking.records.rbegin();
    if (duration) return false;
    for (const auto& [vertex, entries] : history) {
        auto it = entries.find(scaling_start);
        if (it == entries.end()) continue;
        const VertexInfo* info = topology.find(vertex);
        if (info == nullptr || info->parallelism != it->second.new_parallelism) return false;
    }
    duration = job_running_since - scaling_start;
    return true;
}

CycleResult run_cycle(const AutoscalerOptions& options, JobState& state, const CycleInput& input) {
    CycleResult result;
    MetricHistory& history = state.metric_history;
    const Instant now = input.now;

    if (!history.empty() && input.job_running_since > history.begin()->first) {
        history.clear();
        result.restart_detected = true;
    }
    trim_history_to_topology(state.scaling_history, input.topology);
    result.excluded_this_cycle = input.topology.finished_vertices();

    const Instant stable_time = input.job_running_since + options.stabilization_interval;
    result.stabilizing = now < stable_time;
    result.window_full_at = window_full_time(history, stable_time, now, options.metrics_window);

    CollectedSample sample = compute_sample(input.topology, input.metrics, history, options, &result.excluded_this_cycle);
    result.gated = check_sample(input.topology, input.metrics, sample, history, options);
    if (result.gated) {
        // Like a restart (§1.3 step 3): nothing of the history is trusted against this sample, and
        // the next good sample starts the window.
        history.clear();
        result.window_full_at = window_full_time(history, stable_time, now, options.metrics_window);
    } else {
        history[now] = std::move(sample);
    }
    const bool window_full = !result.gated && now >= result.window_full_at;
    if (window_full) history.erase(history.begin(), window_start(history, now - options.metrics_window, input.window_trim));

    trim_scaling_tracking(state.scaling_tracking, options, now);
    trim_scaling_history(state.scaling_history, options, now);
    record_restart_duration(state.scaling_tracking, state.scaling_history, input.topology, input.job_running_since);

    if (result.gated) {
        result.stage = CycleStage::SampleGated;
        result.summary = "sample gated: " + result.gated->reason + "; metric window restarts with the next good sample";
        return result;
    }

    const std::string phase = result.stabilizing ? "stabilizing" : "window not full";
    if (history.size() < 2) {
        result.stage = CycleStage::CollectingSamples;
        result.summary = phase + ": " + std::to_string(history.size()) + " sample(s) collected, window full at " +
                         format_instant(result.window_full_at);
        return result;
    }

    result.restart_time = effective_restart_time(state.scaling_tracking, options);
    EvaluatedMetrics evaluated = evaluate(input.topology, history, options, result.restart_time);
    for (auto& [vertex, metrics] : evaluated.vertex_metrics)
        metrics[M::RECOMMENDED_PARALLELISM] = EvaluatedScalingMetric::of_current(current_of(metrics, M::PARALLELISM));

    if (!window_full) {
        for (auto& [vertex, metrics] : evaluated.vertex_metrics)
            metrics[M::RECOMMENDED_PARALLELISM] = EvaluatedScalingMetric::of_current(kNaN);
        result.stage = CycleStage::WindowNotFull;
        result.summary = phase + ": " + std::to_string(history.size()) + " samples, window full at " +
                         format_instant(result.window_full_at);
        result.evaluated = std::move(evaluated);
        return result;
    }

    DecisionContext context{input.topology, options, now, input.local_now, result.restart_time,
                            result.excluded_this_cycle, input.resources, input.dry_run};
    ScalingDecision decision = decide(context, evaluated, state);
    result.stage = CycleStage::Decided;
    result.summary = std::string(to_string(decision.outcome)) + ": " + decision.reason;
    result.evaluated = std::move(evaluated);
    result.decision = std::move(decision);
    return result;
}

}  // namespace flinkscaler
