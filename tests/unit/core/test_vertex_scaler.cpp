// SPDX-License-Identifier: Apache-2.0
//
// Per-vertex target parallelism (algorithm.md §4.2-4.8): scale factor and its clamps, expected
// processing rate, observed scalability, ineffective scale-up detection and delayed scale-down,
// pinned to Worked Examples 3, 8, 9, 10 and 12.
#include "flinkscaler/evaluator.hpp"
#include "flinkscaler/job_state.hpp"
#include "flinkscaler/numeric.hpp"
#include "flinkscaler/options.hpp"
#include "flinkscaler/vertex_scaler.hpp"

#include "evaluated_builders.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace flinkscaler;
using namespace std::chrono_literals;
using M = ScalingMetric;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();
const Instant kT0 = instant_from_epoch_ms(1'700'000'000'000);

Instant at(Seconds s) { return kT0 + s; }

using testing::VertexSpec;
using testing::metrics_of;

// One call of compute_scale_target_parallelism with its inputs and outputs kept together.
struct Scaler {
    AutoscalerOptions options;
    VertexId vertex = "ab12cd34ab12cd34ab12cd34ab12cd34";
    std::vector<ShipStrategy> inputs{ShipStrategy::REBALANCE};
    Seconds restart{0};
    VertexScalingHistory history;
    DelayedScaleDown delayed;
    Events events;
    EvaluatedVertexMetrics last_metrics;

    ParallelismChange run(const VertexSpec& spec, Instant now = kT0) {
        last_metrics = metrics_of(spec, options, restart);
        return compute_scale_target_parallelism(options, vertex, inputs, last_metrics, history, restart, delayed, now,
                                                events);
    }
    // Records the last computed change in the vertex's scaling history at `ts` (as a commit does).
    void commit(const ParallelismChange& change, Instant ts) {
        history[ts] = ScalingSummary{change.current_parallelism, change.new_parallelism, last_metrics};
    }
    const std::vector<DelayedScaleDown::Recommendation>& queue() const {
        return delayed.vertices.at(vertex).recommendations;
    }
};

using Rec = DelayedScaleDown::Recommendation;

ScalingSummary summary(int current, int next, double tpr) {
    ScalingSummary s;
    s.current_parallelism = current;
    s.new_parallelism = next;
    s.metrics[M::TRUE_PROCESSING_RATE] = EvaluatedScalingMetric::of_average(tpr);
    return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Basics

TEST_CASE("unknown true processing rate means no change and no expected rate", "[vertex_scaler]") {
    Scaler s;
    s.options.scale_down_interval = 0ms;
    const auto change = s.run({.p = 4, .tpr = kNan, .target = 1000});
    CHECK_FALSE(change.changed);
    CHECK(change.new_parallelism == 4);
    CHECK(change.current_parallelism == 4);
    CHECK(s.last_metrics.count(M::EXPECTED_PROCESSING_RATE) == 0);
    CHECK(s.events.empty());
}

TEST_CASE("unknown target data rate means no change", "[vertex_scaler]") {
    Scaler s;
    const auto change = s.run({.p = 4, .tpr = 100, .target = kNan});
    CHECK_FALSE(change.changed);
    CHECK(s.last_metrics.count(M::EXPECTED_PROCESSING_RATE) == 0);
}

TEST_CASE("EXPECTED_PROCESSING_RATE is tpr / p * n, not tpr times the factor", "[vertex_scaler]") {
    Scaler s;
    s.options = AutoscalerOptions::from({{"job.autoscaler.catch-up.duration", "0"}});
    // capacity JROUND(175 / 0.7) = 250, f = 2.5, n = ceil(7.5) = 8; tpr * f would be 250.
    const auto change = s.run({.p = 3, .tpr = 100, .target = 175});
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 8);
    CHECK(current_of(s.last_metrics, M::EXPECTED_PROCESSING_RATE) == 266.667);  // R3(100 / 3 * 8)
    CHECK(std::isnan(average_of(s.last_metrics, M::EXPECTED_PROCESSING_RATE)));
}

TEST_CASE("scale-up.max-factor caps the scale factor", "[vertex_scaler]") {
    Scaler s;
    s.options = AutoscalerOptions::from(
        {{"job.autoscaler.catch-up.duration", "0"}, {"job.autoscaler.scale-up.max-factor", "0.5"}});
    // capacity 1429 for tpr 100: f = 14.29, capped to 1.5
    const auto change = s.run({.p = 10, .tpr = 100, .target = 1000});
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 15);
    CHECK(change.outside_utilization_bound);
}

TEST_CASE("scale-down.max-factor floors the scale factor", "[vertex_scaler]") {
    Scaler s;
    s.options = AutoscalerOptions::from({{"job.autoscaler.catch-up.duration", "0"},
                                         {"job.autoscaler.scale-down.max-factor", "0.2"},
                                         {"job.autoscaler.scale-down.interval", "0"}});
    // capacity 143 for tpr 1000: f = 0.143, floored to 0.8
    const auto change = s.run({.p = 10, .tpr = 1000, .target = 100});
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 8);
    CHECK(change.outside_utilization_bound);
}

TEST_CASE("an infinite true processing rate scales down by the maximum factor", "[vertex_scaler]") {
    Scaler s;
    s.options = AutoscalerOptions::from({{"job.autoscaler.scale-down.interval", "0"}});
    const auto change = s.run({.p = 10, .tpr = kInfinity, .target = 100});
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 4);  // f = 0 -> 1 - 0.6
}

TEST_CASE("vertex limits never force a vertex outside them to change", "[vertex_scaler]") {
    Scaler s;
    s.options = AutoscalerOptions::from({{"job.autoscaler.catch-up.duration", "0"},
                                         {"job.autoscaler.scale-down.interval", "0"},
                                         {"job.autoscaler.vertex.min-parallelism", "5"}});
    // p 250 above vertex.max-parallelism 200: upper = 250, f 1.1 cannot raise it, nothing lowers it.
    auto change = s.run({.p = 250, .tpr = 1000, .target = 770});
    CHECK_FALSE(change.changed);
    // p 2 below vertex.min-parallelism 5: lower = 2, f 0.5 cannot lower it, nothing raises it.
    change = s.run({.p = 2, .tpr = 1000, .target = 350});
    CHECK_FALSE(change.changed);
}

// ---------------------------------------------------------------------------------------------
// Example 3

TEST_CASE("Example 3: map vertex M scales 4 -> 8 with EXPECTED 4040.404 and is outside its band",
          "[vertex_scaler][example3]") {
    Scaler s;
    s.restart = 300s;
    const VertexSpec m{.p = 4, .tpr = 2020.202, .target = 2300, .catch_up = 26.667, .max_parallelism = 128};
    const auto metrics = metrics_of(m, s.options, s.restart);
    REQUIRE(current_of(metrics, M::SCALE_UP_RATE_THRESHOLD) == 2327);
    REQUIRE(current_of(metrics, M::SCALE_DOWN_RATE_THRESHOLD) == 6160);
    REQUIRE(target_processing_capacity(metrics, s.options, 0.7, true, s.restart) == 3696);

    const auto change = s.run(m);
    REQUIRE(change.changed);
    CHECK(change.current_parallelism == 4);
    CHECK(change.new_parallelism == 8);
    CHECK(change.outside_utilization_bound);
    CHECK(current_of(s.last_metrics, M::EXPECTED_PROCESSING_RATE) == 4040.404);
    CHECK(s.events.empty());
}

TEST_CASE("Example 3: source S computes 3, aligns back to 4 and clears its delayed scale-down entry",
          "[vertex_scaler][example3]") {
    Scaler s;
    s.restart = 300s;
    s.inputs = {};
    s.delayed.trigger(s.vertex, kT0 - 10min, 3, false);
    s.delayed.updated = false;
    const auto change =
        s.run({.p = 4, .tpr = 5000, .target = 2300, .catch_up = 26.667, .max_parallelism = 128, .partitions = 8});
    CHECK_FALSE(change.changed);
    CHECK(change.new_parallelism == 4);
    CHECK(s.delayed.vertices.count(s.vertex) == 0);
    CHECK(s.delayed.updated);
    CHECK(s.last_metrics.count(M::EXPECTED_PROCESSING_RATE) == 0);
}

TEST_CASE("Example 3: keyed sink K computes its current parallelism 2", "[vertex_scaler][example3]") {
    Scaler s;
    s.restart = 300s;
    s.inputs = {ShipStrategy::HASH};
    const auto change = s.run({.p = 2, .tpr = 7547.17, .target = 4600, .catch_up = 53.334, .max_parallelism = 128});
    CHECK_FALSE(change.changed);
    CHECK(change.new_parallelism == 2);
}

// ---------------------------------------------------------------------------------------------
// Example 8 — delayed scale-down

TEST_CASE("Example 8: a scale-down waits scale-down.interval and then takes the window maximum",
          "[vertex_scaler][example8]") {
    Scaler s;
    s.options = AutoscalerOptions::from({{"job.autoscaler.utilization.target", "1.0"},
                                         {"job.autoscaler.scale-down.interval", "60 s"},
                                         {"job.autoscaler.catch-up.duration", "0"}});
    const auto cycle = [&](int t, double target) { return s.run({.p = 100, .tpr = 1000, .target = target}, at(Seconds(t))); };

    auto change = cycle(0, 800);
    CHECK_FALSE(change.changed);
    CHECK(s.delayed.vertices.at(s.vertex).first_trigger_time == at(0s));
    CHECK(s.queue() == std::vector<Rec>{{at(0s), 80, false}});
    CHECK(current_of(s.last_metrics, M::EXPECTED_PROCESSING_RATE) == 800);

    change = cycle(10, 900);
    CHECK_FALSE(change.changed);
    CHECK(s.queue() == std::vector<Rec>{{at(10s), 90, false}});

    change = cycle(40, 720);
    CHECK_FALSE(change.changed);
    CHECK(s.queue() == std::vector<Rec>{{at(10s), 90, false}, {at(40s), 72, false}});

    change = cycle(59, 640);  // TPR 1000 > down threshold 914: outside
    CHECK_FALSE(change.changed);
    CHECK(s.queue() == std::vector<Rec>{{at(10s), 90, false}, {at(40s), 72, false}, {at(59s), 64, true}});
    CHECK(s.delayed.vertices.at(s.vertex).first_trigger_time == at(0s));

    change = cycle(60, 700);
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 90);
    CHECK(change.current_parallelism == 100);
    CHECK_FALSE(change.outside_utilization_bound);  // the flag of the (10 s, 90) recommendation
    CHECK(s.queue() == std::vector<Rec>{{at(10s), 90, false}, {at(40s), 72, false}, {at(60s), 70, false}});
    CHECK(s.delayed.vertices.at(s.vertex).first_trigger_time == at(0s));
    // EXPECTED is computed from this cycle's n (70), not from the executed window maximum.
    CHECK(current_of(s.last_metrics, M::EXPECTED_PROCESSING_RATE) == 700);

    SECTION("once the delay has passed, further scale-downs execute at once with the sliding-window maximum") {
        change = cycle(61, 750);  // window [1 s, 61 s] still holds (10 s, 90)
        REQUIRE(change.changed);
        CHECK(change.new_parallelism == 90);
        CHECK(s.queue() == std::vector<Rec>{{at(10s), 90, false}, {at(61s), 75, false}});
        change = cycle(71, 750);  // window [11 s, 71 s]: (10 s, 90) drops out
        REQUIRE(change.changed);
        CHECK(change.new_parallelism == 75);
        CHECK(s.queue() == std::vector<Rec>{{at(71s), 75, false}});
    }
    SECTION("a no-change cycle clears the queue and the next scale-down starts a fresh delay") {
        change = cycle(70, 1000);
        CHECK_FALSE(change.changed);
        CHECK(s.delayed.vertices.count(s.vertex) == 0);
        change = cycle(80, 800);
        CHECK_FALSE(change.changed);
        CHECK(s.delayed.vertices.at(s.vertex).first_trigger_time == at(80s));
        change = cycle(139, 800);
        CHECK_FALSE(change.changed);
        change = cycle(140, 800);
        REQUIRE(change.changed);
        CHECK(change.new_parallelism == 80);
    }
    SECTION("a scale-up is applied immediately and clears the queue") {
        change = cycle(70, 1700);
        REQUIRE(change.changed);
        CHECK(change.new_parallelism == 170);
        CHECK(s.delayed.vertices.count(s.vertex) == 0);
    }
}

TEST_CASE("scale-down.interval 0 executes a scale-down immediately without touching the delayed state",
          "[vertex_scaler][example8]") {
    Scaler s;
    s.options = AutoscalerOptions::from({{"job.autoscaler.utilization.target", "1.0"},
                                         {"job.autoscaler.scale-down.interval", "0"},
                                         {"job.autoscaler.catch-up.duration", "0"}});
    const auto change = s.run({.p = 100, .tpr = 1000, .target = 800});
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 80);
    CHECK(s.delayed.vertices.empty());
    CHECK_FALSE(s.delayed.updated);
}

// ---------------------------------------------------------------------------------------------
// Example 9 — ineffective scaling

TEST_CASE("Example 9: ineffective scale-ups are detected against the last decision only", "[vertex_scaler][example9]") {
    Scaler s;
    s.options = AutoscalerOptions::from({{"job.autoscaler.utilization.target", "1.0"},
                                         {"job.autoscaler.scaling.effectiveness.detection.enabled", "true"},
                                         {"job.autoscaler.scaling.effectiveness.threshold", "0.1"},
                                         {"job.autoscaler.scale-down.interval", "0"},
                                         {"job.autoscaler.catch-up.duration", "0"}});
    const std::string v = s.vertex;

    // 1. p 5, target 100, TPR 50 -> 10 (EXPECTED 100)
    auto change = s.run({.p = 5, .tpr = 50, .target = 100});
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 10);
    CHECK(current_of(s.last_metrics, M::EXPECTED_PROCESSING_RATE) == 100);
    s.commit(change, at(0s));

    // 2. p 10, target 180, TPR 90: gain 40 of 50 -> effective -> 20 (EXPECTED 180)
    change = s.run({.p = 10, .tpr = 90, .target = 180});
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 20);
    CHECK(current_of(s.last_metrics, M::EXPECTED_PROCESSING_RATE) == 180);
    CHECK(s.events.empty());
    s.commit(change, at(60s));

    // 3. p 20, TPR 94: gain 4 of 90 -> ineffective -> blocked with an event
    change = s.run({.p = 20, .tpr = 94, .target = 180});
    CHECK_FALSE(change.changed);
    CHECK(change.new_parallelism == 20);
    REQUIRE(s.events.size() == 1);
    const Event& e = s.events.front();
    CHECK(e.type == EventType::Normal);
    CHECK(e.reason == "IneffectiveScaling");
    CHECK(e.message == "Ineffective scaling detected for " + v +
                           " (expected increase: 90.0, actual increase 4.0). Blocking of ineffective scaling "
                           "decisions is enabled");
    CHECK(e.message_key == std::optional<std::string>("ineffective" + v + "90.0"));
    CHECK(e.interval == std::optional<Millis>(std::chrono::minutes(30)));

    //    TPR 98: 8 / 90 = 0.089 -> still blocked
    s.events.clear();
    change = s.run({.p = 20, .tpr = 98, .target = 180});
    CHECK_FALSE(change.changed);
    REQUIRE(s.events.size() == 1);
    CHECK(s.events.front().message.find("actual increase 8.0") != std::string::npos);

    // 4. p 10 (rescaled manually, != last new 20) -> not checked -> 20
    s.events.clear();
    change = s.run({.p = 10, .tpr = 90, .target = 180});
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 20);
    CHECK(s.events.empty());

    // 5. p 20, TPR 100: 10 / 90 = 0.111 -> effective -> ceil(20 * 1.8) = 36
    change = s.run({.p = 20, .tpr = 100, .target = 180});
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 36);
    CHECK(s.events.empty());

    // 6. detection disabled, TPR 90: the event is still emitted (saying "disabled"), scaling proceeds -> 40
    s.options.effectiveness_detection_enabled = false;
    change = s.run({.p = 20, .tpr = 90, .target = 180});
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 40);
    REQUIRE(s.events.size() == 1);
    CHECK(s.events.front().reason == "IneffectiveScaling");
    CHECK(s.events.front().message == "Ineffective scaling detected for " + v +
                                          " (expected increase: 90.0, actual increase 0.0). Blocking of ineffective "
                                          "scaling decisions is disabled");

    // 7. scale-downs are never blocked: p 20, target 45, TPR 90 -> 10
    s.options.effectiveness_detection_enabled = true;
    s.events.clear();
    change = s.run({.p = 20, .tpr = 90, .target = 45});
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 10);
    CHECK(s.events.empty());
}

TEST_CASE("ineffective-scaling check ignores a last decision that was a scale-down", "[vertex_scaler][example9]") {
    Scaler s;
    s.options = AutoscalerOptions::from({{"job.autoscaler.utilization.target", "1.0"},
                                         {"job.autoscaler.scaling.effectiveness.detection.enabled", "true"},
                                         {"job.autoscaler.catch-up.duration", "0"}});
    auto last = summary(40, 20, 90);
    last.metrics[M::EXPECTED_PROCESSING_RATE] = EvaluatedScalingMetric::of_current(500);
    s.history[at(0s)] = last;
    const auto change = s.run({.p = 20, .tpr = 90, .target = 180});
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 40);
    CHECK(s.events.empty());
}

TEST_CASE("a scale-up clears the vertex's delayed scale-down entry", "[vertex_scaler]") {
    Scaler s;
    s.delayed.trigger(s.vertex, kT0 - 1min, 2, false);
    const auto change = s.run({.p = 4, .tpr = 100, .target = 1000});
    REQUIRE(change.changed);
    CHECK(change.new_parallelism > 4);
    CHECK(s.delayed.vertices.empty());
}

// ---------------------------------------------------------------------------------------------
// Example 10 — observed scalability

TEST_CASE("Example 10: observed scalability coefficient of a sub-linear history is 0.69", "[vertex_scaler][example10]") {
    const auto options = AutoscalerOptions::from({{"job.autoscaler.observed-scalability.enabled", "true"}});
    VertexScalingHistory history;
    history[at(0s)] = summary(4, 2, 160);
    history[at(60s)] = summary(2, 8, 96);
    history[at(120s)] = summary(8, 4, 240);
    CHECK(observed_scalability_coefficient(history, options) == 0.69);
}

TEST_CASE("Example 10: the coefficient divides the scale factor (2 -> 15); a linear history gives 1.0 (2 -> 10)",
          "[vertex_scaler][example10]") {
    Scaler s;
    s.options = AutoscalerOptions::from({{"job.autoscaler.observed-scalability.enabled", "true"},
                                         {"job.autoscaler.utilization.target", "0.5"},
                                         {"job.autoscaler.catch-up.duration", "0"}});
    s.history[at(0s)] = summary(4, 2, 160);
    s.history[at(60s)] = summary(2, 8, 96);
    s.history[at(120s)] = summary(8, 4, 240);
    auto change = s.run({.p = 2, .tpr = 40, .target = 100}, at(180s));
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 15);

    s.history.clear();
    s.history[at(0s)] = summary(4, 2, 200);
    s.history[at(60s)] = summary(2, 8, 100);
    s.history[at(120s)] = summary(8, 4, 400);
    CHECK(observed_scalability_coefficient(s.history, s.options) == 1.0);
    change = s.run({.p = 2, .tpr = 40, .target = 100}, at(180s));
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 10);
}

TEST_CASE("observed scalability is ignored when disabled", "[vertex_scaler][example10]") {
    Scaler s;
    s.options = AutoscalerOptions::from(
        {{"job.autoscaler.utilization.target", "0.5"}, {"job.autoscaler.catch-up.duration", "0"}});
    s.history[at(0s)] = summary(4, 2, 160);
    s.history[at(60s)] = summary(2, 8, 96);
    s.history[at(120s)] = summary(8, 4, 240);
    const auto change = s.run({.p = 2, .tpr = 40, .target = 100}, at(180s));
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 10);
}

TEST_CASE("observed scalability coefficient is 1.0 below min-observations or with an unknown rate",
          "[vertex_scaler][example10]") {
    const auto options = AutoscalerOptions::from({{"job.autoscaler.observed-scalability.enabled", "true"}});
    VertexScalingHistory history;
    CHECK(observed_scalability_coefficient(history, options) == 1.0);
    history[at(0s)] = summary(4, 2, 160);
    history[at(60s)] = summary(2, 8, 96);
    CHECK(observed_scalability_coefficient(history, options) == 1.0);  // 2 < 3 observations
    history[at(120s)] = summary(8, 4, kNan);
    CHECK(observed_scalability_coefficient(history, options) == 1.0);  // a NaN rate
}

TEST_CASE("observed scalability coefficient uses a parallelism-1 entry as baseline and clamps at coefficient-min",
          "[vertex_scaler][example10]") {
    const auto options = AutoscalerOptions::from({{"job.autoscaler.observed-scalability.enabled", "true"}});
    VertexScalingHistory history;
    // No gain from parallelism: baseline 100 (P 1), alpha = 700 / (21 * 100) = 0.333 -> 0.5
    history[at(0s)] = summary(1, 2, 100);
    history[at(60s)] = summary(2, 4, 100);
    history[at(120s)] = summary(4, 8, 100);
    CHECK(observed_scalability_coefficient(history, options) == 0.5);
    const auto lower_min = AutoscalerOptions::from({{"job.autoscaler.observed-scalability.enabled", "true"},
                                                    {"job.autoscaler.observed-scalability.coefficient-min", "0.1"}});
    CHECK(observed_scalability_coefficient(history, lower_min) == 0.34);  // CEIL2(0.3333)
}

TEST_CASE("observed scalability baseline: among equal smallest parallelisms the newest entry wins",
          "[vertex_scaler][example10]") {
    const auto options = AutoscalerOptions::from({{"job.autoscaler.observed-scalability.enabled", "true"}});
    VertexScalingHistory history;
    history[at(0s)] = summary(2, 4, 100);
    history[at(60s)] = summary(4, 2, 160);
    history[at(120s)] = summary(2, 4, 80);
    // baseline 80 / 2 = 40 (newest P 2): alpha = 1000 / (24 * 40) = 1.04 -> 1.0;
    // the oldest P 2 would give 50: alpha = 0.833 -> 0.84
    CHECK(observed_scalability_coefficient(history, options) == 1.0);
}

// ---------------------------------------------------------------------------------------------
// Example 12 — idle source

TEST_CASE("Example 12: idle source with scale-down.max-factor 1 scales 5 -> 1", "[vertex_scaler][example12]") {
    Scaler s;
    s.inputs = {};
    s.options = AutoscalerOptions::from(
        {{"job.autoscaler.scale-down.max-factor", "1"}, {"job.autoscaler.scale-down.interval", "0"}});
    const VertexSpec spec{.p = 5, .tpr = 5000, .target = 500, .catch_up = 0};
    const auto metrics = metrics_of(spec, s.options, s.restart);
    REQUIRE(current_of(metrics, M::SCALE_UP_RATE_THRESHOLD) == 500);
    REQUIRE(current_of(metrics, M::SCALE_DOWN_RATE_THRESHOLD) == 1250);
    const auto change = s.run(spec);
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 1);
    CHECK(change.outside_utilization_bound);
}

TEST_CASE("Example 12: idle source with the default max-factor 0.6 scales 5 -> 2 after the 1 h delay",
          "[vertex_scaler][example12]") {
    Scaler s;
    s.inputs = {};
    const VertexSpec spec{.p = 5, .tpr = 5000, .target = 500, .catch_up = 0};
    auto change = s.run(spec, at(0s));
    CHECK_FALSE(change.changed);
    CHECK(s.queue() == std::vector<Rec>{{at(0s), 2, true}});
    change = s.run(spec, at(3599s));
    CHECK_FALSE(change.changed);
    change = s.run(spec, at(3600s));
    REQUIRE(change.changed);
    CHECK(change.new_parallelism == 2);
    CHECK(change.outside_utilization_bound);
}

// ---------------------------------------------------------------------------------------------
// Properties

TEST_CASE("property: a scale-up never yields n <= p and a scale-down never yields n >= p",
          "[vertex_scaler][property]") {
    std::mt19937 rng(4711);
    Scaler s;
    s.options = AutoscalerOptions::from({{"job.autoscaler.scale-down.interval", "0"}});
    s.restart = 300s;
    for (int i = 0; i < 3000; ++i) {
        VertexSpec spec;
        spec.max_parallelism = std::uniform_int_distribution<int>(1, 1024)(rng);
        spec.p = std::uniform_int_distribution<int>(1, spec.max_parallelism)(rng);
        spec.tpr = std::uniform_real_distribution<double>(1.0, 1e6)(rng);
        spec.target = std::uniform_real_distribution<double>(0.0, 1e6)(rng);
        spec.catch_up = std::uniform_real_distribution<double>(0.0, 1e4)(rng);
        const int kind = i % 3;
        s.inputs = kind == 0 ? std::vector<ShipStrategy>{ShipStrategy::HASH}
                             : std::vector<ShipStrategy>{ShipStrategy::REBALANCE};
        spec.partitions = kind == 2 ? std::uniform_int_distribution<int>(1, 300)(rng) : 0;
        if (kind == 2) s.inputs.clear();
        s.delayed = {};
        const auto change = s.run(spec);
        const double capacity = target_processing_capacity(s.last_metrics, s.options, 0.7, true, s.restart);
        CAPTURE(i, spec.p, spec.tpr, spec.target, spec.catch_up, spec.max_parallelism, spec.partitions, capacity);
        CHECK(change.current_parallelism == spec.p);
        if (!change.changed) {
            CHECK(change.new_parallelism == spec.p);
            continue;
        }
        if (capacity > spec.tpr) CHECK(change.new_parallelism > spec.p);
        if (capacity < spec.tpr) CHECK(change.new_parallelism < spec.p);
        CHECK(change.new_parallelism >= 1);
        CHECK(change.new_parallelism <= std::min(spec.max_parallelism, std::max(spec.p, 200)));
        // EXPECTED_PROCESSING_RATE = R3(tpr / p * n) whenever a change is computed
        CHECK(current_of(s.last_metrics, M::EXPECTED_PROCESSING_RATE) ==
              round_metric((average_of(s.last_metrics, M::TRUE_PROCESSING_RATE) / spec.p) * change.new_parallelism));
        // outside flag = TPR below the scale-up or above the scale-down threshold
        const double tpr = average_of(s.last_metrics, M::TRUE_PROCESSING_RATE);
        CHECK(change.outside_utilization_bound ==
              (tpr < current_of(s.last_metrics, M::SCALE_UP_RATE_THRESHOLD) ||
               tpr > current_of(s.last_metrics, M::SCALE_DOWN_RATE_THRESHOLD)));
    }
}

TEST_CASE("property: the delayed scale-down queue stays strictly decreasing and the executed value is its maximum",
          "[vertex_scaler][property]") {
    std::mt19937 rng(12345);
    Scaler s;
    s.options = AutoscalerOptions::from({{"job.autoscaler.utilization.target", "1.0"},
                                         {"job.autoscaler.scale-down.interval", "60 s"},
                                         {"job.autoscaler.catch-up.duration", "0"}});
    std::vector<std::pair<int, int>> wishes;  // (second, n) since the last clear
    std::uniform_int_distribution<int> down(500, 990);   // f <= 0.99: n < 100
    std::uniform_int_distribution<int> up(1000, 1050);   // f >= 1: n >= 100
    for (int t = 0; t < 3000; t += std::uniform_int_distribution<int>(1, 20)(rng)) {
        const double target = std::uniform_int_distribution<int>(0, 4)(rng) == 0 ? up(rng) : down(rng);
        const auto change = s.run({.p = 100, .tpr = 1000, .target = target}, at(Seconds(t)));
        const auto it = s.delayed.vertices.find(s.vertex);
        CAPTURE(t, target);
        if (target >= 1000) {  // n >= p: no change or scale-up clears the entry
            CHECK(it == s.delayed.vertices.end());
            wishes.clear();
            continue;
        }
        REQUIRE(it != s.delayed.vertices.end());
        // n of this cycle, recovered from EXPECTED = 1000 / 100 * n
        wishes.emplace_back(t, static_cast<int>(std::lround(current_of(s.last_metrics, M::EXPECTED_PROCESSING_RATE) / 10.0)));
        const auto& q = it->second.recommendations;
        for (std::size_t k = 1; k < q.size(); ++k) CHECK(q[k - 1].parallelism > q[k].parallelism);
        CHECK(q.back().trigger_time == at(Seconds(t)));
        const bool due = !(at(Seconds(t)) - 60s < it->second.first_trigger_time);
        CHECK(it->second.first_trigger_time == at(Seconds(wishes.front().first)));
        if (!due) {
            CHECK_FALSE(change.changed);
            continue;
        }
        int best = 0;
        for (const auto& [second, n] : wishes)
            if (second >= t - 60) best = std::max(best, n);
        CHECK(change.changed);
        CHECK(change.new_parallelism == best);
    }
}
