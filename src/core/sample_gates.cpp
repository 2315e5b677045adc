// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/sample_gates.hpp"

#include "flinkscaler/numeric.hpp"

#include "core/enum_names.hpp"

#include <array>
#include <charconv>
#include <functional>

namespace flinkscaler {

namespace {

constexpr detail::EnumNames<SampleGate, 4> kGateNames{{
    {SampleGate::CounterWentBackwards, "counter-went-backwards"},
    {SampleGate::CounterIncomplete, "counter-incomplete"},
    {SampleGate::BusyTimeOutOfRange, "busy-time-out-of-range"},
    {SampleGate::RateOutOfRange, "rate-out-of-range"},
}};
static_assert(detail::lists_every_value_in_order(kGateNames, static_cast<std::size_t>(SampleGate::RateOutOfRange) + 1));

constexpr detail::EnumNames<IoCounter, 3> kIoCounterNames{{
    {IoCounter::ReadRecords, "read-records"},
    {IoCounter::WriteRecords, "write-records"},
    {IoCounter::AccumulatedBusyTime, "accumulated-busy-time"},
}};

constexpr detail::EnumNames<Aggregate, 4> kAggregateNames{{
    {Aggregate::Min, "min"},
    {Aggregate::Max, "max"},
    {Aggregate::Avg, "avg"},
    {Aggregate::Sum, "sum"},
}};

/// A counter or rate for a message: shortest round-trip form ("12345", "0.5", "1e+20").
std::string number_text(double x) {
    if (is_nan(x)) return "NaN";
    if (is_infinite(x)) return x > 0 ? "Infinity" : "-Infinity";
    std::array<char, 64> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), x);
    return ec == std::errc{} ? std::string(buffer.data(), end) : java_double_to_string(x);
}

double value_of(const AggregatedMetric& m, Aggregate aggregate) {
    switch (aggregate) {
        case Aggregate::Min: return m.min;
        case Aggregate::Max: return m.max;
        case Aggregate::Avg: return m.avg;
        case Aggregate::Sum: return m.sum;
    }
    return kNaN;
}

Aggregate aggregate_of(BusyTimeAggregator aggregator) {
    switch (aggregator) {
        case BusyTimeAggregator::AVG: return Aggregate::Avg;
        case BusyTimeAggregator::MAX: return Aggregate::Max;
        case BusyTimeAggregator::MIN: return Aggregate::Min;
    }
    return Aggregate::Max;
}

double metric_in(const MetricValues& values, ScalingMetric metric) {
    auto it = values.find(metric);
    return it == values.end() ? kNaN : it->second;
}

/// The raw value NUM_RECORDS_IN was read from (algorithm.md §3.1.4).
RawValueRef records_in_ref(RecordsInOrigin origin) {
    switch (origin) {
        case RecordsInOrigin::ReadRecords: return {IoCounter::ReadRecords};
        case RecordsInOrigin::SourceTaskRecordsIn:
            return {RawValueRef::Metric{FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN, Aggregate::Sum}};
        case RecordsInOrigin::SourceTaskRecordsOut:
            return {RawValueRef::Metric{FlinkMetric::SOURCE_TASK_NUM_RECORDS_OUT, Aggregate::Sum}};
    }
    return {IoCounter::ReadRecords};
}

/// What a check sees of one vertex that Flink reported on (finished vertices are skipped: their
/// values are the synthetic ones of §2.7, not Flink's).
struct VertexView {
    const VertexId& id;
    bool is_source;
    const RawVertexMetrics& raw;
    const MetricValues& now;
    const MetricValues* before;  ///< the vertex in the previous sample, or null
};

using Check = std::function<std::optional<GatedSample>(const VertexView&, const AutoscalerOptions&)>;

GatedSample gated(SampleGate gate, const VertexView& v, RawValueRef ref, double now, double before,
                  const std::string& problem) {
    return {gate, v.id, ref, now, before, "vertex " + v.id + " " + ref.name() + " " + problem};
}

std::optional<GatedSample> incomplete_counter(const VertexView& v, const AutoscalerOptions&) {
    for (const auto& [complete, counter] : {std::pair{v.raw.io.num_records_in_complete, IoCounter::ReadRecords},
                                            std::pair{v.raw.io.num_records_out_complete, IoCounter::WriteRecords}}) {
        if (complete) continue;
        const std::string name(to_string(counter));
        return gated(SampleGate::CounterIncomplete, v, {counter}, kNaN, kNaN,
                     "is incomplete (" + name + "-complete: false, some subtasks have not reported yet)");
    }
    return std::nullopt;
}

std::optional<GatedSample> counter_went_backwards(const VertexView& v, const AutoscalerOptions&) {
    if (v.before == nullptr) return std::nullopt;
    const std::pair<ScalingMetric, RawValueRef> counters[] = {
        {ScalingMetric::NUM_RECORDS_IN, records_in_ref(records_in(v.is_source, v.raw).origin)},
        {ScalingMetric::NUM_RECORDS_OUT, {IoCounter::WriteRecords}},
        // Not accumulated-busy-time: a real Flink 1.20 JobManager reports it going down between
        // two samples of a running job (1936 -> 1822 ms, e2e), so it is no counter to gate on.
    };
    for (const auto& [metric, ref] : counters) {
        // NaN on either side is an unknown value, which the window primitives skip (§0.4).
        const double now = metric_in(v.now, metric);
        const double before = metric_in(*v.before, metric);
        if (now < before)
            return gated(SampleGate::CounterWentBackwards, v, ref, now, before,
                         "went backwards (" + number_text(before) + " -> " + number_text(now) + ")");
    }
    return std::nullopt;
}

std::optional<GatedSample> busy_time_out_of_range(const VertexView& v, const AutoscalerOptions& options) {
    auto it = v.raw.metrics.find(FlinkMetric::BUSY_TIME_PER_SEC);
    if (it == v.raw.metrics.end()) return std::nullopt;
    const Aggregate aggregate = aggregate_of(options.busy_time_aggregator);
    const double busy = value_of(it->second, aggregate);
    // Not finite: the reference excludes the vertex for this cycle (§3.1.2); that stays.
    if (!is_finite(busy) || (busy >= 0.0 && busy <= 1000.0)) return std::nullopt;
    return gated(SampleGate::BusyTimeOutOfRange, v, {RawValueRef::Metric{FlinkMetric::BUSY_TIME_PER_SEC, aggregate}},
                 busy, kNaN, "is " + number_text(busy) + " ms/s, outside [0, 1000]");
}

std::optional<GatedSample> rate_out_of_range(const VertexView& v, const AutoscalerOptions&) {
    // The per-second rates compute_sample reads: a source's records-in rate (OBSERVED_TPR), a
    // non-source's task records-in rate (NUM_RECORDS_IN_PER_SECOND).
    const FlinkMetric metric =
        v.is_source ? FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC : FlinkMetric::NUM_RECORDS_IN_PER_SEC;
    auto it = v.raw.metrics.find(metric);
    if (it == v.raw.metrics.end()) return std::nullopt;
    const double rate = it->second.sum;
    // NaN is "unavailable", which the reference handles (no OBSERVED_TPR, the counter rate instead).
    if (is_nan(rate) || (rate >= 0.0 && !is_infinite(rate))) return std::nullopt;
    const std::string why = is_infinite(rate) ? ", not a finite rate" : ", a rate is never negative";
    return gated(SampleGate::RateOutOfRange, v, {RawValueRef::Metric{metric, Aggregate::Sum}}, rate, kNaN,
                 "is " + number_text(rate) + " records/s" + why);
}

}  // namespace

std::string_view to_string(SampleGate gate) { return detail::name_of(kGateNames, gate); }
std::string_view to_string(IoCounter counter) { return detail::name_of(kIoCounterNames, counter); }
std::string_view to_string(Aggregate aggregate) { return detail::name_of(kAggregateNames, aggregate); }

std::string RawValueRef::name() const {
    if (const auto* counter = std::get_if<IoCounter>(&value)) return std::string(to_string(*counter));
    const auto& m = std::get<Metric>(value);
    return std::string(to_string(m.metric)) + "." + std::string(to_string(m.aggregate));
}

std::optional<GatedSample> check_sample(const JobTopology& topology, const RawJobMetrics& raw,
                                        const CollectedSample& sample, const MetricHistory& history,
                                        const AutoscalerOptions& options) {
    static const RawVertexMetrics kNothing{};
    static const MetricValues kNoValues{};
    const CollectedSample* previous = history.empty() ? nullptr : &history.rbegin()->second;
    std::vector<VertexView> vertices;
    for (const auto& id : topology.topological_order()) {
        if (topology.get(id).finished) continue;
        const auto raw_it = raw.vertices.find(id);
        const auto now_it = sample.vertex_metrics.find(id);
        const MetricValues* before = nullptr;
        if (previous != nullptr)
            if (auto it = previous->vertex_metrics.find(id); it != previous->vertex_metrics.end()) before = &it->second;
        vertices.push_back({id, topology.is_source(id), raw_it == raw.vertices.end() ? kNothing : raw_it->second,
                            now_it == sample.vertex_metrics.end() ? kNoValues : now_it->second, before});
    }
    // The most telling gate first, over every vertex: a partial sum explains a counter that went
    // backwards, which explains a strange rate.
    const Check checks[] = {incomplete_counter, counter_went_backwards, busy_time_out_of_range, rate_out_of_range};
    for (const auto& check : checks)
        for (const auto& vertex : vertices)
            if (auto found = check(vertex, options)) return found;
    return std::nullopt;
}

}  // namespace flinkscaler
