// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/vertex_scaler.hpp"

#include "flinkscaler/evaluator.hpp"
#include "flinkscaler/event_reasons.hpp"
#include "flinkscaler/numeric.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

namespace flinkscaler {

using M = ScalingMetric;

std::string_view to_string(EventType t) { return t == EventType::Normal ? "Normal" : "Warning"; }

ParallelismChange ParallelismChange::none(int current, std::string reason) {
    return {false, current, current, false, std::move(reason)};
}

ParallelismChange ParallelismChange::to(int new_parallelism, int current, bool outside, std::string reason) {
    if (new_parallelism == current) return none(current, reason.empty() ? "computed parallelism equals current" : reason);
    return {true, new_parallelism, current, outside, std::move(reason)};
}

namespace {

bool alignment_applies(const ScaleRequest& r) {
    return r.num_source_partitions > 0 ||
           std::find(r.input_ship_strategies.begin(), r.input_ship_strategies.end(), ShipStrategy::HASH) !=
               r.input_ship_strategies.end();
}

// The first q in [n, region_end] that divides N or, when load-reducing, that lowers the per-subtask
// share floor(N/q) below floor(N/n); 0 when none.
int first_aligned(int n, int region_end, int N, bool load_reducing) {
    for (int q = n; q <= region_end; ++q) {
        if (N % q == 0) return q;
        if (load_reducing && N / q < N / n) return q;
    }
    return 0;
}

Event scaling_limited_event(const ScaleRequest& r, int n, int result, int N, const AutoscalerOptions& options) {
    const int cap = std::min(r.max_parallelism, r.upper);
    return make_event(EventReason::ScalingLimited,
                      "Scaling limited for vertex " + r.vertex + ": computed parallelism " + std::to_string(n) +
                          " adjusted to " + std::to_string(result) + " to spread " + std::to_string(N) +
                          " key groups or partitions evenly (upper bound " + std::to_string(cap) + ", lower bound " +
                          std::to_string(r.lower) + ")",
                      std::string(name_of(EventReason::ScalingLimited)) + r.vertex, options.event_interval);
}

// The deprecated key-group adjust modes: search upward, else relax downward, and refuse a change
// that would turn a scale-up into no scale-up (or a scale-down into none).
int legacy_align(const ScaleRequest& r, int n, int N, int region_end, bool load_reducing,
                 const AutoscalerOptions& options, Events& events) {
    const int p = r.current_parallelism;
    if (const int q = first_aligned(n, region_end, N, load_reducing)) return q;
    int c = n;
    while (c > 0) {
        if (N / c > N / n) {
            if (N % c != 0) c = c + 1;
            break;
        }
        --c;
    }
    c = std::max(c, r.lower);
    const bool scale_up = n > p;
    if ((scale_up && c <= p) || (!scale_up && c >= p)) {
        events.push_back(scaling_limited_event(r, n, p, N, options));
        return p;
    }
    if (c != n) events.push_back(scaling_limited_event(r, n, c, N, options));
    return c;
}

double ratio_of(double increase, double expected) { return increase / expected; }

// §4.7: was the last scale-up of this vertex worth it? Emits the event either way it is judged
// ineffective; blocks only when detection is enabled.
bool blocked_as_ineffective(const AutoscalerOptions& options, const VertexId& vertex, double tpr,
                            const ScalingSummary& last, Events& events) {
    const double last_tpr = average_of(last.metrics, M::TRUE_PROCESSING_RATE);
    const double last_expected = current_of(last.metrics, M::EXPECTED_PROCESSING_RATE);
    const double expected_increase = last_expected - last_tpr;
    const double actual_increase = tpr - last_tpr;
    if (ratio_of(actual_increase, expected_increase) >= options.effectiveness_threshold) return false;
    const bool blocking = options.effectiveness_detection_enabled;
    events.push_back(make_event(EventReason::IneffectiveScaling,
                                "Ineffective scaling detected for " + vertex + " (expected increase: " +
                                    java_double_to_string(expected_increase) + ", actual increase " +
                                    java_double_to_string(actual_increase) +
                                    "). Blocking of ineffective scaling decisions is " + (blocking ? "enabled" : "disabled"),
                                "ineffective" + vertex + java_double_to_string(expected_increase),
                                options.event_interval));
    return blocking;
}

ParallelismChange scale_up(const AutoscalerOptions& options, const VertexId& vertex, int p, int n, double tpr,
                           bool outside, const VertexScalingHistory& history, DelayedScaleDown& delayed,
                           Events& events) {
    delayed.clear_vertex(vertex);
    if (!history.empty()) {
        const ScalingSummary& last = history.rbegin()->second;
        if (p == last.new_parallelism && last.new_parallelism > last.current_parallelism &&
            blocked_as_ineffective(options, vertex, tpr, last, events))
            return ParallelismChange::none(p, "scale-up to " + std::to_string(n) +
                                                  " blocked: the previous scale-up was ineffective");
    }
    return ParallelismChange::to(n, p, outside);
}

ParallelismChange scale_down(const AutoscalerOptions& options, const VertexId& vertex, int p, int n, bool outside,
                             DelayedScaleDown& delayed, Instant now) {
    if (options.scale_down_interval <= Millis::zero()) return ParallelismChange::to(n, p, outside);
    const Instant window_start = now - options.scale_down_interval;
    const auto& entry = delayed.trigger(vertex, now, n, outside);
    if (window_start < entry.first_trigger_time) {
        const auto due = entry.first_trigger_time + options.scale_down_interval;
        return ParallelismChange::none(p, "scale-down to " + std::to_string(n) + " delayed until " +
                                              format_instant(due) + " (scale-down.interval)");
    }
    const auto best = delayed.max_recommended(vertex, window_start);
    return ParallelismChange::to(best.parallelism, p, best.outside_utilization_bound,
                                 "largest scale-down recommendation of the last scale-down.interval");
}

}  // namespace

int align_parallelism(const ScaleRequest& r, int n, AlignmentMode mode, const AutoscalerOptions& options,
                      Events& events) {
    if (mode == AlignmentMode::OFF || !alignment_applies(r)) return n;
    const int p = r.current_parallelism;
    const int N = r.num_source_partitions > 0 ? r.num_source_partitions : r.max_parallelism;
    const int cap = std::min(N, std::min(r.max_parallelism, r.upper));
    const bool scaling_up = n > p;
    const int region_end = scaling_up ? cap : std::min(p, cap);
    switch (mode) {
        case AlignmentMode::BALANCED:
            if (const int q = first_aligned(n, region_end, N, true)) return q;
            return n;
        case AlignmentMode::EVENLY_SPREAD:
            if (const int q = first_aligned(n, region_end, N, false)) return q;
            return n;
        case AlignmentMode::LEGACY_EVENLY_SPREAD:
            return legacy_align(r, n, N, region_end, false, options, events);
        case AlignmentMode::LEGACY_MAXIMIZE_UTILISATION:
            return legacy_align(r, n, N, region_end, true, options, events);
        case AlignmentMode::OFF:
            break;
    }
    return n;
}

int scale(const ScaleRequest& r, const AutoscalerOptions& options, Events& events) {
    const int p = r.current_parallelism;
    const int raw = to_int(java_min(std::ceil(r.scale_factor * p), static_cast<double>(INT_MAX)));
    const int upper_bound = std::min(r.max_parallelism, r.upper);
    const int n = std::min(std::max(r.lower, raw), upper_bound);
    if (n == p) return p;
    return align_parallelism(r, n, options.alignment_mode, options, events);
}

double observed_scalability_coefficient(const VertexScalingHistory& history, const AutoscalerOptions& options) {
    if (history.empty() || static_cast<long>(history.size()) < options.observed_scalability_min_observations)
        return 1.0;
    double baseline = kNaN;
    const ScalingSummary* smallest = nullptr;
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
        const ScalingSummary& s = it->second;
        if (s.current_parallelism == 1) {
            baseline = average_of(s.metrics, M::TRUE_PROCESSING_RATE);
            smallest = nullptr;
            break;
        }
        if (smallest == nullptr || s.current_parallelism < smallest->current_parallelism) smallest = &s;
    }
    if (smallest != nullptr)
        baseline = average_of(smallest->metrics, M::TRUE_PROCESSING_RATE) / smallest->current_parallelism;
    if (is_nan(baseline)) return 1.0;

    double sum_pr = 0.0;
    double sum_pp = 0.0;
    for (const auto& [ts, s] : history) {
        const double rate = average_of(s.metrics, M::TRUE_PROCESSING_RATE);
        if (is_nan(rate)) return 1.0;
        const double p = s.current_parallelism;
        sum_pr += p * rate;
        sum_pp += p * p;
    }
    if (sum_pp == 0.0) return 1.0;
    double alpha = sum_pr / (sum_pp * baseline);
    alpha = java_max(options.observed_scalability_coefficient_min, java_min(1.0, alpha));
    return ceil_2_decimals(alpha);
}

ParallelismChange compute_scale_target_parallelism(const AutoscalerOptions& options, const VertexId& vertex,
                                                   const std::vector<ShipStrategy>& input_ship_strategies,
                                                   EvaluatedVertexMetrics& metrics,
                                                   const VertexScalingHistory& history, Seconds restart_time,
                                                   DelayedScaleDown& delayed, Instant now, Events& events) {
    const int p = to_int(current_of(metrics, M::PARALLELISM));
    const double tpr = average_of(metrics, M::TRUE_PROCESSING_RATE);
    if (is_nan(tpr)) return ParallelismChange::none(p, "true processing rate unknown");
    const double target =
        target_processing_capacity(metrics, options, options.utilization_target, true, restart_time);
    if (is_nan(target)) return ParallelismChange::none(p, "target data rate unknown");

    double factor = target / tpr;
    if (options.observed_scalability_enabled) factor = factor / observed_scalability_coefficient(history, options);
    const double min_factor = 1.0 - options.scale_down_max_factor;
    const double max_factor = 1.0 + options.scale_up_max_factor;
    if (factor < min_factor) factor = min_factor;
    else if (factor > max_factor) factor = max_factor;

    ScaleRequest request;
    request.vertex = vertex;
    request.current_parallelism = p;
    request.scale_factor = factor;
    request.lower = std::min(p, options.vertex_min_parallelism);
    request.upper = std::max(p, options.vertex_max_parallelism);
    request.max_parallelism = to_int(current_of(metrics, M::MAX_PARALLELISM));
    request.num_source_partitions = to_int(current_of(metrics, M::NUM_SOURCE_PARTITIONS));
    request.input_ship_strategies = input_ship_strategies;
    const int n = scale(request, options, events);
    if (n == p) {
        delayed.clear_vertex(vertex);
        return ParallelismChange::none(p, "computed parallelism equals current");
    }

    metrics[M::EXPECTED_PROCESSING_RATE] = EvaluatedScalingMetric::of_current((tpr / p) * n);
    const bool outside = tpr < current_of(metrics, M::SCALE_UP_RATE_THRESHOLD) ||
                         tpr > current_of(metrics, M::SCALE_DOWN_RATE_THRESHOLD);
    if (n > p) return scale_up(options, vertex, p, n, tpr, outside, history, delayed, events);
    return scale_down(options, vertex, p, n, outside, delayed, now);
}

}  // namespace flinkscaler
