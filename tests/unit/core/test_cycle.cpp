// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/cycle.hpp"

#include "flinkscaler/numeric.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using flinkscaler::AggregatedMetric;
using flinkscaler::AutoscalerOptions;
using flinkscaler::Configuration;
using flinkscaler::CycleInput;
using flinkscaler::CycleResult;
using flinkscaler::CycleStage;
using flinkscaler::DecisionOutcome;
using flinkscaler::FlinkMetric;
using flinkscaler::Instant;
using flinkscaler::JobState;
using flinkscaler::JobTopology;
using flinkscaler::Millis;
using flinkscaler::RawJobMetrics;
using flinkscaler::RawVertexMetrics;
using flinkscaler::ScalingHistory;
using flinkscaler::ScalingMetric;
using flinkscaler::ScalingSummary;
using flinkscaler::ScalingTracking;
using flinkscaler::Seconds;
using flinkscaler::ShipStrategy;
using flinkscaler::VertexInfo;

namespace {

using M = ScalingMetric;

const std::string kS = "bc764cd8ddf7a0cff126f51c16239658";  // source
const std::string kK = "0a448493b4782967b150582570326227";  // sink
const std::string kF = "ea632d67b7d595e5b851708ae9ad79d6";  // finished source

// 2026-01-01T00:00:00.000Z
const Instant kT0 = flinkscaler::instant_from_epoch_ms(1767225600000);
Instant t(Millis offset) { return kT0 + offset; }

// S -> K (REBALANCE), maxParallelism 720 (Example 4).
JobTopology source_sink(int s_parallelism, int k_parallelism, bool with_finished_source = false) {
    std::vector<VertexInfo> vertices;
    VertexInfo s;
    s.id = kS;
    s.parallelism = s_parallelism;
    s.max_parallelism = 720;
    VertexInfo k;
    k.id = kK;
    k.inputs = {{kS, ShipStrategy::REBALANCE}};
    k.parallelism = k_parallelism;
    k.max_parallelism = 720;
    vertices = {s, k};
    if (with_finished_source) {
        VertexInfo f;
        f.id = kF;
        f.parallelism = 3;
        f.max_parallelism = 720;
        f.finished = true;
        vertices.push_back(f);
    }
    return JobTopology(std::move(vertices));
}

AggregatedMetric same(double v) { return AggregatedMetric{v, v, v, v}; }

// One sample of Example 4, as the collector would fetch it.
struct Sample {
    double s_records_in;
    double s_pending;
    double s_in_rate;  // Source__...numRecordsInPerSecond, summed
    double busy;       // busyTimeMsPerSecond of both vertices
    double k_records_in;
};

RawJobMetrics raw(const Sample& x) {
    RawJobMetrics r;
    RawVertexMetrics& s = r.vertices[kS];
    s.metrics[FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN] = same(x.s_records_in);
    s.metrics[FlinkMetric::PENDING_RECORDS] = same(x.s_pending);
    s.metrics[FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC] = same(x.s_in_rate);
    s.metrics[FlinkMetric::BUSY_TIME_PER_SEC] = same(x.busy);
    s.metrics[FlinkMetric::BACKPRESSURE_TIME_PER_SEC] = same(0.0);
    s.io.num_records_in = 0.0;  // sources read no network records
    s.io.num_records_out = x.s_records_in;
    RawVertexMetrics& k = r.vertices[kK];
    k.metrics[FlinkMetric::BUSY_TIME_PER_SEC] = same(x.busy);
    k.io.num_records_in = x.k_records_in;
    return r;
}

// The options of Example 4.
Configuration example4_conf(const char* window) {
    return {{"job.autoscaler.enabled", "true"},
            {"job.autoscaler.utilization.target", "0.8"},
            {"job.autoscaler.utilization.max", "0.9"},
            {"job.autoscaler.utilization.min", "0.7"},
            {"job.autoscaler.restart.time", "1 s"},
            {"job.autoscaler.catch-up.duration", "2 s"},
            {"job.autoscaler.backlog-processing.lag-threshold", "1 s"},
            {"job.autoscaler.scale-down.interval", "0"},
            {"job.autoscaler.scale-down.max-factor", "1"},
            {"job.autoscaler.scale-up.max-factor", "100000"},
            {"job.autoscaler.metrics.window", window},
            {"job.autoscaler.stabilization.interval", "0"}};
}

AutoscalerOptions options_from(const Configuration& conf) {
    const auto options = AutoscalerOptions::from(conf);
    REQUIRE(flinkscaler::validate(options) == std::nullopt);
    return options;
}

CycleResult cycle(const AutoscalerOptions& options, JobState& state, const JobTopology& topology,
                  Instant running_since, Instant now, const RawJobMetrics& metrics) {
    return flinkscaler::run_cycle(options, state, CycleInput{topology, running_since, metrics, now, std::nullopt, {}});
}

std::vector<Instant> sample_times(const JobState& state) {
    std::vector<Instant> out;
    for (const auto& [ts, sample] : state.metric_history) out.push_back(ts);
    return out;
}

double current(const CycleResult& r, const std::string& vertex, M metric) {
    return flinkscaler::current_of(r.evaluated->vertex_metrics.at(vertex), metric);
}
double average(const CycleResult& r, const std::string& vertex, M metric) {
    return flinkscaler::average_of(r.evaluated->vertex_metrics.at(vertex), metric);
}

// A steady load that evaluates without errors: 100 records/s, no backlog, 50 % busy.
RawJobMetrics steady(int second) {
    const double n = 100.0 * second;
    return raw(Sample{n, 0.0, 100.0, 500.0, n});
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Worked Example 4 (§8): backlog-driven closed loop

TEST_CASE("Example 4: a backlog scales S->K up to (4,4), a redeploy wipes the window, the drained backlog "
          "scales down to (2,2)",
          "[cycle][example4]") {
    JobState state;
    const Instant first_running = kT0 - 60s;

    // ---- phase 1: p = (1,1), window 1 s ---------------------------------------------------
    const auto options1 = options_from(example4_conf("1 s"));
    const auto topology1 = source_sink(1, 1);

    auto r0 = cycle(options1, state, topology1, first_running, t(0s), raw(Sample{0, 2000, 500, 850, 0}));
    CHECK(r0.stage == CycleStage::CollectingSamples);
    CHECK_FALSE(r0.stabilizing);
    CHECK_FALSE(r0.restart_detected);
    CHECK(r0.window_full_at == t(1s));
    CHECK_FALSE(r0.evaluated.has_value());
    CHECK(state.metric_history.size() == 1);

    auto r1 = cycle(options1, state, topology1, first_running, t(1s), raw(Sample{500, 2000, 500, 850, 500}));
    REQUIRE(r1.stage == CycleStage::Decided);
    REQUIRE(r1.evaluated.has_value());
    REQUIRE(r1.decision.has_value());
    CHECK(r1.restart_time == Seconds{1});
    CHECK(r1.evaluated->processing_backlog);  // 2000 / 500 = 4 s > 1 s
    for (const auto& v : {kS, kK}) {
        INFO(v);
        CHECK(average(r1, v, M::TARGET_DATA_RATE) == 500.0);
        CHECK(current(r1, v, M::CATCH_UP_DATA_RATE) == 1000.0);
        CHECK(average(r1, v, M::TRUE_PROCESSING_RATE) == 588.235);
        CHECK(current(r1, v, M::SCALE_UP_RATE_THRESHOLD) == 1500.0);
        CHECK(std::isinf(current(r1, v, M::SCALE_DOWN_RATE_THRESHOLD)));
        CHECK(current(r1, v, M::RECOMMENDED_PARALLELISM) == 4.0);
        CHECK(current(r1, v, M::EXPECTED_PROCESSING_RATE) == 2352.94);
    }
    CHECK(r1.decision->outcome == DecisionOutcome::Scaled);
    REQUIRE(r1.decision->summaries.size() == 2);
    CHECK(r1.decision->summaries.at(kS).current_parallelism == 1);
    CHECK(r1.decision->summaries.at(kS).new_parallelism == 4);
    CHECK(r1.decision->summaries.at(kK).new_parallelism == 4);
    CHECK(state.parallelism_overrides == std::map<std::string, int>{{kS, 4}, {kK, 4}});
    CHECK(state.scaling_history.at(kS).count(t(1s)) == 1);
    CHECK(state.scaling_history.at(kK).at(t(1s)).new_parallelism == 4);
    REQUIRE(state.scaling_tracking.records.size() == 1);
    CHECK(state.scaling_tracking.records.at(t(1s)) == std::nullopt);

    // ---- phase 2: redeployed at t = 2 s with p = (4,4), window 2 s --------------------------
    const auto options2 = options_from(example4_conf("2 s"));
    const auto topology2 = source_sink(4, 4);
    const Instant redeployed = t(2s);

    auto r2 = cycle(options2, state, topology2, redeployed, t(2s), raw(Sample{0, 6000, 1800, 1000, 0}));
    CHECK(r2.restart_detected);
    CHECK(sample_times(state) == std::vector<Instant>{t(2s)});  // history wiped, new sample kept
    CHECK(r2.stage == CycleStage::CollectingSamples);
    CHECK(r2.window_full_at == t(4s));
    // The restart after the scaling at t = 1 s took 1 s (all rescaled vertices now run at 4).
    CHECK(state.scaling_tracking.records.at(t(1s)) == Millis{1000});
    // Scaling history and overrides survive a restart.
    CHECK(state.scaling_history.at(kS).count(t(1s)) == 1);
    CHECK(state.parallelism_overrides == std::map<std::string, int>{{kS, 4}, {kK, 4}});

    auto r3 = cycle(options2, state, topology2, redeployed, t(3s), raw(Sample{1800, 3600, 1800, 1000, 1800}));
    CHECK_FALSE(r3.restart_detected);
    CHECK(r3.stage == CycleStage::WindowNotFull);
    CHECK(r3.window_full_at == t(4s));
    REQUIRE(r3.evaluated.has_value());
    CHECK_FALSE(r3.decision.has_value());
    CHECK(std::isnan(current(r3, kS, M::RECOMMENDED_PARALLELISM)));
    CHECK(std::isnan(current(r3, kK, M::RECOMMENDED_PARALLELISM)));

    auto r4 = cycle(options2, state, topology2, redeployed, t(4s), raw(Sample{3600, 2000, 1800, 1000, 3600}));
    REQUIRE(r4.stage == CycleStage::Decided);
    CHECK(sample_times(state) == std::vector<Instant>{t(2s), t(3s), t(4s)});
    CHECK(r4.evaluated->processing_backlog);  // 2000 / 1800 = 1.11 s > 1 s
    for (const auto& v : {kS, kK}) {
        INFO(v);
        CHECK(average(r4, v, M::TARGET_DATA_RATE) == 0.0);  // max(0, 1800 - 2000)
        CHECK(current(r4, v, M::CATCH_UP_DATA_RATE) == 1000.0);
        CHECK(average(r4, v, M::TRUE_PROCESSING_RATE) == 1800.0);
        CHECK(current(r4, v, M::SCALE_UP_RATE_THRESHOLD) == 1000.0);
        CHECK(std::isinf(current(r4, v, M::SCALE_DOWN_RATE_THRESHOLD)));
    }
    CHECK(r4.decision->outcome == DecisionOutcome::NoChange);  // computed 3, but within the band
    CHECK(r4.decision->summaries.empty());
    CHECK(state.parallelism_overrides == std::map<std::string, int>{{kS, 4}, {kK, 4}});
    CHECK(state.scaling_tracking.records.size() == 1);

    // ---- phase 3: t = 5 s, window t = 3..5 s ------------------------------------------------
    auto r5 = cycle(options2, state, topology2, redeployed, t(5s), raw(Sample{5400, 400, 1800, 1000, 5400}));
    REQUIRE(r5.stage == CycleStage::Decided);
    CHECK(sample_times(state) == std::vector<Instant>{t(3s), t(4s), t(5s)});
    CHECK_FALSE(r5.evaluated->processing_backlog);  // 400 / 1800 s
    for (const auto& v : {kS, kK}) {
        INFO(v);
        CHECK(average(r5, v, M::TARGET_DATA_RATE) == 200.0);  // 1800 - 1600
        CHECK(current(r5, v, M::CATCH_UP_DATA_RATE) == 200.0);
        CHECK(average(r5, v, M::TRUE_PROCESSING_RATE) == 1800.0);
        CHECK(current(r5, v, M::SCALE_UP_RATE_THRESHOLD) == 422.0);
        CHECK(current(r5, v, M::SCALE_DOWN_RATE_THRESHOLD) == 586.0);
    }
    CHECK(r5.decision->outcome == DecisionOutcome::Scaled);
    CHECK(r5.decision->summaries.at(kS).current_parallelism == 4);
    CHECK(r5.decision->summaries.at(kS).new_parallelism == 2);
    CHECK(r5.decision->summaries.at(kK).new_parallelism == 2);
    CHECK(state.parallelism_overrides == std::map<std::string, int>{{kS, 2}, {kK, 2}});
    CHECK(state.scaling_tracking.records.size() == 2);
    CHECK(state.scaling_tracking.records.at(t(5s)) == std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// Stabilization and the window (§1.3 steps 5, 6, 10)

TEST_CASE("samples taken while stabilizing are kept but the window starts at the first sample after stabilization",
          "[cycle][window]") {
    auto conf = example4_conf("2 s");
    conf["job.autoscaler.stabilization.interval"] = "2 s";
    const auto options = options_from(conf);
    const auto topology = source_sink(1, 1);
    JobState state;
    const Instant running = t(0s);  // stable from t = 2 s

    auto r0 = cycle(options, state, topology, running, t(0s), steady(0));
    CHECK(r0.stabilizing);
    CHECK(r0.stage == CycleStage::CollectingSamples);
    CHECK(r0.window_full_at == t(2s));  // no sample after stabilization yet: now + window

    auto r1 = cycle(options, state, topology, running, t(1s), steady(1));
    CHECK(r1.stabilizing);
    CHECK(r1.stage == CycleStage::WindowNotFull);  // evaluated upfront from stabilization samples
    CHECK(r1.evaluated.has_value());
    CHECK(r1.window_full_at == t(3s));
    CHECK(state.metric_history.size() == 2);

    auto r2 = cycle(options, state, topology, running, t(2s), steady(2));
    CHECK_FALSE(r2.stabilizing);  // now == stable time is no longer stabilizing
    CHECK(r2.stage == CycleStage::WindowNotFull);
    CHECK(r2.window_full_at == t(4s));  // judged on the history before this sample

    auto r3 = cycle(options, state, topology, running, t(3s), steady(3));
    CHECK(r3.stage == CycleStage::WindowNotFull);
    CHECK(r3.window_full_at == t(4s));  // first sample >= stable time (t = 2 s) + window
    CHECK(state.metric_history.size() == 4);

    auto r4 = cycle(options, state, topology, running, t(4s), steady(4));
    CHECK(r4.stage == CycleStage::Decided);
    CHECK(r4.window_full_at == t(4s));
    // The stabilization samples are trimmed once the window is full.
    CHECK(sample_times(state) == std::vector<Instant>{t(2s), t(3s), t(4s)});
    CHECK(flinkscaler::to_string(CycleStage::WindowNotFull) == "window-not-full");
}

TEST_CASE("a full window drops samples strictly before now - window and keeps the boundary sample",
          "[cycle][window]") {
    const auto options = options_from(example4_conf("1 s"));
    const auto topology = source_sink(1, 1);
    JobState state;
    const Instant running = kT0 - 60s;

    cycle(options, state, topology, running, t(0ms), steady(0));
    cycle(options, state, topology, running, t(400ms), steady(1));
    cycle(options, state, topology, running, t(999ms), steady(2));
    auto full = cycle(options, state, topology, running, t(1000ms), steady(3));
    CHECK(full.stage == CycleStage::Decided);
    // now - window = t(0): the sample exactly there stays
    CHECK(sample_times(state) == std::vector<Instant>{t(0ms), t(400ms), t(999ms), t(1000ms)});

    cycle(options, state, topology, running, t(1400ms), steady(4));
    // now - window = t(400ms): t(0) goes, t(400ms) stays
    CHECK(sample_times(state) == std::vector<Instant>{t(400ms), t(999ms), t(1000ms), t(1400ms)});

    cycle(options, state, topology, running, t(2000ms), steady(5));
    CHECK(sample_times(state) == std::vector<Instant>{t(1000ms), t(1400ms), t(2000ms)});
}

// ---------------------------------------------------------------------------------------------
// Restart detection and history trimming (§1.3 steps 3, 4)

TEST_CASE("a RUNNING timestamp later than the oldest sample wipes only the metric history", "[cycle][restart]") {
    const auto options = options_from(example4_conf("10 s"));
    const auto topology = source_sink(1, 1);
    JobState state;
    const Instant running = kT0 - 60s;
    cycle(options, state, topology, running, t(0s), steady(0));
    cycle(options, state, topology, running, t(1s), steady(1));
    state.scaling_history[kS][t(0s)] = ScalingSummary{2, 1, {}};
    state.scaling_tracking.records[t(0s)] = Millis{5'000};
    state.parallelism_overrides = {{kS, 1}, {kK, 1}};
    state.delayed_scale_down.trigger(kK, t(0s), 1, false);
    const auto delayed_before = state.delayed_scale_down;

    SECTION("RUNNING equal to the oldest sample is not a restart") {
        auto r = cycle(options, state, topology, t(0s), t(2s), steady(2));
        CHECK_FALSE(r.restart_detected);
        CHECK(state.metric_history.size() == 3);
    }
    SECTION("RUNNING 1 ms after the oldest sample is a restart") {
        auto r = cycle(options, state, topology, t(1ms), t(2s), steady(2));
        CHECK(r.restart_detected);
        CHECK(sample_times(state) == std::vector<Instant>{t(2s)});
        CHECK(r.stage == CycleStage::CollectingSamples);
        CHECK(state.scaling_history.at(kS).count(t(0s)) == 1);
        CHECK(state.scaling_tracking.records.at(t(0s)) == Millis{5'000});
        CHECK(state.parallelism_overrides == std::map<std::string, int>{{kS, 1}, {kK, 1}});
        CHECK(state.delayed_scale_down == delayed_before);
    }
}

TEST_CASE("the scaling history is trimmed to the vertices of the current topology", "[cycle][history]") {
    const auto options = options_from(example4_conf("10 s"));
    const auto topology = source_sink(1, 1);
    JobState state;
    state.scaling_history[kS][t(-1h)] = ScalingSummary{2, 1, {}};
    state.scaling_history["ffffffffffffffffffffffffffffffff"][t(-1h)] = ScalingSummary{2, 4, {}};
    cycle(options, state, topology, kT0 - 2h, t(0s), steady(0));
    CHECK(state.scaling_history.size() == 1);
    CHECK(state.scaling_history.count(kS) == 1);
}

TEST_CASE("a finished vertex is excluded from scaling but keeps its parallelism in the overrides",
          "[cycle][finished]") {
    const auto options = options_from(example4_conf("1 s"));
    const auto topology = source_sink(1, 1, /*with_finished_source=*/true);
    JobState state;
    const Instant running = kT0 - 60s;
    // Example 4 phase 1 for S and K; the finished source F reports nothing (never queried).
    cycle(options, state, topology, running, t(0s), raw(Sample{0, 2000, 500, 850, 0}));
    auto r = cycle(options, state, topology, running, t(1s), raw(Sample{500, 2000, 500, 850, 500}));
    CHECK(r.excluded_this_cycle == std::set<std::string>{kF});
    REQUIRE(r.stage == CycleStage::Decided);
    // F's synthetic sample (§2.7)
    const auto& f_sample = state.metric_history.at(t(1s)).vertex_metrics.at(kF);
    CHECK(f_sample.at(M::LOAD) == 0.0);
    CHECK(f_sample.at(M::LAG) == 0.0);
    CHECK(std::isinf(f_sample.at(M::OBSERVED_TPR)));
    CHECK(r.decision->outcome == DecisionOutcome::Scaled);
    CHECK(r.decision->summaries.count(kS) == 1);
    CHECK(r.decision->summaries.count(kF) == 0);
    CHECK(state.parallelism_overrides == std::map<std::string, int>{{kS, 4}, {kK, 4}, {kF, 3}});
    for (const auto& verdict : r.decision->vertices) {
        if (verdict.vertex != kF) continue;
        CHECK(verdict.excluded);
        CHECK(verdict.new_parallelism == 3);
    }
}

// ---------------------------------------------------------------------------------------------
// Restart-duration tracking (§1.4)

TEST_CASE("record_restart_duration records RUNNING - scaling start once every rescaled vertex runs at its new "
          "parallelism",
          "[cycle][tracking]") {
    ScalingHistory history;
    history[kS][t(0s)] = ScalingSummary{8, 2, {}};  // an older decision: irrelevant
    history[kS][t(10s)] = ScalingSummary{1, 4, {}};
    history[kK][t(10s)] = ScalingSummary{1, 3, {}};
    ScalingTracking tracking;
    tracking.records[t(10s)] = std::nullopt;

    SECTION("all rescaled vertices at the new parallelism") {
        CHECK(flinkscaler::record_restart_duration(tracking, history, source_sink(4, 3), t(12'345ms)));
        CHECK(tracking.records.at(t(10s)) == Millis{2'345});
    }
    SECTION("one vertex not yet at its new parallelism: nothing recorded") {
        CHECK_FALSE(flinkscaler::record_restart_duration(tracking, history, source_sink(4, 1), t(12s)));
        CHECK(tracking.records.at(t(10s)) == std::nullopt);
    }
    SECTION("a rescaled vertex missing from the topology counts as a mismatch") {
        history["ffffffffffffffffffffffffffffffff"][t(10s)] = ScalingSummary{1, 2, {}};
        CHECK_FALSE(flinkscaler::record_restart_duration(tracking, history, source_sink(4, 3), t(12s)));
        CHECK(tracking.records.at(t(10s)) == std::nullopt);
    }
    SECTION("a latest record that already has a duration is left alone") {
        tracking.records[t(10s)] = Millis{700};
        CHECK_FALSE(flinkscaler::record_restart_duration(tracking, history, source_sink(4, 3), t(12s)));
        CHECK(tracking.records.at(t(10s)) == Millis{700});
    }
    SECTION("only the latest record is examined") {
        tracking.records[t(20s)] = std::nullopt;
        history[kS][t(20s)] = ScalingSummary{4, 6, {}};
        CHECK_FALSE(flinkscaler::record_restart_duration(tracking, history, source_sink(4, 3), t(25s)));
        CHECK(tracking.records.at(t(10s)) == std::nullopt);
        CHECK(tracking.records.at(t(20s)) == std::nullopt);
        CHECK(flinkscaler::record_restart_duration(tracking, history, source_sink(6, 3), t(25s)));
        CHECK(tracking.records.at(t(20s)) == Millis{5'000});
        CHECK(tracking.records.at(t(10s)) == std::nullopt);
    }
    SECTION("no record: nothing to do") {
        ScalingTracking empty;
        CHECK_FALSE(flinkscaler::record_restart_duration(empty, history, source_sink(4, 3), t(12s)));
        CHECK(empty.records.empty());
    }
}

// ---------------------------------------------------------------------------------------------
// Scheduling jitter (issue 16): the daemon's passes are due every interval but run a few ms early
// or late. With WindowTrim::KeepAnchor a window that filled once stays full, and every decision
// is taken on a window of at least the configured length and less than one interval more.

TEST_CASE("with +-5 ms jitter on the pass times no pass after the first full window is skipped and every "
          "decided window spans at least the configured length",
          "[cycle][window][jitter]") {
    auto conf = example4_conf("60 s");
    conf["job.autoscaler.scale-down.interval"] = "1 h";  // decisions, but no rescale: steady load
    const auto options = options_from(conf);
    const auto topology = source_sink(1, 1);
    const Instant running = kT0 - 1h;
    constexpr auto kInterval = 10s;
    constexpr auto kWindow = 60s;

    for (unsigned seed : {1u, 7u, 42u, 2026u}) {
        std::uint32_t lcg = seed;  // a fixed pseudo-random sequence: reproducible jitter
        const auto jitter = [&] {
            lcg = lcg * 1664525u + 1013904223u;
            return Millis(static_cast<int>(lcg >> 16) % 11 - 5);  // -5 .. +5 ms
        };
        JobState state;
        bool filled = false;
        int decided = 0;
        for (int pass = 0; pass < 100; ++pass) {
            const Instant now = t(pass * kInterval) + jitter();
            auto r = flinkscaler::run_cycle(options, state,
                                            CycleInput{topology, running, steady(pass * 10), now, std::nullopt, {}, false,
                                                       flinkscaler::WindowTrim::KeepAnchor});
            INFO("seed " << seed << ", pass " << pass << ": " << r.summary);
            if (filled) CHECK(r.stage == CycleStage::Decided);
            if (r.stage != CycleStage::Decided) continue;
            filled = true;
            ++decided;
            const Millis span = state.metric_history.rbegin()->first - state.metric_history.begin()->first;
            CHECK(span >= kWindow);
            CHECK(span <= kWindow + kInterval + 10ms);  // one interval more at most (plus the jitter)
        }
        CHECK(decided >= 93);  // the window fills at pass 6 or 7 (as the jitter falls)
    }
}

TEST_CASE("with +-5 ms jitter the reference trim decides on windows one interval short", "[cycle][window][jitter]") {
    // The failure the anchor trim fixes, kept visible: the same schedule under the reference rule.
    auto conf = example4_conf("60 s");
    conf["job.autoscaler.scale-down.interval"] = "1 h";
    const auto options = options_from(conf);
    const auto topology = source_sink(1, 1);
    std::uint32_t lcg = 1;
    JobState state;
    int short_windows = 0;
    for (int pass = 0; pass < 100; ++pass) {
        lcg = lcg * 1664525u + 1013904223u;
        const Instant now = t(pass * 10s) + Millis(static_cast<int>(lcg >> 16) % 11 - 5);
        auto r = cycle(options, state, topology, kT0 - 1h, now, steady(pass * 10));
        if (r.stage == CycleStage::Decided &&
            state.metric_history.rbegin()->first - state.metric_history.begin()->first < 60s)
            ++short_windows;
    }
    CHECK(short_windows > 10);
}

TEST_CASE("the reference trim loses the boundary sample to 1 ms of jitter; the anchor trim keeps it",
          "[cycle][window][jitter]") {
    const auto options = options_from(example4_conf("2 s"));
    const auto topology = source_sink(1, 1);
    const Instant running = kT0 - 60s;
    for (const auto trim : {flinkscaler::WindowTrim::Reference, flinkscaler::WindowTrim::KeepAnchor}) {
        JobState state;
        for (const auto at : {t(0ms), t(1000ms), t(2001ms), t(3002ms)})
            flinkscaler::run_cycle(options, state,
                                   CycleInput{topology, running, steady(0), at, std::nullopt, {}, false, trim});
        const auto times = sample_times(state);
        if (trim == flinkscaler::WindowTrim::Reference)
            CHECK(times == std::vector<Instant>{t(2001ms), t(3002ms)});  // t(1000ms) is 2 ms too old
        else
            CHECK(times == std::vector<Instant>{t(1000ms), t(2001ms), t(3002ms)});
    }
}
