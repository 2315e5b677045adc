// SPDX-License-Identifier: Apache-2.0
//
// History + topology -> evaluated metrics (algorithm.md §3.4-3.8) and the evaluation numbers of
// Worked Examples 1-6.
#include "flinkscaler/evaluator.hpp"
#include "flinkscaler/numeric.hpp"
#include "flinkscaler/sample.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

using namespace flinkscaler;

namespace {

using M = ScalingMetric;

VertexInfo vertex(const VertexId& id, std::map<VertexId, ShipStrategy> inputs = {}, int parallelism = 1,
                  int max_parallelism = 128, int partitions = 0) {
    VertexInfo v;
    v.id = id;
    v.inputs = std::move(inputs);
    v.parallelism = parallelism;
    v.max_parallelism = max_parallelism;
    v.num_source_partitions = partitions;
    return v;
}

std::map<VertexId, ShipStrategy> from(std::initializer_list<VertexId> inputs,
                                      ShipStrategy strategy = ShipStrategy::REBALANCE) {
    std::map<VertexId, ShipStrategy> result;
    for (const auto& input : inputs) result[input] = strategy;
    return result;
}

AutoscalerOptions options_with(const Configuration& conf = {}) { return AutoscalerOptions::from(conf); }

// Adds (or extends) the metrics of vertex `v` in the sample at `ms`.
void put(MetricHistory& h, std::int64_t ms, const VertexId& v, const MetricValues& values) {
    auto& target = h[instant_from_epoch_ms(ms)].vertex_metrics[v];
    for (const auto& [metric, value] : values) target[metric] = value;
}

void put_global(MetricHistory& h, std::int64_t ms, const MetricValues& values) {
    auto& target = h[instant_from_epoch_ms(ms)].global_metrics;
    for (const auto& [metric, value] : values) target[metric] = value;
}

double avg(const EvaluatedMetrics& e, const VertexId& v, M m) { return average_of(e.vertex_metrics.at(v), m); }
double cur(const EvaluatedMetrics& e, const VertexId& v, M m) { return current_of(e.vertex_metrics.at(v), m); }

EvaluatedVertexMetrics rates(double target, double catch_up) {
    return {{M::TARGET_DATA_RATE, EvaluatedScalingMetric::of_average(target)},
            {M::CATCH_UP_DATA_RATE, EvaluatedScalingMetric::of_current(catch_up)}};
}

// ---- Example 1: S -> K, two samples at 1 s and 2 s ---------------------------------------------

JobTopology example1_topology() { return JobTopology({vertex("S"), vertex("K", from({"S"}))}); }

MetricHistory example1_history() {
    MetricHistory h;
    put(h, 1000, "S", {{M::LAG, 950.0}, {M::NUM_RECORDS_IN, 0.0}, {M::NUM_RECORDS_OUT, 0.0}, {M::LOAD, 0.8}});
    put(h, 2000, "S", {{M::LAG, 1000.0}, {M::NUM_RECORDS_IN, 100.0}, {M::NUM_RECORDS_OUT, 200.0}, {M::LOAD, 0.6}});
    put(h, 1000, "K", {{M::NUM_RECORDS_IN, 0.0}, {M::LOAD, 0.4}});
    put(h, 2000, "K", {{M::NUM_RECORDS_IN, 200.0}, {M::LOAD, 0.3}});
    return h;
}

// ---- Example 3: S -> M -> K under defaults, built from raw metrics -------------------------------

JobTopology example3_topology() {
    return JobTopology({vertex("S", {}, 4, 128, 8), vertex("M", from({"S"}, ShipStrategy::REBALANCE), 4, 128),
                        vertex("K", from({"M"}, ShipStrategy::HASH), 2, 128)});
}

AggregatedMetric sum_of(double sum) {
    AggregatedMetric a;
    a.sum = sum;
    return a;
}
AggregatedMetric max_of(double max) {
    AggregatedMetric a;
    a.max = max;
    return a;
}
AggregatedMetric avg_of(double average) {
    AggregatedMetric a;
    a.avg = average;
    return a;
}

RawJobMetrics example3_raw(bool second) {
    RawJobMetrics raw;
    auto& s = raw.vertices["S"];
    s.io = IoCounters{0.0, second ? 1120000.0 : 1000000.0, kNaN};
    s.metrics[FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN] = sum_of(second ? 1120000.0 : 1000000.0);
    s.metrics[FlinkMetric::PENDING_RECORDS] = sum_of(second ? 48000.0 : 30000.0);
    s.metrics[FlinkMetric::BUSY_TIME_PER_SEC] = max_of(400.0);
    s.metrics[FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC] = sum_of(2000.0);
    s.metrics[FlinkMetric::BACKPRESSURE_TIME_PER_SEC] = avg_of(550.0);
    auto& m = raw.vertices["M"];
    m.io = IoCounters{second ? 5120000.0 : 5000000.0, second ? 10240000.0 : 10000000.0, kNaN};
    m.metrics[FlinkMetric::BUSY_TIME_PER_SEC] = max_of(second ? 1000.0 : 980.0);
    m.metrics[FlinkMetric::NUM_RECORDS_IN_PER_SEC] = sum_of(second ? 2020.0 : 1980.0);
    auto& k = raw.vertices["K"];
    k.io = IoCounters{second ? 9240000.0 : 9000000.0, 0.0, kNaN};
    k.metrics[FlinkMetric::BUSY_TIME_PER_SEC] = max_of(second ? 560.0 : 500.0);
    k.metrics[FlinkMetric::NUM_RECORDS_IN_PER_SEC] = sum_of(second ? 4100.0 : 3900.0);
    return raw;
}

MetricHistory example3_history(const JobTopology& topology, const AutoscalerOptions& options) {
    const std::int64_t t0 = 1'700'000'000'000;
    MetricHistory h;
    h[instant_from_epoch_ms(t0)] = compute_sample(topology, example3_raw(false), h, options, nullptr);
    h[instant_from_epoch_ms(t0 + 60000)] = compute_sample(topology, example3_raw(true), h, options, nullptr);
    return h;
}

// ---- Example 5: a source with busy time 100 ms/s and 35 records/s -------------------------------

MetricHistory example5_history(double load, double records_in_at_end, bool with_observed) {
    MetricHistory h;
    put(h, 0, "S", {{M::NUM_RECORDS_IN, 0.0}, {M::LAG, 0.0}, {M::LOAD, load}});
    put(h, 1000, "S", {{M::NUM_RECORDS_IN, records_in_at_end}, {M::LAG, 0.0}, {M::LOAD, load}});
    if (with_observed) {
        put(h, 0, "S", {{M::OBSERVED_TPR, 200.0}});
        put(h, 1000, "S", {{M::OBSERVED_TPR, 400.0}});
    }
    return h;
}

double example5_tpr(const MetricHistory& h, const Configuration& conf = {}) {
    const auto e = evaluate(JobTopology({vertex("S")}), h, options_with(conf), Seconds(0));
    return avg(e, "S", M::TRUE_PROCESSING_RATE);
}

// ---- Example 6: S1 -> O <- S2, O -> K ----------------------------------------------------------

MetricHistory example6_history(double o_in_end = 350.0) {
    MetricHistory h;
    for (const auto& s : {"S1", "S2"}) {
        put(h, 0, s, {{M::NUM_RECORDS_IN, 100.0}, {M::NUM_RECORDS_OUT, 100.0}, {M::LAG, 0.0}, {M::LOAD, 0.5}});
        put(h, 1000, s, {{M::NUM_RECORDS_IN, 200.0}, {M::LAG, 0.0}, {M::LOAD, 0.5}});
    }
    put(h, 1000, "S1", {{M::NUM_RECORDS_OUT, 300.0}});
    put(h, 1000, "S2", {{M::NUM_RECORDS_OUT, 150.0}});
    put(h, 0, "O", {{M::NUM_RECORDS_IN, 100.0}, {M::LOAD, 0.5}});
    put(h, 1000, "O", {{M::NUM_RECORDS_IN, o_in_end}, {M::LOAD, 0.5}});
    put(h, 0, "K", {{M::NUM_RECORDS_IN, 100.0}, {M::LOAD, 0.5}});
    put(h, 1000, "K", {{M::NUM_RECORDS_IN, 150.0}, {M::LOAD, 0.5}});
    return h;
}

}  // namespace

TEST_CASE("source target rate adds backlog growth to the records-in rate (Example 1)", "[evaluator][example1]") {
    const auto options = options_with({{"job.autoscaler.catch-up.duration", "2 s"}});
    const auto e = evaluate(example1_topology(), example1_history(), options, Seconds(0));
    CHECK(avg(e, "S", M::TARGET_DATA_RATE) == 150.0);  // 100/s read + 50/s backlog growth
    CHECK(is_nan(cur(e, "S", M::TARGET_DATA_RATE)));
    CHECK(cur(e, "S", M::CATCH_UP_DATA_RATE) == 500.0);
    CHECK(is_nan(avg(e, "S", M::CATCH_UP_DATA_RATE)));
    CHECK(avg(e, "S", M::LOAD) == 0.7);
    CHECK(cur(e, "S", M::LAG) == 1000.0);
    // Sources have no per-second gauge: the TPR numerator is the counter rate, 100 / 0.7.
    CHECK(avg(e, "S", M::TRUE_PROCESSING_RATE) == 142.857);
    CHECK_FALSE(e.processing_backlog);
}

TEST_CASE("non-source rates propagate through the output ratio of a single-input edge (Example 1)",
          "[evaluator][example1]") {
    const auto options = options_with({{"job.autoscaler.catch-up.duration", "2 s"}});
    const auto topology = example1_topology();
    const auto history = example1_history();
    CHECK(output_ratio(topology, history, "S", "K") == 2.0);  // K's input rate 200 / S's input rate 100
    const auto e = evaluate(topology, history, options, Seconds(0));
    CHECK(avg(e, "K", M::TARGET_DATA_RATE) == 300.0);
    CHECK(cur(e, "K", M::CATCH_UP_DATA_RATE) == 1000.0);
    CHECK(avg(e, "K", M::LOAD) == 0.35);
    CHECK(e.vertex_metrics.at("K").count(M::LAG) == 0);
    CHECK(avg(e, "K", M::TRUE_PROCESSING_RATE) == 571.429);  // 200 / 0.35
}

TEST_CASE("catch-up rate is lag / secs(catch-up duration) and 0 when that is 0 s (Example 1)",
          "[evaluator][example1]") {
    const auto evaluate_with = [](const std::string& catch_up) {
        return evaluate(example1_topology(), example1_history(),
                        options_with({{"job.autoscaler.catch-up.duration", catch_up}}), Seconds(0));
    };
    const auto one = evaluate_with("1 s");
    CHECK(cur(one, "S", M::CATCH_UP_DATA_RATE) == 1000.0);
    CHECK(cur(one, "K", M::CATCH_UP_DATA_RATE) == 2000.0);
    CHECK(avg(one, "S", M::TARGET_DATA_RATE) == 150.0);
    CHECK(avg(one, "K", M::TARGET_DATA_RATE) == 300.0);
    const auto zero = evaluate_with("0 s");
    CHECK(cur(zero, "S", M::CATCH_UP_DATA_RATE) == 0.0);
    CHECK(cur(zero, "K", M::CATCH_UP_DATA_RATE) == 0.0);
    CHECK(avg(zero, "S", M::TARGET_DATA_RATE) == 150.0);
    CHECK(avg(zero, "K", M::TARGET_DATA_RATE) == 300.0);
    // Whole seconds by truncation: 1999 ms is 1 s, 999 ms is 0 s.
    CHECK(cur(evaluate_with("1999 ms"), "S", M::CATCH_UP_DATA_RATE) == 1000.0);
    CHECK(cur(evaluate_with("999 ms"), "S", M::CATCH_UP_DATA_RATE) == 0.0);
}

TEST_CASE("the restart time changes only the scale-down threshold, not the evaluated rates (Example 1)",
          "[evaluator][example1]") {
    const auto options = options_with({{"job.autoscaler.catch-up.duration", "2 s"}});
    const auto without = evaluate(example1_topology(), example1_history(), options, Seconds(0));
    const auto with = evaluate(example1_topology(), example1_history(), options, Seconds(10));
    for (const auto* v : {"S", "K"}) {
        for (auto m : {M::TARGET_DATA_RATE, M::CATCH_UP_DATA_RATE, M::TRUE_PROCESSING_RATE, M::LOAD,
                       M::SCALE_UP_RATE_THRESHOLD}) {
            CAPTURE(v, to_string(m));
            CHECK(with.vertex_metrics.at(v).at(m) == without.vertex_metrics.at(v).at(m));
        }
    }
    // S: down = JROUND(500 + 150/0.4) without restart, + 150 x 10 / 2 with a 10 s restart.
    CHECK(cur(without, "S", M::SCALE_DOWN_RATE_THRESHOLD) == 875.0);
    CHECK(cur(with, "S", M::SCALE_DOWN_RATE_THRESHOLD) == 1625.0);
}

TEST_CASE("utilization thresholds exclude the restart term from scale-up only (Example 2)",
          "[evaluator][example2]") {
    const Configuration base{{"job.autoscaler.utilization.target", "0.8"},
                             {"job.autoscaler.utilization.max", "0.9"},
                             {"job.autoscaler.utilization.min", "0.7"},
                             {"job.autoscaler.restart.time", "1 s"}};
    auto conf = base;
    const Seconds restart{1};

    SECTION("catch-up 0") {
        conf["job.autoscaler.catch-up.duration"] = "0 s";
        const auto options = options_with(conf);
        const auto m = rates(700.0, 0.0);
        CHECK(target_processing_capacity(m, options, options.utilization_upper(), false, restart) == 778.0);
        CHECK(target_processing_capacity(m, options, options.utilization_lower(), true, restart) == 1000.0);
    }
    SECTION("catch-up 2 s") {
        conf["job.autoscaler.catch-up.duration"] = "2 s";
        const auto options = options_with(conf);
        const auto m = rates(700.0, 350.0);
        CHECK(target_processing_capacity(m, options, 0.9, false, restart) == 1128.0);
        CHECK(target_processing_capacity(m, options, 0.7, true, restart) == 1700.0);
        const auto no_lag = rates(700.0, 0.0);
        CHECK(target_processing_capacity(no_lag, options, 0.9, false, restart) == 778.0);
        CHECK(target_processing_capacity(no_lag, options, 0.7, true, restart) == 1350.0);
        // backlog band [1.0, 0.0]
        CHECK(target_processing_capacity(m, options, 1.0, false, restart) == 1050.0);
        CHECK(target_processing_capacity(m, options, 0.0, true, restart) == kInf);
    }
    SECTION("catch-up 60 s with a tracked restart time of 300 s") {
        conf["job.autoscaler.catch-up.duration"] = "60 s";
        conf["job.autoscaler.restart.time"] = "10 min";
        conf["job.autoscaler.restart.time-tracking.enabled"] = "true";
        const auto options = options_with(conf);
        const auto m = rates(700.0, 350.0);
        CHECK(target_processing_capacity(m, options, 0.7, true, Seconds(300)) == 4850.0);
        CHECK(target_processing_capacity(m, options, 0.9, false, Seconds(300)) == 1128.0);
    }
}

TEST_CASE("evaluate uses the configured band without backlog and [1.0, 0.0] with backlog (Example 2)",
          "[evaluator][example2][backlog]") {
    // Source: 600/s read, backlog 600 -> 700 (+100/s): TARGET 700; lag 700 / 2 s: CATCH_UP 350.
    MetricHistory h;
    put(h, 0, "S", {{M::NUM_RECORDS_IN, 0.0}, {M::LAG, 600.0}, {M::LOAD, 0.5}});
    put(h, 1000, "S", {{M::NUM_RECORDS_IN, 600.0}, {M::LAG, 700.0}, {M::LOAD, 0.5}});
    Configuration conf{{"job.autoscaler.utilization.target", "0.8"},
                       {"job.autoscaler.utilization.max", "0.9"},
                       {"job.autoscaler.utilization.min", "0.7"},
                       {"job.autoscaler.restart.time", "1 s"},
                       {"job.autoscaler.catch-up.duration", "2 s"}};
    const JobTopology topology({vertex("S")});

    const auto normal = evaluate(topology, h, options_with(conf), Seconds(1));
    REQUIRE_FALSE(normal.processing_backlog);  // 700 / 600 = 1.17 s <= 300 s
    CHECK(avg(normal, "S", M::TARGET_DATA_RATE) == 700.0);
    CHECK(cur(normal, "S", M::CATCH_UP_DATA_RATE) == 350.0);
    CHECK(cur(normal, "S", M::SCALE_UP_RATE_THRESHOLD) == 1128.0);
    CHECK(cur(normal, "S", M::SCALE_DOWN_RATE_THRESHOLD) == 1700.0);

    conf["job.autoscaler.backlog-processing.lag-threshold"] = "1 s";
    const auto backlog = evaluate(topology, h, options_with(conf), Seconds(1));
    REQUIRE(backlog.processing_backlog);  // 1.17 s > 1 s
    CHECK(cur(backlog, "S", M::SCALE_UP_RATE_THRESHOLD) == 1050.0);
    CHECK(cur(backlog, "S", M::SCALE_DOWN_RATE_THRESHOLD) == kInf);
}

TEST_CASE("target capacity clamps utilization to [0, 1] and is NaN without target or catch-up rate",
          "[evaluator][capacity]") {
    const auto options = options_with({{"job.autoscaler.catch-up.duration", "2 s"}});
    const auto m = rates(700.0, 350.0);
    CHECK(target_processing_capacity(m, options, 1.5, false, Seconds(0)) == 1050.0);
    CHECK(target_processing_capacity(m, options, -0.2, true, Seconds(0)) == kInf);
    CHECK(is_nan(target_processing_capacity(rates(kNaN, 350.0), options, 0.7, true, Seconds(1))));
    CHECK(is_nan(target_processing_capacity(rates(700.0, kNaN), options, 0.7, true, Seconds(1))));
    CHECK(is_nan(target_processing_capacity(EvaluatedVertexMetrics{}, options, 0.7, true, Seconds(1))));
    // A lower bound <= 0 (target 0.2 - boundary 0.3) gives an infinite scale-down threshold.
    const auto low = options_with({{"job.autoscaler.utilization.target", "0.2"}});
    CHECK(target_processing_capacity(m, low, low.utilization_lower(), true, Seconds(300)) == kInf);
}

TEST_CASE("three-vertex pipeline: sources, propagated rates, TPR, load and thresholds (Example 3)",
          "[evaluator][example3]") {
    const auto options = options_with();
    const auto topology = example3_topology();
    const auto history = example3_history(topology, options);
    const Seconds restart = whole_seconds(options.restart_time);
    REQUIRE(restart == Seconds(300));
    const auto e = evaluate(topology, history, options, restart);

    CHECK_FALSE(e.processing_backlog);  // 48,000 / 2000 = 24 s <= 300 s
    CHECK(is_processing_backlog(topology, history, options) == false);

    SECTION("S") {
        CHECK(avg(e, "S", M::TARGET_DATA_RATE) == 2300.0);
        CHECK(cur(e, "S", M::CATCH_UP_DATA_RATE) == 26.667);
        CHECK(cur(e, "S", M::LAG) == 48000.0);
        CHECK(avg(e, "S", M::LOAD) == 0.4);
        CHECK(avg(e, "S", M::TRUE_PROCESSING_RATE) == 5000.0);  // observed TPR NaN: not catching up
        CHECK(cur(e, "S", M::SCALE_UP_RATE_THRESHOLD) == 2327.0);
        CHECK(cur(e, "S", M::SCALE_DOWN_RATE_THRESHOLD) == 6160.0);
        CHECK(cur(e, "S", M::PARALLELISM) == 4.0);
        CHECK(cur(e, "S", M::MAX_PARALLELISM) == 128.0);
        CHECK(cur(e, "S", M::NUM_SOURCE_PARTITIONS) == 8.0);
        CHECK(target_processing_capacity(e.vertex_metrics.at("S"), options, options.utilization_target, true,
                                         restart) == 3696.0);
    }
    SECTION("M") {
        CHECK(output_ratio(topology, history, "S", "M") == 1.0);
        CHECK(avg(e, "M", M::TARGET_DATA_RATE) == 2300.0);
        CHECK(cur(e, "M", M::CATCH_UP_DATA_RATE) == 26.667);
        CHECK(avg(e, "M", M::LOAD) == 0.99);
        CHECK(avg(e, "M", M::TRUE_PROCESSING_RATE) == 2020.202);  // avg(1980, 2020) / 0.99
        CHECK(cur(e, "M", M::SCALE_UP_RATE_THRESHOLD) == 2327.0);
        CHECK(cur(e, "M", M::SCALE_DOWN_RATE_THRESHOLD) == 6160.0);
        CHECK(cur(e, "M", M::PARALLELISM) == 4.0);
        CHECK(cur(e, "M", M::NUM_SOURCE_PARTITIONS) == 0.0);
        CHECK(e.vertex_metrics.at("M").count(M::LAG) == 0);
        CHECK(target_processing_capacity(e.vertex_metrics.at("M"), options, options.utilization_target, true,
                                         restart) == 3696.0);
    }
    SECTION("K") {
        CHECK(output_ratio(topology, history, "M", "K") == 2.0);
        CHECK(avg(e, "K", M::TARGET_DATA_RATE) == 4600.0);
        CHECK(cur(e, "K", M::CATCH_UP_DATA_RATE) == 53.334);  // 2 x the rounded 26.667
        CHECK(avg(e, "K", M::LOAD) == 0.53);
        CHECK(avg(e, "K", M::TRUE_PROCESSING_RATE) == 7547.17);
        CHECK(cur(e, "K", M::SCALE_UP_RATE_THRESHOLD) == 4653.0);
        CHECK(cur(e, "K", M::SCALE_DOWN_RATE_THRESHOLD) == 12320.0);
        CHECK(cur(e, "K", M::PARALLELISM) == 2.0);
        CHECK(target_processing_capacity(e.vertex_metrics.at("K"), options, options.utilization_target, true,
                                         restart) == 7391.0);
    }
}

TEST_CASE("backlog-driven loop: evaluation numbers of the three steps of Example 4", "[evaluator][example4]") {
    const auto options = options_with({{"job.autoscaler.utilization.target", "0.8"},
                                       {"job.autoscaler.utilization.max", "0.9"},
                                       {"job.autoscaler.utilization.min", "0.7"},
                                       {"job.autoscaler.restart.time", "1 s"},
                                       {"job.autoscaler.catch-up.duration", "2 s"},
                                       {"job.autoscaler.backlog-processing.lag-threshold", "1 s"}});
    const JobTopology topology({vertex("S", {}, 1, 720), vertex("K", from({"S"}), 1, 720)});
    MetricHistory h;
    SECTION("step 1: backlog, TPR 500 / 0.85") {
        put(h, 0, "S", {{M::NUM_RECORDS_IN, 0.0}, {M::LAG, 2000.0}, {M::LOAD, 0.85}});
        put(h, 1000, "S", {{M::NUM_RECORDS_IN, 500.0}, {M::LAG, 2000.0}, {M::LOAD, 0.85}});
        put(h, 0, "K", {{M::NUM_RECORDS_IN, 0.0}, {M::LOAD, 0.85}});
        put(h, 1000, "K", {{M::NUM_RECORDS_IN, 500.0}, {M::LOAD, 0.85}});
        const auto e = evaluate(topology, h, options, Seconds(1));
        CHECK(e.processing_backlog);
        for (const auto* v : {"S", "K"}) {
            CAPTURE(v);
            CHECK(avg(e, v, M::TARGET_DATA_RATE) == 500.0);
            CHECK(cur(e, v, M::CATCH_UP_DATA_RATE) == 1000.0);
            CHECK(avg(e, v, M::TRUE_PROCESSING_RATE) == 588.235);
            CHECK(cur(e, v, M::SCALE_UP_RATE_THRESHOLD) == 1500.0);
            CHECK(cur(e, v, M::SCALE_DOWN_RATE_THRESHOLD) == kInf);
            CHECK(target_processing_capacity(e.vertex_metrics.at(v), options, 0.8, true, Seconds(1)) == 1875.0);
        }
    }
    SECTION("step 2: a shrinking backlog faster than the read rate clamps the target rate at 0") {
        const double in[] = {0.0, 1800.0, 3600.0};
        const double lag[] = {6000.0, 3600.0, 2000.0};
        for (int i = 0; i < 3; ++i) {
            put(h, 2000 + 1000 * i, "S", {{M::NUM_RECORDS_IN, in[i]}, {M::LAG, lag[i]}, {M::LOAD, 1.0}});
            put(h, 2000 + 1000 * i, "K", {{M::NUM_RECORDS_IN, in[i]}, {M::LOAD, 1.0}});
        }
        const auto e = evaluate(topology, h, options, Seconds(1));
        CHECK(e.processing_backlog);  // 2000 / 1800 = 1.11 s > 1 s
        for (const auto* v : {"S", "K"}) {
            CAPTURE(v);
            CHECK(avg(e, v, M::TARGET_DATA_RATE) == 0.0);  // max(0, 1800 - 2000)
            CHECK(cur(e, v, M::CATCH_UP_DATA_RATE) == 1000.0);
            CHECK(avg(e, v, M::TRUE_PROCESSING_RATE) == 1800.0);
            CHECK(cur(e, v, M::SCALE_UP_RATE_THRESHOLD) == 1000.0);
            CHECK(cur(e, v, M::SCALE_DOWN_RATE_THRESHOLD) == kInf);
        }
    }
    SECTION("step 3: no backlog, over-provisioned") {
        put(h, 3000, "S", {{M::NUM_RECORDS_IN, 1800.0}, {M::LAG, 3600.0}, {M::LOAD, 1.0}});
        put(h, 5000, "S", {{M::NUM_RECORDS_IN, 5400.0}, {M::LAG, 400.0}, {M::LOAD, 1.0}});
        put(h, 3000, "K", {{M::NUM_RECORDS_IN, 1800.0}, {M::LOAD, 1.0}});
        put(h, 5000, "K", {{M::NUM_RECORDS_IN, 5400.0}, {M::LOAD, 1.0}});
        const auto e = evaluate(topology, h, options, Seconds(1));
        CHECK_FALSE(e.processing_backlog);  // 400 / 1800 s
        for (const auto* v : {"S", "K"}) {
            CAPTURE(v);
            CHECK(avg(e, v, M::TARGET_DATA_RATE) == 200.0);
            CHECK(cur(e, v, M::CATCH_UP_DATA_RATE) == 200.0);
            CHECK(avg(e, v, M::TRUE_PROCESSING_RATE) == 1800.0);
            CHECK(cur(e, v, M::SCALE_UP_RATE_THRESHOLD) == 422.0);
            CHECK(cur(e, v, M::SCALE_DOWN_RATE_THRESHOLD) == 586.0);
            CHECK(target_processing_capacity(e.vertex_metrics.at(v), options, 0.8, true, Seconds(1)) == 550.0);
        }
    }
}

TEST_CASE("TPR prefers the observed rate only when busy TPR exceeds it by the switch threshold (Example 5)",
          "[evaluator][example5][tpr]") {
    const auto h = example5_history(0.1, 35.0, true);  // busyTpr 35 / 0.1 = 350, observed mean 300
    CHECK(example5_tpr(h, {{"job.autoscaler.observed-true-processing-rate.switch-threshold", "0.2"}}) == 350.0);
    CHECK(example5_tpr(h, {{"job.autoscaler.observed-true-processing-rate.switch-threshold", "0.1"}}) == 300.0);
    CHECK(example5_tpr(h) == 300.0);  // default 0.15: 350 > 345
    const auto e = evaluate(JobTopology({vertex("S")}), h, options_with(), Seconds(0));
    CHECK(avg(e, "S", M::LOAD) == 0.1);  // busyTimeAvg 100 ms/s
}

TEST_CASE("TPR ignores the observed rate with fewer observations than the minimum (Example 5)",
          "[evaluator][example5][tpr]") {
    const auto h = example5_history(0.1, 35.0, true);
    CHECK(example5_tpr(h, {{"job.autoscaler.observed-true-processing-rate.switch-threshold", "0.1"},
                           {"job.autoscaler.observed-true-processing-rate.min-observations", "3"}}) == 350.0);
}

TEST_CASE("TPR falls back to the observed rate when the busy-time TPR is NaN or infinite (Example 5)",
          "[evaluator][example5][tpr]") {
    // No LOAD at all: busyTimeAvg NaN -> busyTpr NaN.
    CHECK(example5_tpr(example5_history(kNaN, 35.0, true)) == 300.0);
    // Busy time 0 with input: busyTpr +Inf.
    CHECK(example5_tpr(example5_history(0.0, 35.0, true)) == 300.0);
}

TEST_CASE("TPR is infinite when busy time or input is zero and nothing was observed (Example 5)",
          "[evaluator][example5][tpr]") {
    CHECK(example5_tpr(example5_history(0.0, 35.0, false)) == kInf);  // 35 / 0
    CHECK(example5_tpr(example5_history(0.1, 0.0, false)) == kInf);   // input 0
    CHECK(example5_tpr(example5_history(0.0, 0.0, false)) == kInf);   // 0 / 0 is +Inf, not NaN
    CHECK(example5_tpr(example5_history(0.1, 35.0, false)) == 350.0);
}

TEST_CASE("edge output ratios of two inputs subtract the other input's output rate (Example 6)",
          "[evaluator][example6]") {
    const JobTopology topology({vertex("S1"), vertex("S2"), vertex("O", from({"S1", "S2"})), vertex("K", from({"O"}))});
    const auto h = example6_history();
    CHECK(output_ratio(topology, h, "S1", "O") == 2.0);  // (250 - 50) / 100
    CHECK(output_ratio(topology, h, "S2", "O") == 0.5);  // (250 - 200) / 100
    CHECK(output_ratio(topology, h, "O", "K") == 0.2);   // 50 / 250
    const auto e = evaluate(topology, h, options_with(), Seconds(0));
    CHECK(avg(e, "O", M::TARGET_DATA_RATE) == 250.0);  // 100 x 2 + 100 x 0.5
    CHECK(avg(e, "K", M::TARGET_DATA_RATE) == 50.0);
    CHECK(cur(e, "O", M::CATCH_UP_DATA_RATE) == 0.0);

    // With O reading 300/s the rule still subtracts the other input's output rate: (300 - 50) / 100
    // and (300 - 200) / 100, not the upstream output rates (which would give 2 and 0.5 again).
    const auto more = example6_history(400.0);
    CHECK(output_ratio(topology, more, "S1", "O") == 2.5);
    CHECK(output_ratio(topology, more, "S2", "O") == 1.0);
}

TEST_CASE("edge output ratio uses the upstream output rate when another input fans out (Example 6)",
          "[evaluator][example6]") {
    // S1 and S2 also feed P, so each has two outputs.
    const JobTopology topology({vertex("S1"), vertex("S2"), vertex("O", from({"S1", "S2"})),
                                vertex("P", from({"S1", "S2"})), vertex("K", from({"O"}))});
    // O reads 300/s here: the subtraction rule would give (300 - 50) / 100 = 2.5, the fan-out rule 2.
    auto h = example6_history(400.0);
    put(h, 0, "P", {{M::NUM_RECORDS_IN, 0.0}});
    put(h, 1000, "P", {{M::NUM_RECORDS_IN, 1000.0}});
    for (const auto* consumer : {"O", "P"}) {
        CAPTURE(consumer);
        CHECK(output_ratio(topology, h, "S1", consumer) == 2.0);
        CHECK(output_ratio(topology, h, "S2", consumer) == 0.5);
    }
}

TEST_CASE("output ratio is zero when the upstream vertex received nothing or the edge rate is not positive",
          "[evaluator][ratio]") {
    const JobTopology topology({vertex("S"), vertex("K", from({"S"}))});
    MetricHistory h;
    put(h, 0, "S", {{M::NUM_RECORDS_IN, 100.0}, {M::LAG, 0.0}});
    put(h, 1000, "S", {{M::NUM_RECORDS_IN, 100.0}, {M::LAG, 0.0}});
    put(h, 0, "K", {{M::NUM_RECORDS_IN, 0.0}});
    put(h, 1000, "K", {{M::NUM_RECORDS_IN, 500.0}});
    CHECK(output_ratio(topology, h, "S", "K") == 0.0);  // inU = 0: no huge ratio

    put(h, 1000, "S", {{M::NUM_RECORDS_IN, 200.0}});
    put(h, 1000, "K", {{M::NUM_RECORDS_IN, 0.0}});
    CHECK(output_ratio(topology, h, "S", "K") == 0.0);  // edge rate 0

    MetricHistory single;
    put(single, 0, "S", {{M::NUM_RECORDS_IN, 100.0}});
    put(single, 0, "K", {{M::NUM_RECORDS_IN, 100.0}});
    CHECK(output_ratio(topology, single, "S", "K") == 0.0);  // inU NaN
}

TEST_CASE("backlog is detected when latest lag / records-in rate exceeds secs(lag-threshold)",
          "[evaluator][backlog]") {
    const JobTopology topology({vertex("S"), vertex("K", from({"S"}))});
    const auto one_second = options_with({{"job.autoscaler.backlog-processing.lag-threshold", "1 s"}});
    const auto history = [](double in_end, std::optional<double> latest_lag) {
        MetricHistory h;
        put(h, 0, "S", {{M::NUM_RECORDS_IN, 0.0}, {M::LAG, 5000.0}});
        put(h, 1000, "S", {{M::NUM_RECORDS_IN, in_end}});
        if (latest_lag) put(h, 1000, "S", {{M::LAG, *latest_lag}});
        return h;
    };
    CHECK_FALSE(is_processing_backlog(topology, history(1000.0, 1000.0), one_second));  // 1.0 s is not > 1 s
    CHECK(is_processing_backlog(topology, history(1000.0, 1001.0), one_second));
    // The threshold counts in whole seconds: 1999 ms is 1 s, so 1.5 s of lag is a backlog.
    const auto truncated = options_with({{"job.autoscaler.backlog-processing.lag-threshold", "1999 ms"}});
    CHECK(is_processing_backlog(topology, history(1000.0, 1500.0), truncated));
    // In-rate 0 with lag: +Inf -> backlog; lag 0 with in-rate 0: NaN -> no backlog.
    CHECK(is_processing_backlog(topology, history(0.0, 1.0), one_second));
    CHECK_FALSE(is_processing_backlog(topology, history(0.0, 0.0), one_second));
    // An absent latest lag counts as 0 (the older 5000 is not used): 0 / 0 -> no backlog.
    CHECK_FALSE(is_processing_backlog(topology, history(0.0, std::nullopt), one_second));
    // Unknown in-rate (one sample): not a backlog, however large the lag.
    MetricHistory single;
    put(single, 0, "S", {{M::NUM_RECORDS_IN, 0.0}, {M::LAG, 1e9}});
    CHECK_FALSE(is_processing_backlog(topology, single, one_second));
}

TEST_CASE("backlog of any one source puts the whole job in backlog mode", "[evaluator][backlog]") {
    const JobTopology topology({vertex("A"), vertex("B"), vertex("K", from({"A", "B"}))});
    const auto options = options_with({{"job.autoscaler.backlog-processing.lag-threshold", "10 s"}});
    MetricHistory h;
    put(h, 0, "A", {{M::NUM_RECORDS_IN, 0.0}, {M::LAG, 0.0}});
    put(h, 1000, "A", {{M::NUM_RECORDS_IN, 100.0}, {M::LAG, 0.0}});
    put(h, 0, "B", {{M::NUM_RECORDS_IN, 0.0}, {M::LAG, 0.0}});
    put(h, 1000, "B", {{M::NUM_RECORDS_IN, 100.0}, {M::LAG, 1001.0}});
    CHECK(is_processing_backlog(topology, h, options));
    put(h, 1000, "B", {{M::LAG, 1000.0}});
    CHECK_FALSE(is_processing_backlog(topology, h, options));
}

TEST_CASE("an unknown source ingestion rate fails the evaluation naming the vertex", "[evaluator][error]") {
    const JobTopology topology({vertex("my-source"), vertex("K", from({"my-source"}))});
    MetricHistory h;
    put(h, 0, "my-source", {{M::NUM_RECORDS_IN, 0.0}, {M::LAG, 10.0}, {M::LOAD, 0.5}});
    put(h, 0, "K", {{M::NUM_RECORDS_IN, 0.0}, {M::LOAD, 0.5}});
    CHECK_THROWS_AS(evaluate(topology, h, options_with(), Seconds(0)), EvaluationError);
    CHECK_THROWS_WITH(evaluate(topology, h, options_with(), Seconds(0)), Catch::Contains("my-source"));
    // Two samples but no records-in count at all: still unknown.
    put(h, 1000, "my-source", {{M::LAG, 20.0}});
    CHECK_THROWS_AS(evaluate(topology, h, options_with(), Seconds(0)), EvaluationError);
}

TEST_CASE("AVG aggregator divides the accumulated busy-time rate by parallelism and uses the counter rate",
          "[evaluator][avg-aggregator]") {
    const JobTopology topology({vertex("S"), vertex("M", from({"S"}), 4)});
    MetricHistory h;
    put(h, 0, "S", {{M::NUM_RECORDS_IN, 0.0}, {M::LAG, 0.0}, {M::ACCUMULATED_BUSY_TIME, 0.0}, {M::LOAD, 0.9}});
    put(h, 60000, "S",
        {{M::NUM_RECORDS_IN, 60000.0}, {M::LAG, 0.0}, {M::ACCUMULATED_BUSY_TIME, 30000.0}, {M::LOAD, 0.9}});
    // M: 120,000 ms busy over 60 s = 2000 ms/s over 4 subtasks = 500; the per-second gauge and the
    // per-sample LOAD must be ignored under AVG.
    put(h, 0, "M",
        {{M::NUM_RECORDS_IN, 0.0}, {M::ACCUMULATED_BUSY_TIME, 0.0}, {M::NUM_RECORDS_IN_PER_SECOND, 5000.0},
         {M::LOAD, 0.9}});
    put(h, 60000, "M",
        {{M::NUM_RECORDS_IN, 60000.0}, {M::ACCUMULATED_BUSY_TIME, 120000.0}, {M::NUM_RECORDS_IN_PER_SECOND, 5000.0},
         {M::LOAD, 0.9}});
    const auto avg_options = options_with({{"job.autoscaler.metrics.busy-time.aggregator", "AVG"}});
    const auto e = evaluate(topology, h, avg_options, Seconds(0));
    CHECK(avg(e, "M", M::LOAD) == 0.5);
    CHECK(avg(e, "M", M::TRUE_PROCESSING_RATE) == 2000.0);  // 1000/s / 0.5
    CHECK(avg(e, "S", M::LOAD) == 0.5);                      // 500 ms/s over parallelism 1
    CHECK(avg(e, "S", M::TRUE_PROCESSING_RATE) == 2000.0);

    // The default MAX aggregator reads LOAD and the gauge instead: 5000 / 0.9.
    const auto max = evaluate(topology, h, options_with(), Seconds(0));
    CHECK(avg(max, "M", M::LOAD) == 0.9);
    CHECK(avg(max, "M", M::TRUE_PROCESSING_RATE) == 5555.556);
}

TEST_CASE("evaluated lag and catch-up rate use the latest sample's lag, 0 when absent", "[evaluator][lag]") {
    const JobTopology topology({vertex("S")});
    MetricHistory h;
    put(h, 0, "S", {{M::NUM_RECORDS_IN, 0.0}, {M::LAG, 3000.0}});
    put(h, 1000, "S", {{M::NUM_RECORDS_IN, 100.0}, {M::LAG, 5000.0}});
    put(h, 2000, "S", {{M::NUM_RECORDS_IN, 200.0}});
    const auto options = options_with({{"job.autoscaler.catch-up.duration", "10 s"}});
    const auto e = evaluate(topology, h, options, Seconds(0));
    CHECK(cur(e, "S", M::LAG) == 0.0);
    CHECK(cur(e, "S", M::CATCH_UP_DATA_RATE) == 0.0);
    // The lag rate still comes from the valid samples: 100/s read + 2000/s growth.
    CHECK(avg(e, "S", M::TARGET_DATA_RATE) == 2100.0);
}

TEST_CASE("global metrics: current is the latest sample, average the window mean", "[evaluator][global]") {
    const JobTopology topology({vertex("S")});
    MetricHistory h;
    for (int i = 0; i < 3; ++i)
        put(h, 1000 * i, "S", {{M::NUM_RECORDS_IN, 100.0 * i}, {M::LAG, 0.0}, {M::LOAD, 0.5}});
    put_global(h, 0, {{M::HEAP_MAX_USAGE_RATIO, 0.5}, {M::HEAP_MEMORY_USED, 1000.0}, {M::GC_PRESSURE, 0.1},
                      {M::NUM_TASK_SLOTS_USED, 4.0}, {M::MANAGED_MEMORY_USED, 100.0}});
    put_global(h, 1000, {{M::HEAP_MAX_USAGE_RATIO, 0.6}, {M::HEAP_MEMORY_USED, 2000.0}, {M::GC_PRESSURE, 0.25},
                         {M::NUM_TASK_SLOTS_USED, 5.0}, {M::MANAGED_MEMORY_USED, 200.0}});
    put_global(h, 2000, {{M::HEAP_MAX_USAGE_RATIO, 0.7}, {M::GC_PRESSURE, 0.3},
                         {M::MANAGED_MEMORY_USED, 100.12345}});
    const auto e = evaluate(topology, h, options_with(), Seconds(0));
    const auto& g = e.global_metrics;
    CHECK(current_of(g, M::HEAP_MAX_USAGE_RATIO) == 0.7);
    CHECK(average_of(g, M::HEAP_MAX_USAGE_RATIO) == 0.6);
    CHECK(is_nan(current_of(g, M::HEAP_MEMORY_USED)));  // absent in the latest sample
    CHECK(average_of(g, M::HEAP_MEMORY_USED) == 1500.0);
    CHECK(current_of(g, M::MANAGED_MEMORY_USED) == 100.123);  // evaluated metrics are R3-rounded
    CHECK(average_of(g, M::MANAGED_MEMORY_USED) == 133.374);  // 400.12345 / 3 = 133.37448...
    CHECK(current_of(g, M::GC_PRESSURE) == 0.3);
    CHECK(is_nan(average_of(g, M::GC_PRESSURE)));
    CHECK(is_nan(current_of(g, M::NUM_TASK_SLOTS_USED)));  // absent in the latest sample
    CHECK(is_nan(current_of(g, M::METASPACE_MEMORY_USED)));
    CHECK(is_nan(average_of(g, M::METASPACE_MEMORY_USED)));
}
