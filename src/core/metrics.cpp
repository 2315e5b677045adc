// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/metrics.hpp"

#include "flinkscaler/numeric.hpp"

#include "core/enum_names.hpp"

#include <array>
#include <algorithm>
#include <utility>

namespace flinkscaler {

namespace {

constexpr detail::EnumNames<ScalingMetric, 23> kMetricNames{{
    {ScalingMetric::LOAD, "LOAD"},
    {ScalingMetric::ACCUMULATED_BUSY_TIME, "ACCUMULATED_BUSY_TIME"},
    {ScalingMetric::NUM_RECORDS_IN, "NUM_RECORDS_IN"},
    {ScalingMetric::NUM_RECORDS_OUT, "NUM_RECORDS_OUT"},
    {ScalingMetric::NUM_RECORDS_IN_PER_SECOND, "NUM_RECORDS_IN_PER_SECOND"},
    {ScalingMetric::LAG, "LAG"},
    {ScalingMetric::OBSERVED_TPR, "OBSERVED_TPR"},
    {ScalingMetric::TARGET_DATA_RATE, "TARGET_DATA_RATE"},
    {ScalingMetric::CATCH_UP_DATA_RATE, "CATCH_UP_DATA_RATE"},
    {ScalingMetric::TRUE_PROCESSING_RATE, "TRUE_PROCESSING_RATE"},
    {ScalingMetric::PARALLELISM, "PARALLELISM"},
    {ScalingMetric::RECOMMENDED_PARALLELISM, "RECOMMENDED_PARALLELISM"},
    {ScalingMetric::MAX_PARALLELISM, "MAX_PARALLELISM"},
    {ScalingMetric::NUM_SOURCE_PARTITIONS, "NUM_SOURCE_PARTITIONS"},
    {ScalingMetric::SCALE_UP_RATE_THRESHOLD, "SCALE_UP_RATE_THRESHOLD"},
    {ScalingMetric::SCALE_DOWN_RATE_THRESHOLD, "SCALE_DOWN_RATE_THRESHOLD"},
    {ScalingMetric::EXPECTED_PROCESSING_RATE, "EXPECTED_PROCESSING_RATE"},
    {ScalingMetric::GC_PRESSURE, "GC_PRESSURE"},
    {ScalingMetric::HEAP_MAX_USAGE_RATIO, "HEAP_MAX_USAGE_RATIO"},
    {ScalingMetric::HEAP_MEMORY_USED, "HEAP_MEMORY_USED"},
    {ScalingMetric::MANAGED_MEMORY_USED, "MANAGED_MEMORY_USED"},
    {ScalingMetric::METASPACE_MEMORY_USED, "METASPACE_MEMORY_USED"},
    {ScalingMetric::NUM_TASK_SLOTS_USED, "NUM_TASK_SLOTS_USED"},
}};

const MetricValues* values_of(const CollectedSample& sample, MetricSource source) {
    if (source.vertex == nullptr) return &sample.global_metrics;
    auto it = sample.vertex_metrics.find(*source.vertex);
    return it == sample.vertex_metrics.end() ? nullptr : &it->second;
}

double value_in(const CollectedSample& sample, MetricSource source, ScalingMetric metric) {
    const MetricValues* values = values_of(sample, source);
    if (values == nullptr) return kNaN;
    auto it = values->find(metric);
    return it == values->end() ? kNaN : it->second;
}

}  // namespace

std::string_view to_string(ScalingMetric m) { return detail::name_of(kMetricNames, m); }

std::optional<ScalingMetric> scaling_metric_from_string(std::string_view name) {
    return detail::value_of(kMetricNames, name);
}

EvaluatedScalingMetric EvaluatedScalingMetric::make(double current, double average) {
    return {round_metric(current), round_metric(average)};
}
EvaluatedScalingMetric EvaluatedScalingMetric::of_current(double current) { return make(current, kNaN); }
EvaluatedScalingMetric EvaluatedScalingMetric::of_average(double average) { return make(kNaN, average); }

namespace {

bool same_value(double a, double b) { return (is_nan(a) && is_nan(b)) || a == b; }

bool same_values(const MetricValues& a, const MetricValues& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
               return x.first == y.first && same_value(x.second, y.second);
           });
}

}  // namespace

bool EvaluatedScalingMetric::operator==(const EvaluatedScalingMetric& o) const {
    return same_value(current, o.current) && same_value(average, o.average);
}

bool CollectedSample::operator==(const CollectedSample& o) const {
    return same_values(global_metrics, o.global_metrics) && vertex_metrics.size() == o.vertex_metrics.size() &&
           std::equal(vertex_metrics.begin(), vertex_metrics.end(), o.vertex_metrics.begin(),
                      [](const auto& x, const auto& y) { return x.first == y.first && same_values(x.second, y.second); });
}

double current_of(const EvaluatedVertexMetrics& m, ScalingMetric key) {
    auto it = m.find(key);
    return it == m.end() ? kNaN : it->second.current;
}

double average_of(const EvaluatedVertexMetrics& m, ScalingMetric key) {
    auto it = m.find(key);
    return it == m.end() ? kNaN : it->second.average;
}

double window_rate(const MetricHistory& h, MetricSource source, ScalingMetric metric) {
    const std::pair<const Instant, CollectedSample>* first = nullptr;
    const std::pair<const Instant, CollectedSample>* last = nullptr;
    double first_value = kNaN, last_value = kNaN;
    for (const auto& entry : h) {
        const double v = value_in(entry.second, source, metric);
        if (is_nan(v)) continue;
        if (first == nullptr) {
            first = &entry;
            first_value = v;
        } else {
            last = &entry;
            last_value = v;
        }
    }
    if (first == nullptr || last == nullptr) return kNaN;
    const auto dt_ms = std::max<std::int64_t>(1, (last->first - first->first).count());
    return (1000.0 * (last_value - first_value)) / static_cast<double>(dt_ms);
}

double window_average(const MetricHistory& h, MetricSource source, ScalingMetric metric,
                      int min_observations) {
    double sum = 0.0;
    int count = 0;
    bool infinite_seen = false;
    for (const auto& [ts, sample] : h) {
        const double v = value_in(sample, source, metric);
        if (is_nan(v)) continue;
        if (is_infinite(v)) {
            infinite_seen = true;
            continue;
        }
        sum += v;
        ++count;
    }
    if (count == 0) return infinite_seen ? kInf : kNaN;
    if (count < min_observations) return kNaN;
    return sum / count;
}

double window_average_or_rate(const MetricHistory& h, MetricSource source, ScalingMetric gauge,
                              ScalingMetric counter) {
    const double average = window_average(h, source, gauge, 1);
    if (!is_finite(average)) return window_rate(h, source, counter);
    return average;
}

double latest_value(const MetricHistory& h, MetricSource source, ScalingMetric metric) {
    if (h.empty()) return kNaN;
    return value_in(h.rbegin()->second, source, metric);
}

}  // namespace flinkscaler
