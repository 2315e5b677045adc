// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/evaluator.hpp"

#include "flinkscaler/numeric.hpp"

namespace flinkscaler {

namespace {

using M = ScalingMetric;

double seconds_of(Millis d) { return static_cast<double>(whole_seconds(d).count()); }

double latest_lag(const MetricHistory& history, const VertexId& v) {
    const double lag = latest_value(history, MetricSource::of(v), M::LAG);
    return is_nan(lag) ? 0.0 : lag;
}

// §3.6 edge data rate: Flink has no per-edge metric, so it is derived from vertex counters.
double edge_rate(const JobTopology& topology, const MetricHistory& history, const VertexId& from,
                 const VertexId& to) {
    const auto& inputs = topology.get(to).inputs;
    const double to_in = window_rate(history, MetricSource::of(to), M::NUM_RECORDS_IN);
    if (inputs.size() == 1) return to_in;
    bool others_feed_only_to = true;
    for (const auto& [other, strategy] : inputs)
        if (other != from && topology.outputs(other).size() != 1) others_feed_only_to = false;
    if (others_feed_only_to) {
        double rate = to_in;
        for (const auto& [other, strategy] : inputs)
            if (other != from) rate -= window_rate(history, MetricSource::of(other), M::NUM_RECORDS_OUT);
        return rate;
    }
    return window_rate(history, MetricSource::of(from), M::NUM_RECORDS_OUT);
}

void evaluate_source_rates(const VertexId& v, const MetricHistory& history, const AutoscalerOptions& options,
                           EvaluatedVertexMetrics& out) {
    const double input_rate = window_rate(history, MetricSource::of(v), M::NUM_RECORDS_IN);
    const double lag_rate = window_rate(history, MetricSource::of(v), M::LAG);
    const double ingestion = java_max(0.0, input_rate + lag_rate);
    if (is_nan(ingestion))
        throw EvaluationError("vertex " + v + ": the source ingestion rate is unknown (records-in rate " +
                              std::to_string(input_rate) + ", backlog growth " + std::to_string(lag_rate) +
                              "); at least two samples with a records-in count are needed");
    out[M::TARGET_DATA_RATE] = EvaluatedScalingMetric::of_average(ingestion);
    const double catch_up_s = seconds_of(options.catch_up_duration);
    const double lag = latest_lag(history, v);
    out[M::CATCH_UP_DATA_RATE] = EvaluatedScalingMetric::of_current(catch_up_s == 0.0 ? 0.0 : lag / catch_up_s);
}

void evaluate_propagated_rates(const JobTopology& topology, const VertexId& v, const MetricHistory& history,
                               const EvaluatedMetrics& evaluated, EvaluatedVertexMetrics& out) {
    double target = 0.0;
    double catch_up = 0.0;
    for (const auto& [input, strategy] : topology.get(v).inputs) {
        const auto& upstream = evaluated.vertex_metrics.at(input);
        const double ratio = output_ratio(topology, history, input, v);
        target += average_of(upstream, M::TARGET_DATA_RATE) * ratio;
        catch_up += current_of(upstream, M::CATCH_UP_DATA_RATE) * ratio;
    }
    out[M::TARGET_DATA_RATE] = EvaluatedScalingMetric::of_average(target);
    out[M::CATCH_UP_DATA_RATE] = EvaluatedScalingMetric::of_current(catch_up);
}

// §3.7: the rate the vertex could sustain at 100 % busy time.
void evaluate_processing_rate(const VertexInfo& vertex, const MetricHistory& history,
                              const AutoscalerOptions& options, EvaluatedVertexMetrics& out) {
    const auto source = MetricSource::of(vertex.id);
    double busy_time_avg;
    double tpr_input;
    if (options.busy_time_aggregator == BusyTimeAggregator::AVG) {
        busy_time_avg = window_rate(history, source, M::ACCUMULATED_BUSY_TIME) / vertex.parallelism;
        tpr_input = window_rate(history, source, M::NUM_RECORDS_IN);
    } else {
        busy_time_avg = window_average(history, source, M::LOAD, 1) * 1000.0;
        tpr_input = window_average_or_rate(history, source, M::NUM_RECORDS_IN_PER_SECOND, M::NUM_RECORDS_IN);
    }
    const double busy_tpr = tpr_input == 0.0 ? kInf : tpr_input / (busy_time_avg / 1000.0);
    const double observed = window_average(history, source, M::OBSERVED_TPR, options.observed_tpr_min_observations);

    double tpr;
    if (is_nan(observed)) tpr = busy_tpr;
    else if (!is_finite(busy_tpr)) tpr = observed;
    else if (busy_tpr > observed * (1.0 + options.observed_tpr_switch_threshold)) tpr = observed;
    else tpr = busy_tpr;

    out[M::TRUE_PROCESSING_RATE] = EvaluatedScalingMetric::of_average(tpr);
    out[M::LOAD] = EvaluatedScalingMetric::of_average(busy_time_avg / 1000.0);
}

void evaluate_thresholds(EvaluatedVertexMetrics& out, const AutoscalerOptions& options, bool backlog,
                         Seconds restart_time) {
    const double upper = backlog ? 1.0 : options.utilization_upper();
    const double lower = backlog ? 0.0 : options.utilization_lower();
    out[M::SCALE_UP_RATE_THRESHOLD] =
        EvaluatedScalingMetric::of_current(target_processing_capacity(out, options, upper, false, restart_time));
    out[M::SCALE_DOWN_RATE_THRESHOLD] =
        EvaluatedScalingMetric::of_current(target_processing_capacity(out, options, lower, true, restart_time));
}

EvaluatedVertexMetrics evaluate_global(const MetricHistory& history) {
    const auto global = MetricSource::global();
    EvaluatedVertexMetrics out;
    out[M::GC_PRESSURE] = EvaluatedScalingMetric::of_current(latest_value(history, global, M::GC_PRESSURE));
    for (auto m : {M::HEAP_MAX_USAGE_RATIO, M::HEAP_MEMORY_USED, M::MANAGED_MEMORY_USED, M::METASPACE_MEMORY_USED})
        out[m] = EvaluatedScalingMetric::make(latest_value(history, global, m), window_average(history, global, m, 1));
    out[M::NUM_TASK_SLOTS_USED] =
        EvaluatedScalingMetric::of_current(latest_value(history, global, M::NUM_TASK_SLOTS_USED));
    return out;
}

}  // namespace

double output_ratio(const JobTopology& topology, const MetricHistory& history, const VertexId& from,
                    const VertexId& to) {
    const double in_from = window_rate(history, MetricSource::of(from), M::NUM_RECORDS_IN);
    if (!(in_from > 0.0)) return 0.0;  // no input at `from`: no contribution (avoids huge ratios)
    const double e = edge_rate(topology, history, from, to);
    return e > 0.0 ? e / in_from : 0.0;
}

bool is_processing_backlog(const JobTopology& topology, const MetricHistory& history,
                           const AutoscalerOptions& options) {
    const double threshold_s = seconds_of(options.backlog_lag_threshold);
    for (const auto& id : topology.topological_order()) {
        if (!topology.is_source(id)) continue;
        const double in_rate = window_rate(history, MetricSource::of(id), M::NUM_RECORDS_IN);
        if (is_nan(in_rate)) continue;
        if (latest_lag(history, id) / in_rate > threshold_s) return true;
    }
    return false;
}

double target_processing_capacity(const EvaluatedVertexMetrics& metrics, const AutoscalerOptions& options,
                                  double utilization, bool with_restart, Seconds restart_time) {
    const double lag_rate = current_of(metrics, M::CATCH_UP_DATA_RATE);
    if (is_nan(lag_rate)) return kNaN;
    const double target = average_of(metrics, M::TARGET_DATA_RATE);
    if (is_nan(target)) return kNaN;
    const double catch_up_s = seconds_of(options.catch_up_duration);
    const double u = java_min(1.0, java_max(0.0, utilization));
    if (u == 0.0) return kInf;
    const double restart_catch_up =
        (!with_restart || catch_up_s == 0.0) ? 0.0 : (target * static_cast<double>(restart_time.count())) / catch_up_s;
    return java_round(lag_rate + restart_catch_up + target / u);
}

EvaluatedMetrics evaluate(const JobTopology& topology, const MetricHistory& history, const AutoscalerOptions& options,
                          Seconds restart_time) {
    EvaluatedMetrics evaluated;
    evaluated.processing_backlog = is_processing_backlog(topology, history, options);
    for (const auto& id : topology.topological_order()) {
        const VertexInfo& vertex = topology.get(id);
        EvaluatedVertexMetrics out;
        out[M::PARALLELISM] = EvaluatedScalingMetric::of_current(vertex.parallelism);
        out[M::MAX_PARALLELISM] = EvaluatedScalingMetric::of_current(vertex.max_parallelism);
        out[M::NUM_SOURCE_PARTITIONS] = EvaluatedScalingMetric::of_current(vertex.num_source_partitions);
        evaluate_processing_rate(vertex, history, options, out);
        if (topology.is_source(id)) {
            evaluate_source_rates(id, history, options, out);
            out[M::LAG] = EvaluatedScalingMetric::of_current(latest_lag(history, id));
        } else {
            evaluate_propagated_rates(topology, id, history, evaluated, out);
        }
        evaluate_thresholds(out, options, evaluated.processing_backlog, restart_time);
        evaluated.vertex_metrics[id] = std::move(out);
    }
    evaluated.global_metrics = evaluate_global(history);
    return evaluated;
}

}  // namespace flinkscaler
