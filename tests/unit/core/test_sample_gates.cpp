// SPDX-License-Identifier: Apache-2.0
//
// Metric-quality gates (flinkscaler/sample_gates.hpp, docs/deviations.md "Metric-quality gates"):
// which samples are gated and why, what the reference's own handling keeps, and what a gated
// sample does to the cycle (no decision, history cleared, the window restarts).
#include "flinkscaler/cycle.hpp"
#include "flinkscaler/sample_gates.hpp"

#include "flinkscaler/numeric.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace std::chrono_literals;
using namespace flinkscaler;

namespace {

using F = FlinkMetric;

const VertexId kS = "bc764cd8ddf7a0cff126f51c16239658";  // source
const VertexId kK = "0a448493b4782967b150582570326227";  // sink

// 2026-01-01T00:00:00.000Z
const Instant kT0 = instant_from_epoch_ms(1767225600000);
Instant t(Millis offset) { return kT0 + offset; }

VertexInfo vertex(const VertexId& id, std::map<VertexId, ShipStrategy> inputs = {}, bool finished = false) {
    VertexInfo v;
    v.id = id;
    v.parallelism = 2;
    v.max_parallelism = 720;
    v.inputs = std::move(inputs);
    v.finished = finished;
    return v;
}

// S -> K (REBALANCE)
JobTopology source_sink(bool source_finished = false) {
    return JobTopology({vertex(kS, {}, source_finished), vertex(kK, {{kS, ShipStrategy::REBALANCE}})});
}

AggregatedMetric same(double v) { return AggregatedMetric{v, v, v, v}; }

// A steady S -> K job after `second` seconds at 100 records/s, 50 % busy: every value good.
RawJobMetrics steady(int second) {
    const double n = 100.0 * second;
    RawJobMetrics r;
    RawVertexMetrics& s = r.vertices[kS];
    s.metrics[F::SOURCE_TASK_NUM_RECORDS_IN] = same(n);
    s.metrics[F::PENDING_RECORDS] = same(0.0);
    s.metrics[F::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC] = same(100.0);
    s.metrics[F::BUSY_TIME_PER_SEC] = same(500.0);
    s.metrics[F::BACKPRESSURE_TIME_PER_SEC] = same(0.0);
    s.io = IoCounters{0.0, n, 5.0 * n};
    RawVertexMetrics& k = r.vertices[kK];
    k.metrics[F::BUSY_TIME_PER_SEC] = same(500.0);
    k.metrics[F::NUM_RECORDS_IN_PER_SEC] = same(100.0);
    k.io = IoCounters{n, 0.0, 5.0 * n};
    return r;
}

AutoscalerOptions options_of(const Configuration& conf = {}) {
    Configuration c = {{"job.autoscaler.enabled", "true"},
                       {"job.autoscaler.metrics.window", "3 s"},
                       {"job.autoscaler.stabilization.interval", "0"},
                       {"job.autoscaler.restart.time", "1 s"}};
    for (const auto& [key, value] : conf) c[key] = value;
    const auto options = AutoscalerOptions::from(c);
    REQUIRE(validate(options) == std::nullopt);
    return options;
}

// The gate of `raw` against a history holding steady(1) at t(1s).
std::optional<GatedSample> check(const RawJobMetrics& raw, const AutoscalerOptions& options = options_of(),
                                 const JobTopology& topology = source_sink()) {
    MetricHistory history;
    history[t(1s)] = compute_sample(topology, steady(1), {}, options, nullptr);
    const CollectedSample sample = compute_sample(topology, raw, history, options, nullptr);
    return check_sample(topology, raw, sample, history, options);
}

CycleResult cycle(const AutoscalerOptions& options, JobState& state, Instant running_since, Instant now,
                  const RawJobMetrics& metrics, const JobTopology& topology = source_sink()) {
    return run_cycle(options, state, CycleInput{topology, running_since, metrics, now, std::nullopt, {}});
}

std::vector<Instant> sample_times(const JobState& state) {
    std::vector<Instant> out;
    for (const auto& [ts, sample] : state.metric_history) out.push_back(ts);
    return out;
}

}  // namespace

TEST_CASE("a good sample passes every gate", "[gates]") { CHECK_FALSE(check(steady(2)).has_value()); }

TEST_CASE("a counter Flink flags incomplete gates the sample; absent flags count as complete", "[gates][incomplete]") {
    SECTION("read-records-complete: false") {
        auto raw = steady(2);
        raw.vertices[kK].io.num_records_in_complete = false;
        const auto gate = check(raw);
        REQUIRE(gate.has_value());
        CHECK(gate->gate == SampleGate::CounterIncomplete);
        CHECK(gate->vertex == kK);
        CHECK(gate->value.name() == "read-records");
        CHECK(is_nan(gate->value_now));
        CHECK(gate->reason == "vertex " + kK +
                                  " read-records is incomplete (read-records-complete: false, some subtasks have not "
                                  "reported yet)");
    }
    SECTION("write-records-complete: false, even on the first sample of a history") {
        auto raw = steady(0);
        raw.vertices[kS].io.num_records_out_complete = false;
        const auto topology = source_sink();
        const auto options = options_of();
        const auto gate = check_sample(topology, raw, compute_sample(topology, raw, {}, options, nullptr), {}, options);
        REQUIRE(gate.has_value());
        CHECK(gate->gate == SampleGate::CounterIncomplete);
        CHECK(gate->vertex == kS);
        CHECK(gate->value.name() == "write-records");
    }
    SECTION("default counters (a recording without the flags) are complete") {
        CHECK(IoCounters{}.num_records_in_complete);
        CHECK(IoCounters{}.num_records_out_complete);
    }
}

TEST_CASE("a counter below its value in the previous sample gates the sample, naming the raw value it came from",
          "[gates][backwards]") {
    SECTION("a non-source's read-records") {
        auto raw = steady(2);
        raw.vertices[kK].io.num_records_in = 0.0;
        const auto gate = check(raw);
        REQUIRE(gate.has_value());
        CHECK(gate->gate == SampleGate::CounterWentBackwards);
        CHECK(gate->vertex == kK);
        CHECK(std::get<IoCounter>(gate->value.value) == IoCounter::ReadRecords);
        CHECK(gate->value_before == 100.0);
        CHECK(gate->value_now == 0.0);
        CHECK(gate->reason == "vertex " + kK + " read-records went backwards (100 -> 0)");
    }
    SECTION("a source's records-in, read from the source operator's numRecordsIn") {
        auto raw = steady(2);
        raw.vertices[kS].metrics[F::SOURCE_TASK_NUM_RECORDS_IN] = same(12.5);
        const auto gate = check(raw);
        REQUIRE(gate.has_value());
        CHECK(gate->vertex == kS);
        CHECK(gate->value.name() == "SOURCE_TASK_NUM_RECORDS_IN.sum");
        CHECK(gate->reason == "vertex " + kS + " SOURCE_TASK_NUM_RECORDS_IN.sum went backwards (100 -> 12.5)");
    }
    SECTION("write-records") {
        auto raw = steady(2);
        raw.vertices[kS].io.num_records_out = 99.0;
        CHECK(check(raw)->value.name() == "write-records");
    }
    SECTION("accumulated-busy-time that goes down is not gated: real JobManagers report it so") {
        // Flink 1.20 end to end: 1936 -> 1822 ms between two samples of a running job. Gating it
        // restarted the window on every pass and the job was never scaled.
        auto raw = steady(2);
        raw.vertices[kK].io.accumulated_busy_time = 1.0;
        CHECK_FALSE(check(raw).has_value());
    }
    SECTION("an unknown (NaN) counter is not compared: the window primitives skip it") {
        auto raw = steady(2);
        raw.vertices[kK].io.accumulated_busy_time = kNaN;
        CHECK_FALSE(check(raw).has_value());
    }
    SECTION("an equal counter (nothing happened) is fine") { CHECK_FALSE(check(steady(1)).has_value()); }
}

TEST_CASE("a busy time outside [0, 1000] ms/s gates the sample; an unknown or infinite one stays the reference's "
          "exclusion",
          "[gates][busy-time]") {
    auto raw = steady(2);
    const auto with_busy = [&](double busy) {
        raw.vertices[kK].metrics[F::BUSY_TIME_PER_SEC] = same(busy);
        return check(raw);
    };
    CHECK_FALSE(with_busy(0.0).has_value());
    CHECK_FALSE(with_busy(1000.0).has_value());
    CHECK_FALSE(with_busy(kNaN).has_value());
    CHECK_FALSE(with_busy(kInf).has_value());
    CHECK_FALSE(with_busy(-kInf).has_value());
    auto gate = with_busy(1000.5);
    REQUIRE(gate.has_value());
    CHECK(gate->gate == SampleGate::BusyTimeOutOfRange);
    CHECK(gate->value.name() == "BUSY_TIME_PER_SEC.max");
    CHECK(gate->reason == "vertex " + kK + " BUSY_TIME_PER_SEC.max is 1000.5 ms/s, outside [0, 1000]");
    gate = with_busy(-3.0);
    REQUIRE(gate.has_value());
    CHECK(gate->value_now == -3.0);

    SECTION("only the aggregate the configured aggregator reads counts") {
        raw.vertices[kK].metrics[F::BUSY_TIME_PER_SEC] = AggregatedMetric{100.0, 1200.0, 600.0, kNaN};
        CHECK_FALSE(check(raw, options_of({{"job.autoscaler.metrics.busy-time.aggregator", "AVG"}})).has_value());
        CHECK(check(raw)->value.name() == "BUSY_TIME_PER_SEC.max");
    }
}

TEST_CASE("a negative or infinite records-in rate gates the sample; an unknown one does not", "[gates][rate]") {
    SECTION("a source's numRecordsInPerSecond") {
        auto raw = steady(2);
        raw.vertices[kS].metrics[F::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC] = same(-5.0);
        const auto gate = check(raw);
        REQUIRE(gate.has_value());
        CHECK(gate->gate == SampleGate::RateOutOfRange);
        CHECK(gate->vertex == kS);
        CHECK(gate->reason ==
              "vertex " + kS + " SOURCE_TASK_NUM_RECORDS_IN_PER_SEC.sum is -5 records/s, a rate is never negative");
    }
    SECTION("a non-source's numRecordsInPerSecond") {
        auto raw = steady(2);
        raw.vertices[kK].metrics[F::NUM_RECORDS_IN_PER_SEC] = same(kInf);
        const auto gate = check(raw);
        REQUIRE(gate.has_value());
        CHECK(gate->value.name() == "NUM_RECORDS_IN_PER_SEC.sum");
        CHECK(gate->reason == "vertex " + kK + " NUM_RECORDS_IN_PER_SEC.sum is Infinity records/s, not a finite rate");
    }
    SECTION("NaN: unavailable, which the reference handles") {
        auto raw = steady(2);
        raw.vertices[kS].metrics[F::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC] = same(kNaN);
        raw.vertices[kK].metrics[F::NUM_RECORDS_IN_PER_SEC] = same(kNaN);
        CHECK_FALSE(check(raw).has_value());
    }
    SECTION("zero: nothing comes in") {
        auto raw = steady(1);
        raw.vertices[kS].metrics[F::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC] = same(0.0);
        CHECK_FALSE(check(raw).has_value());
    }
}

TEST_CASE("a finished vertex's synthetic zero values are not checked", "[gates][finished]") {
    const auto topology = source_sink(/*source_finished=*/true);
    auto raw = steady(2);
    raw.vertices[kS].io.num_records_out_complete = false;
    raw.vertices[kS].metrics[F::BUSY_TIME_PER_SEC] = same(5000.0);
    MetricHistory history;
    history[t(1s)] = compute_sample(source_sink(), steady(1), {}, options_of(), nullptr);  // still running then
    const auto sample = compute_sample(topology, raw, history, options_of(), nullptr);
    CHECK_FALSE(check_sample(topology, raw, sample, history, options_of()).has_value());
}

TEST_CASE("gates are reported most telling first: an incomplete counter before the counter that went backwards",
          "[gates]") {
    auto raw = steady(2);
    raw.vertices[kS].metrics[F::BUSY_TIME_PER_SEC] = same(2000.0);
    raw.vertices[kK].io = IoCounters{};
    raw.vertices[kK].io.num_records_in_complete = false;
    CHECK(check(raw)->gate == SampleGate::CounterIncomplete);
    raw.vertices[kK].io.num_records_in_complete = true;
    CHECK(check(raw)->gate == SampleGate::CounterWentBackwards);
    CHECK(to_string(SampleGate::CounterWentBackwards) == "counter-went-backwards");
}

TEST_CASE("a gated sample is not used: the history is cleared, nothing is decided, and the window restarts with the "
          "next good sample",
          "[gates][cycle]") {
    const auto options = options_of();
    JobState state;
    const Instant running = kT0 - 60s;
    for (int second = 0; second <= 3; ++second) cycle(options, state, running, t(second * 1s), steady(second));
    REQUIRE(cycle(options, state, running, t(4s), steady(4)).stage == CycleStage::Decided);
    state.scaling_tracking.records[t(0s)] = Millis{5'000};
    const auto tracking = state.scaling_tracking;

    // A regional failover: the sink's subtasks restarted, its counters count from 0 again, and
    // timestamps.RUNNING did not move.
    auto reset = steady(5);
    reset.vertices[kK].io = IoCounters{20.0, 0.0, 100.0};
    const auto gated = cycle(options, state, running, t(5s), reset);
    CHECK(gated.stage == CycleStage::SampleGated);
    CHECK(to_string(gated.stage) == "sample-gated");
    REQUIRE(gated.gated.has_value());
    CHECK(gated.gated->gate == SampleGate::CounterWentBackwards);
    CHECK(gated.summary == "sample gated: vertex " + kK +
                               " read-records went backwards (400 -> 20); metric window restarts with the next good "
                               "sample");
    CHECK_FALSE(gated.evaluated.has_value());
    CHECK_FALSE(gated.decision.has_value());
    CHECK_FALSE(gated.restart_detected);
    CHECK(state.metric_history.empty());
    CHECK(state.scaling_tracking == tracking);  // only the metric history is reset

    // The counters keep counting from their new base: the window starts at the first good sample.
    auto next = reset;
    next.vertices[kK].io = IoCounters{120.0, 0.0, 600.0};
    next.vertices[kS].metrics[F::SOURCE_TASK_NUM_RECORDS_IN] = same(600.0);
    next.vertices[kS].io.num_records_out = 600.0;
    const auto first = cycle(options, state, running, t(6s), next);
    CHECK(first.stage == CycleStage::CollectingSamples);
    CHECK_FALSE(first.gated.has_value());
    CHECK(first.window_full_at == t(6s) + 3s);
    CHECK(sample_times(state) == std::vector<Instant>{t(6s)});
}

TEST_CASE("counters that restart from 0 with the job are not gated: restart detection clears the history first",
          "[gates][cycle][restart]") {
    const auto options = options_of();
    JobState state;
    for (int second = 0; second <= 3; ++second) cycle(options, state, kT0 - 60s, t(second * 1s), steady(second));
    const auto r = cycle(options, state, t(3500ms), t(4s), steady(0));
    CHECK(r.restart_detected);
    CHECK_FALSE(r.gated.has_value());
    CHECK(r.stage == CycleStage::CollectingSamples);
    CHECK(sample_times(state) == std::vector<Instant>{t(4s)});
}
