// SPDX-License-Identifier: Apache-2.0
//
// From raw Flink metrics to one collected sample: algorithm.md §2.4, §2.7, §3.1-3.2 and the
// per-sample part of Worked Example 5.
#include "flinkscaler/sample.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

using namespace flinkscaler;

namespace {

using M = ScalingMetric;
using F = FlinkMetric;

const VertexId kSource = "s";
const VertexId kSink = "k";

VertexInfo vertex(const VertexId& id, std::map<VertexId, ShipStrategy> inputs = {}, bool finished = false) {
    VertexInfo v;
    v.id = id;
    v.inputs = std::move(inputs);
    v.finished = finished;
    return v;
}

// s --REBALANCE--> k
JobTopology source_to_sink(bool source_finished = false, bool sink_finished = false) {
    return JobTopology({vertex(kSource, {}, source_finished),
                        vertex(kSink, {{kSource, ShipStrategy::REBALANCE}}, sink_finished)});
}

AggregatedMetric agg(double min, double max, double avg, double sum) {
    AggregatedMetric a;
    a.min = min;
    a.max = max;
    a.avg = avg;
    a.sum = sum;
    return a;
}
AggregatedMetric sum_of(double sum) { return agg(kNaN, kNaN, kNaN, sum); }
AggregatedMetric avg_of(double avg) { return agg(kNaN, kNaN, avg, kNaN); }
AggregatedMetric max_of(double max) { return agg(kNaN, max, kNaN, kNaN); }
AggregatedMetric busy(double ms_per_second) { return agg(ms_per_second, ms_per_second, ms_per_second, kNaN); }

AutoscalerOptions options_with(const Configuration& conf = {}) { return AutoscalerOptions::from(conf); }

const AutoscalerOptions& defaults() {
    static const AutoscalerOptions options = options_with();
    return options;
}

bool has(const CollectedSample& s, const VertexId& v, M m) {
    auto it = s.vertex_metrics.find(v);
    return it != s.vertex_metrics.end() && it->second.count(m) > 0;
}

double value(const CollectedSample& s, const VertexId& v, M m) {
    auto it = s.vertex_metrics.find(v);
    if (it == s.vertex_metrics.end()) return kNaN;
    auto value = it->second.find(m);
    return value == it->second.end() ? kNaN : value->second;
}

double global(const CollectedSample& s, M m) {
    auto it = s.global_metrics.find(m);
    return it == s.global_metrics.end() ? kNaN : it->second;
}

CollectedSample sample_of(const JobTopology& topology, const RawJobMetrics& raw,
                          const AutoscalerOptions& options = defaults(), const MetricHistory& previous = {},
                          std::set<VertexId>* excluded = nullptr) {
    return compute_sample(topology, raw, previous, options, excluded);
}

// A single source vertex, with the raw values that drive OBSERVED_TPR.
RawJobMetrics source_raw(double in_per_second, double pending, double backpressure_avg) {
    RawJobMetrics raw;
    auto& s = raw.vertices[kSource];
    s.metrics[F::BUSY_TIME_PER_SEC] = busy(500.0);
    s.metrics[F::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC] = sum_of(in_per_second);
    s.metrics[F::PENDING_RECORDS] = sum_of(pending);
    s.metrics[F::BACKPRESSURE_TIME_PER_SEC] = avg_of(backpressure_avg);
    return raw;
}

JobTopology lone_source() { return JobTopology({vertex(kSource)}); }

}  // namespace

TEST_CASE("source LAG is the sum of pendingRecords, 0 when absent; non-sources have no LAG", "[sample][lag]") {
    const auto topology = source_to_sink();
    RawJobMetrics raw;
    raw.vertices[kSource].metrics[F::PENDING_RECORDS] = agg(10.0, 900.0, 500.0, 48000.0);
    raw.vertices[kSink].metrics[F::PENDING_RECORDS] = sum_of(1234.0);  // ignored for a non-source
    const auto s = sample_of(topology, raw);
    CHECK(value(s, kSource, M::LAG) == 48000.0);
    CHECK_FALSE(has(s, kSink, M::LAG));

    raw.vertices[kSource].metrics.erase(F::PENDING_RECORDS);
    const auto without = sample_of(topology, raw);
    REQUIRE(has(without, kSource, M::LAG));
    CHECK(value(without, kSource, M::LAG) == 0.0);
}

TEST_CASE("LOAD is the busy time chosen by the aggregator divided by 1000", "[sample][load]") {
    const auto topology = source_to_sink();
    RawJobMetrics raw;
    raw.vertices[kSink].metrics[F::BUSY_TIME_PER_SEC] = agg(200.0, 800.0, 500.0, 1500.0);
    CHECK(value(sample_of(topology, raw), kSink, M::LOAD) == 0.8);  // default MAX
    const auto max = options_with({{"job.autoscaler.metrics.busy-time.aggregator", "MAX"}});
    const auto min = options_with({{"job.autoscaler.metrics.busy-time.aggregator", "MIN"}});
    const auto avg = options_with({{"job.autoscaler.metrics.busy-time.aggregator", "AVG"}});
    CHECK(value(sample_of(topology, raw, max), kSink, M::LOAD) == 0.8);
    CHECK(value(sample_of(topology, raw, min), kSink, M::LOAD) == 0.2);
    CHECK(value(sample_of(topology, raw, avg), kSink, M::LOAD) == 0.5);
}

TEST_CASE("LOAD clamps a negative busy time at zero", "[sample][load]") {
    RawJobMetrics raw;
    raw.vertices[kSink].metrics[F::BUSY_TIME_PER_SEC] = busy(-5.0);
    std::set<VertexId> excluded;
    const auto s = sample_of(source_to_sink(), raw, defaults(), {}, &excluded);
    CHECK(value(s, kSink, M::LOAD) == 0.0);
    CHECK(excluded.count(kSink) == 0);
}

TEST_CASE("unknown busy time gives LOAD NaN and excludes the vertex for this cycle", "[sample][load]") {
    const auto topology = source_to_sink();
    RawJobMetrics raw;
    raw.vertices[kSource].metrics[F::BUSY_TIME_PER_SEC] = busy(400.0);
    SECTION("busy time metric absent") {}
    SECTION("aggregate returned as NaN") { raw.vertices[kSink].metrics[F::BUSY_TIME_PER_SEC] = busy(kNaN); }
    SECTION("aggregate infinite") { raw.vertices[kSink].metrics[F::BUSY_TIME_PER_SEC] = busy(kInf); }
    SECTION("only the aggregate not chosen by MAX is present") {
        raw.vertices[kSink].metrics[F::BUSY_TIME_PER_SEC] = avg_of(300.0);
    }
    std::set<VertexId> excluded;
    const auto s = sample_of(topology, raw, defaults(), {}, &excluded);
    REQUIRE(has(s, kSink, M::LOAD));
    CHECK(is_nan(value(s, kSink, M::LOAD)));
    CHECK(excluded == std::set<VertexId>{kSink});
    CHECK(value(s, kSource, M::LOAD) == 0.4);
    // Without an exclusion set the sample is still computed.
    CHECK(is_nan(value(sample_of(topology, raw), kSink, M::LOAD)));
}

TEST_CASE("a vertex of the topology without raw metrics counts as having returned nothing", "[sample]") {
    std::set<VertexId> excluded;
    const auto s = sample_of(source_to_sink(), RawJobMetrics{}, defaults(), {}, &excluded);
    CHECK(excluded == std::set<VertexId>{kSource, kSink});
    CHECK(value(s, kSource, M::LAG) == 0.0);
    CHECK(value(s, kSource, M::NUM_RECORDS_IN) == 0.0);
    CHECK_FALSE(has(s, kSource, M::OBSERVED_TPR));
    CHECK_FALSE(has(s, kSink, M::NUM_RECORDS_IN_PER_SECOND));
}

TEST_CASE("IO counters give ACCUMULATED_BUSY_TIME, NUM_RECORDS_IN and NUM_RECORDS_OUT", "[sample][io]") {
    RawJobMetrics raw;
    raw.vertices[kSink].io = IoCounters{9240000.0, 17.0, 123456.0};
    const auto s = sample_of(source_to_sink(), raw);
    CHECK(value(s, kSink, M::NUM_RECORDS_IN) == 9240000.0);
    CHECK(value(s, kSink, M::NUM_RECORDS_OUT) == 17.0);
    CHECK(value(s, kSink, M::ACCUMULATED_BUSY_TIME) == 123456.0);
    // Accumulated busy time may be unknown.
    CHECK(is_nan(value(sample_of(source_to_sink(), RawJobMetrics{}), kSink, M::ACCUMULATED_BUSY_TIME)));
}

TEST_CASE("source NUM_RECORDS_IN falls back from read-records to source records-in, then records-out",
          "[sample][records-in]") {
    const auto topology = source_to_sink();
    RawJobMetrics raw;
    auto& s = raw.vertices[kSource];
    s.io.num_records_in = 0.0;

    SECTION("read-records 0, source records-in present") {
        s.metrics[F::SOURCE_TASK_NUM_RECORDS_IN] = sum_of(1120000.0);
        s.metrics[F::SOURCE_TASK_NUM_RECORDS_OUT] = sum_of(7.0);
        CHECK(value(sample_of(topology, raw), kSource, M::NUM_RECORDS_IN) == 1120000.0);
    }
    SECTION("read-records 0, source records-in also 0, source records-out present") {
        s.metrics[F::SOURCE_TASK_NUM_RECORDS_IN] = sum_of(0.0);
        s.metrics[F::SOURCE_TASK_NUM_RECORDS_OUT] = sum_of(700.0);
        CHECK(value(sample_of(topology, raw), kSource, M::NUM_RECORDS_IN) == 700.0);
    }
    SECTION("read-records 0, source records-in absent, source records-out present") {
        s.metrics[F::SOURCE_TASK_NUM_RECORDS_OUT] = sum_of(700.0);
        CHECK(value(sample_of(topology, raw), kSource, M::NUM_RECORDS_IN) == 700.0);
    }
    SECTION("non-zero read-records win over the source metrics") {
        s.io.num_records_in = 50.0;
        s.metrics[F::SOURCE_TASK_NUM_RECORDS_IN] = sum_of(1120000.0);
        s.metrics[F::SOURCE_TASK_NUM_RECORDS_OUT] = sum_of(700.0);
        CHECK(value(sample_of(topology, raw), kSource, M::NUM_RECORDS_IN) == 50.0);
    }
    SECTION("nothing available") { CHECK(value(sample_of(topology, raw), kSource, M::NUM_RECORDS_IN) == 0.0); }
    SECTION("a negative count is clamped at zero") {
        s.metrics[F::SOURCE_TASK_NUM_RECORDS_IN] = sum_of(-3.0);
        CHECK(value(sample_of(topology, raw), kSource, M::NUM_RECORDS_IN) == 0.0);
    }
}

TEST_CASE("the source records-in fallbacks do not apply to non-source vertices", "[sample][records-in]") {
    RawJobMetrics raw;
    auto& k = raw.vertices[kSink];
    k.io.num_records_in = 0.0;
    k.metrics[F::SOURCE_TASK_NUM_RECORDS_IN] = sum_of(1000.0);
    k.metrics[F::SOURCE_TASK_NUM_RECORDS_OUT] = sum_of(2000.0);
    CHECK(value(sample_of(source_to_sink(), raw), kSink, M::NUM_RECORDS_IN) == 0.0);
}

TEST_CASE("NUM_RECORDS_IN_PER_SECOND is the subtask sum for non-sources, absent when not queried or for sources",
          "[sample][records-in]") {
    RawJobMetrics raw;
    raw.vertices[kSink].metrics[F::NUM_RECORDS_IN_PER_SEC] = agg(900.0, 1100.0, 1000.0, 4100.0);
    raw.vertices[kSource].metrics[F::NUM_RECORDS_IN_PER_SEC] = sum_of(2000.0);
    const auto s = sample_of(source_to_sink(), raw);
    CHECK(value(s, kSink, M::NUM_RECORDS_IN_PER_SECOND) == 4100.0);
    CHECK_FALSE(has(s, kSource, M::NUM_RECORDS_IN_PER_SECOND));
    raw.vertices[kSink].metrics.erase(F::NUM_RECORDS_IN_PER_SEC);
    CHECK_FALSE(has(sample_of(source_to_sink(), raw), kSink, M::NUM_RECORDS_IN_PER_SECOND));
}

TEST_CASE("observed TPR is infinite when nothing comes into the source", "[sample][observed-tpr]") {
    const auto s = sample_of(lone_source(), source_raw(0.0, 1000000.0, 500.0));
    CHECK(value(s, kSource, M::OBSERVED_TPR) == kInf);
}

TEST_CASE("observed TPR is not set when the source in-rate is unavailable", "[sample][observed-tpr]") {
    auto raw = source_raw(500.0, 1000000.0, 500.0);
    raw.vertices[kSource].metrics.erase(F::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC);
    CHECK_FALSE(has(sample_of(lone_source(), raw), kSource, M::OBSERVED_TPR));
}

TEST_CASE("a catching-up source observes in-rate / (1 - backpressure/1000)", "[sample][observed-tpr]") {
    // Example 5 formula checks; 30 s threshold -> lag must be at least 30 x in-rate.
    CHECK(value(sample_of(lone_source(), source_raw(250.0, 7500.0, 750.0)), kSource, M::OBSERVED_TPR) == 1000.0);
    CHECK(value(sample_of(lone_source(), source_raw(500.0, 15000.0, 0.0)), kSource, M::OBSERVED_TPR) == 500.0);
    CHECK(value(sample_of(lone_source(), source_raw(500.0, 1000000.0, 600.0)), kSource, M::OBSERVED_TPR) == 1250.0);
    // Fully backpressured: not measurable, and nothing to carry forward.
    const auto full = sample_of(lone_source(), source_raw(500.0, 1000000.0, 1000.0));
    CHECK(is_nan(value(full, kSource, M::OBSERVED_TPR)));
}

TEST_CASE("a source is catching up only when lag reaches secs(lag-threshold) x in-rate", "[sample][observed-tpr]") {
    MetricHistory previous;
    previous[instant_from_epoch_ms(0)].vertex_metrics[kSource][M::OBSERVED_TPR] = 800.0;
    previous[instant_from_epoch_ms(1)].vertex_metrics[kSource][M::OBSERVED_TPR] = 1000.0;
    const auto tpr = [&](double lag, const AutoscalerOptions& options) {
        return value(sample_of(lone_source(), source_raw(500.0, lag, 500.0), options, previous), kSource,
                     M::OBSERVED_TPR);
    };
    CHECK(tpr(15000.0, defaults()) == 1000.0);  // exactly 30 s x 500/s: measured 500 / 0.5
    CHECK(tpr(14999.0, defaults()) == 900.0);   // below: carried-forward mean of 800 and 1000
    // The threshold is truncated to whole seconds: 30999 ms counts as 30 s.
    const auto truncated = options_with({{"job.autoscaler.observed-true-processing-rate.lag-threshold", "30999 ms"}});
    CHECK(tpr(15000.0, truncated) == 1000.0);
    const auto ten = options_with({{"job.autoscaler.observed-true-processing-rate.lag-threshold", "10 s"}});
    CHECK(tpr(5000.0, ten) == 1000.0);
    CHECK(tpr(4999.0, ten) == 900.0);
}

TEST_CASE("observed TPR carries forward the previous average with minimum observations (Example 5)",
          "[sample][observed-tpr][example5]") {
    // In-rate gauge 500/s, threshold 30 s, default min-observations 2.
    const auto topology = lone_source();
    MetricHistory history;
    std::vector<double> observed;
    const auto step = [&](std::int64_t ms, double lag, double backpressure) {
        const auto s = sample_of(topology, source_raw(500.0, lag, backpressure), defaults(), history);
        observed.push_back(value(s, kSource, M::OBSERVED_TPR));
        history[instant_from_epoch_ms(ms)] = s;
    };
    step(100, 1000000.0, 600.0);
    step(200, 0.0, 600.0);
    step(300, 100000.0, 500.0);
    step(400, 0.0, 500.0);
    REQUIRE(observed.size() == 4);
    CHECK(observed[0] == 1250.0);
    CHECK(is_nan(observed[1]));  // {1250} has fewer than 2 observations
    CHECK(observed[2] == 1000.0);
    CHECK(observed[3] == 1125.0);  // mean of {1250, 1000}; the NaN of t=200 is skipped
}

TEST_CASE("observed TPR carry-forward honours a configured minimum of one observation", "[sample][observed-tpr]") {
    const auto one = options_with({{"job.autoscaler.observed-true-processing-rate.min-observations", "1"}});
    MetricHistory history;
    history[instant_from_epoch_ms(100)] = sample_of(lone_source(), source_raw(500.0, 1000000.0, 600.0), one);
    const auto s = sample_of(lone_source(), source_raw(500.0, 0.0, 600.0), one, history);
    CHECK(value(s, kSource, M::OBSERVED_TPR) == 1250.0);
}

TEST_CASE("finished vertices get the synthetic zero metrics instead of queried values", "[sample][finished]") {
    const auto topology = source_to_sink(true, true);
    RawJobMetrics raw;  // queried values of finished vertices must be ignored
    raw.vertices[kSource] = RawVertexMetrics{{{F::PENDING_RECORDS, sum_of(5000.0)},
                                              {F::BUSY_TIME_PER_SEC, busy(900.0)},
                                              {F::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC, sum_of(100.0)}},
                                             IoCounters{10.0, 20.0, 30.0}};
    raw.vertices[kSink] = RawVertexMetrics{{{F::BUSY_TIME_PER_SEC, busy(900.0)}, {F::NUM_RECORDS_IN_PER_SEC, sum_of(9.0)}},
                                           IoCounters{10.0, 20.0, 30.0}};
    std::set<VertexId> excluded;
    const auto s = sample_of(topology, raw, defaults(), {}, &excluded);
    CHECK(s.vertex_metrics.at(kSource) == MetricValues{{M::LAG, 0.0},
                                                       {M::LOAD, 0.0},
                                                       {M::ACCUMULATED_BUSY_TIME, 0.0},
                                                       {M::NUM_RECORDS_IN, 0.0},
                                                       {M::NUM_RECORDS_OUT, 0.0},
                                                       {M::OBSERVED_TPR, kInf}});
    CHECK(s.vertex_metrics.at(kSink) == MetricValues{{M::LOAD, 0.0},
                                                     {M::ACCUMULATED_BUSY_TIME, 0.0},
                                                     {M::NUM_RECORDS_IN, 0.0},
                                                     {M::NUM_RECORDS_OUT, 0.0}});
    // Busy time 0 is known: finished vertices are not excluded through the busy-time rule.
    CHECK(excluded.empty());
}

TEST_CASE("every per-sample vertex metric is R3-rounded", "[sample][R3]") {
    RawJobMetrics raw;
    auto& s = raw.vertices[kSource];
    s.metrics[F::PENDING_RECORDS] = sum_of(60000.4567);
    s.metrics[F::BUSY_TIME_PER_SEC] = busy(588.2352941176);
    s.metrics[F::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC] = sum_of(1000.0);
    s.metrics[F::BACKPRESSURE_TIME_PER_SEC] = avg_of(700.0);  // 1000 / 0.3 = 3333.33...
    s.io = IoCounters{0.0, 16.66666667, 0.0004};
    s.metrics[F::SOURCE_TASK_NUM_RECORDS_IN] = sum_of(1234.56789);
    auto& k = raw.vertices[kSink];
    k.metrics[F::BUSY_TIME_PER_SEC] = busy(0.4);
    k.metrics[F::NUM_RECORDS_IN_PER_SEC] = sum_of(2020.2020202);
    const auto sample = sample_of(source_to_sink(), raw);
    CHECK(value(sample, kSource, M::LAG) == 60000.457);
    CHECK(value(sample, kSource, M::LOAD) == 0.588);
    CHECK(value(sample, kSource, M::OBSERVED_TPR) == 3333.333);
    CHECK(value(sample, kSource, M::NUM_RECORDS_OUT) == 16.667);
    CHECK(value(sample, kSource, M::ACCUMULATED_BUSY_TIME) == 0.0004);
    CHECK(value(sample, kSource, M::NUM_RECORDS_IN) == 1234.568);
    CHECK(value(sample, kSink, M::LOAD) == 0.0004);  // 0.4 / 1000: too small to round, kept
    CHECK(value(sample, kSink, M::NUM_RECORDS_IN_PER_SECOND) == 2020.202);
}

TEST_CASE("global metrics: slots used, GC pressure, heap usage ratio and memory gauges, unrounded",
          "[sample][global]") {
    RawJobMetrics raw;
    raw.global.task_slots_total = 8.0;
    raw.global.task_slots_available = 3.0;
    raw.global.gc_time_ms_per_second = agg(1.0, 123.4567, 50.0, kNaN);
    raw.global.heap_max = agg(2.0, 3000.0, 2.5, kNaN);
    raw.global.heap_used = agg(1.0, 1000.0, 1.5, kNaN);
    raw.global.managed_used = agg(1.0, 777.7777, 2.0, kNaN);
    raw.global.metaspace_used = max_of(55.55555);
    const auto s = sample_of(source_to_sink(), raw);
    CHECK(global(s, M::NUM_TASK_SLOTS_USED) == 5.0);
    CHECK(global(s, M::GC_PRESSURE) == 123.4567 / 1000.0);
    CHECK(global(s, M::HEAP_MEMORY_USED) == 1000.0);
    CHECK(global(s, M::HEAP_MAX_USAGE_RATIO) == 1000.0 / 3000.0);  // not R3-rounded to 0.333
    CHECK(global(s, M::MANAGED_MEMORY_USED) == 777.7777);
    CHECK(global(s, M::METASPACE_MEMORY_USED) == 55.55555);
    CHECK(s.global_metrics.size() == 6);
}

TEST_CASE("global metrics are absent when their inputs are missing", "[sample][global]") {
    RawJobMetrics raw;
    raw.global.task_slots_total = 8.0;     // available missing -> no slots used
    raw.global.heap_used = max_of(1000.0);  // heap max missing -> no heap metrics
    CHECK(sample_of(source_to_sink(), raw).global_metrics.empty());
    raw.global.task_slots_total.reset();
    raw.global.task_slots_available = 3.0;
    raw.global.heap_used.reset();
    raw.global.heap_max = max_of(3000.0);
    CHECK(sample_of(source_to_sink(), raw).global_metrics.empty());
}

TEST_CASE("merging aggregates of one logical metric takes min of mins, max of maxes, sum of sums",
          "[sample][merge]") {
    const auto merged = AggregatedMetric::merge(agg(3.0, 100.0, 50.0, 100.0), agg(1.0, 80.0, 40.0, 100.0));
    CHECK(merged.min == 1.0);
    CHECK(merged.max == 100.0);
    CHECK(is_nan(merged.avg));
    CHECK(merged.sum == 200.0);
}
