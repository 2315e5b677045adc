// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/sample.hpp"

#include "flinkscaler/numeric.hpp"

#include "core/enum_names.hpp"

#include <array>
#include <utility>

namespace flinkscaler {

namespace {

constexpr detail::EnumNames<FlinkMetric, 7> kFlinkMetricNames{{
    {FlinkMetric::BUSY_TIME_PER_SEC, "BUSY_TIME_PER_SEC"},
    {FlinkMetric::BACKPRESSURE_TIME_PER_SEC, "BACKPRESSURE_TIME_PER_SEC"},
    {FlinkMetric::NUM_RECORDS_IN_PER_SEC, "NUM_RECORDS_IN_PER_SEC"},
    {FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC, "SOURCE_TASK_NUM_RECORDS_IN_PER_SEC"},
    {FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN, "SOURCE_TASK_NUM_RECORDS_IN"},
    {FlinkMetric::SOURCE_TASK_NUM_RECORDS_OUT, "SOURCE_TASK_NUM_RECORDS_OUT"},
    {FlinkMetric::PENDING_RECORDS, "PENDING_RECORDS"},
}};

const AggregatedMetric* find_metric(const RawVertexMetrics& raw, FlinkMetric m) {
    auto it = raw.metrics.find(m);
    return it == raw.metrics.end() ? nullptr : &it->second;
}

// §2.7: what a FINISHED vertex reports instead of queried values.
RawVertexMetrics finished_vertex_metrics() {
    const AggregatedMetric zero{0.0, 0.0, 0.0, 0.0};
    RawVertexMetrics raw;
    for (auto m : {FlinkMetric::BUSY_TIME_PER_SEC, FlinkMetric::PENDING_RECORDS,
                   FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC, FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN,
                   FlinkMetric::SOURCE_TASK_NUM_RECORDS_OUT})
        raw.metrics[m] = zero;
    raw.io = IoCounters{0.0, 0.0, 0.0};
    return raw;
}

double busy_time(const AggregatedMetric* busy, BusyTimeAggregator aggregator) {
    if (busy == nullptr) return kNaN;
    switch (aggregator) {
        case BusyTimeAggregator::AVG: return busy->avg;
        case BusyTimeAggregator::MAX: return busy->max;
        case BusyTimeAggregator::MIN: return busy->min;
    }
    return kNaN;
}

// §3.1.6: the rate a source achieves while it is catching up on a backlog, carried forward
// as a running average while it cannot be measured.
std::optional<double> observed_tpr(const VertexId& vertex, const RawVertexMetrics& raw, double lag,
                                   const MetricHistory& previous, const AutoscalerOptions& options) {
    const auto* in_per_sec = find_metric(raw, FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC);
    if (in_per_sec == nullptr || is_nan(in_per_sec->sum)) return std::nullopt;
    const double in_rate = in_per_sec->sum;
    if (in_rate == 0.0) return kInf;
    const auto* backpressure = find_metric(raw, FlinkMetric::BACKPRESSURE_TIME_PER_SEC);
    const double bp = backpressure ? backpressure->avg : kNaN;
    const double lag_threshold_s = static_cast<double>(whole_seconds(options.observed_tpr_lag_threshold).count());
    if (lag >= lag_threshold_s * in_rate && bp < 1000.0) return in_rate / (1.0 - bp / 1000.0);
    return window_average(previous, MetricSource::of(vertex), ScalingMetric::OBSERVED_TPR,
                          options.observed_tpr_min_observations);
}

MetricValues vertex_sample(const JobTopology& topology, const VertexInfo& vertex, const RawVertexMetrics& raw,
                           const MetricHistory& previous, const AutoscalerOptions& options, bool& busy_time_unknown) {
    const bool is_source = topology.is_source(vertex.id);
    MetricValues values;
    double lag = 0.0;
    if (is_source) {
        if (const auto* pending = find_metric(raw, FlinkMetric::PENDING_RECORDS)) lag = pending->sum;
        values[ScalingMetric::LAG] = lag;
    }
    const double busy = busy_time(find_metric(raw, FlinkMetric::BUSY_TIME_PER_SEC), options.busy_time_aggregator);
    busy_time_unknown = !is_finite(busy);
    values[ScalingMetric::LOAD] = busy_time_unknown ? kNaN : java_max(0.0, busy) / 1000.0;
    values[ScalingMetric::ACCUMULATED_BUSY_TIME] = raw.io.accumulated_busy_time;
    values[ScalingMetric::NUM_RECORDS_IN] = java_max(0.0, records_in(is_source, raw).value);
    values[ScalingMetric::NUM_RECORDS_OUT] = raw.io.num_records_out;
    if (is_source) {
        if (auto tpr = observed_tpr(vertex.id, raw, lag, previous, options))
            values[ScalingMetric::OBSERVED_TPR] = *tpr;
    } else if (const auto* in_per_sec = find_metric(raw, FlinkMetric::NUM_RECORDS_IN_PER_SEC)) {
        values[ScalingMetric::NUM_RECORDS_IN_PER_SECOND] = in_per_sec->sum;
    }
    for (auto& [metric, value] : values) value = round_metric(value);
    return values;
}

MetricValues global_sample(const RawGlobalMetrics& g) {
    MetricValues values;
    if (g.task_slots_total && g.task_slots_available)
        values[ScalingMetric::NUM_TASK_SLOTS_USED] = *g.task_slots_total - *g.task_slots_available;
    if (g.gc_time_ms_per_second) values[ScalingMetric::GC_PRESSURE] = g.gc_time_ms_per_second->max / 1000.0;
    if (g.heap_max && g.heap_used) {
        values[ScalingMetric::HEAP_MEMORY_USED] = g.heap_used->max;
        values[ScalingMetric::HEAP_MAX_USAGE_RATIO] = g.heap_used->max / g.heap_max->max;
    }
    if (g.managed_used) values[ScalingMetric::MANAGED_MEMORY_USED] = g.managed_used->max;
    if (g.metaspace_used) values[ScalingMetric::METASPACE_MEMORY_USED] = g.metaspace_used->max;
    return values;
}

}  // namespace

std::string_view to_string(FlinkMetric m) { return detail::name_of(kFlinkMetricNames, m); }

std::optional<FlinkMetric> flink_metric_from_string(std::string_view name) {
    return detail::value_of(kFlinkMetricNames, name);
}

RecordsIn records_in(bool is_source, const RawVertexMetrics& raw) {
    RecordsIn in{raw.io.num_records_in, RecordsInOrigin::ReadRecords};
    if (is_source && in.value == 0.0) {
        if (const auto* m = find_metric(raw, FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN))
            in = {m->sum, RecordsInOrigin::SourceTaskRecordsIn};
    }
    if (is_source && in.value == 0.0) {
        if (const auto* m = find_metric(raw, FlinkMetric::SOURCE_TASK_NUM_RECORDS_OUT))
            in = {m->sum, RecordsInOrigin::SourceTaskRecordsOut};
    }
    return in;
}

AggregatedMetric AggregatedMetric::merge(const AggregatedMetric& a, const AggregatedMetric& b) {
    return {java_min(a.min, b.min), java_max(a.max, b.max), kNaN, a.sum + b.sum};
}

CollectedSample compute_sample(const JobTopology& topology, const RawJobMetrics& raw, const MetricHistory& previous,
                               const AutoscalerOptions& options, std::set<VertexId>* excluded_this_cycle) {
    CollectedSample sample;
    static const RawVertexMetrics kNothing{};
    const RawVertexMetrics finished = finished_vertex_metrics();
    for (const auto& id : topology.topological_order()) {
        const VertexInfo& vertex = topology.get(id);
        const RawVertexMetrics* vertex_raw = &kNothing;
        if (vertex.finished) {
            vertex_raw = &finished;
        } else if (auto it = raw.vertices.find(id); it != raw.vertices.end()) {
            vertex_raw = &it->second;
        }
        bool busy_time_unknown = false;
        sample.vertex_metrics[id] = vertex_sample(topology, vertex, *vertex_raw, previous, options, busy_time_unknown);
        if (busy_time_unknown && excluded_this_cycle != nullptr) excluded_this_cycle->insert(id);
    }
    sample.global_metrics = global_sample(raw.global);
    return sample;
}

}  // namespace flinkscaler
