// SPDX-License-Identifier: Apache-2.0
//
// The job-level decision (algorithm.md §4.9-4.10) and the scaling report message (§6.3):
// the "some vertex outside its band" rule, commit effects on the job state, exclusions, and every
// blocking check (memory pressure, scaling disabled, excluded periods, resource quota).
#include "flinkscaler/decision.hpp"
#include "flinkscaler/evaluator.hpp"
#include "flinkscaler/job_state.hpp"
#include "flinkscaler/options.hpp"
#include "flinkscaler/report.hpp"
#include "flinkscaler/topology.hpp"
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
const Instant kNow = instant_from_epoch_ms(1'772'452'800'000);  // 2026-03-02T12:00:00Z
constexpr std::int64_t kGiB = 1024LL * 1024 * 1024;

const VertexId kS = "bc764cd8ddf7a0cff126f51c16239658";
const VertexId kM = "20ba6b65f97481d5570070de90e4e791";
const VertexId kK = "ea632d67b7d595e5b851708ae9ad79d6";

using testing::VertexSpec;
using testing::metrics_of;

VertexInfo vertex_info(const VertexId& id, int p, std::map<VertexId, ShipStrategy> inputs = {},
                       int max_parallelism = 720, int partitions = 0,
                       std::optional<std::string> slot_sharing_group = std::nullopt) {
    VertexInfo v;
    v.id = id;
    v.inputs = std::move(inputs);
    v.parallelism = p;
    v.max_parallelism = max_parallelism;
    v.num_source_partitions = partitions;
    v.slot_sharing_group = std::move(slot_sharing_group);
    return v;
}

// Example 3: S (Kafka, 8 partitions) -REBALANCE-> M -HASH-> K, restart time 300 s.
struct Example3 {
    AutoscalerOptions options;
    JobTopology topology{{vertex_info(kS, 4, {}, 128, 8), vertex_info(kM, 4, {{kS, ShipStrategy::REBALANCE}}, 128),
                          vertex_info(kK, 2, {{kM, ShipStrategy::HASH}}, 128)}};
    EvaluatedMetrics evaluated;
    JobState state;

    explicit Example3(const Configuration& conf = {}) : options(AutoscalerOptions::from(conf)) {
        const Seconds restart = 300s;
        evaluated.vertex_metrics[kS] = metrics_of(
            {.p = 4, .tpr = 5000, .target = 2300, .catch_up = 26.667, .max_parallelism = 128, .partitions = 8},
            options, restart);
        evaluated.vertex_metrics[kM] = metrics_of(
            {.p = 4, .tpr = 2020.202, .target = 2300, .catch_up = 26.667, .max_parallelism = 128}, options, restart);
        evaluated.vertex_metrics[kK] = metrics_of(
            {.p = 2, .tpr = 7547.17, .target = 4600, .catch_up = 53.334, .max_parallelism = 128}, options, restart);
    }
    DecisionContext context(std::optional<LocalTime> local_now = std::nullopt) const {
        return DecisionContext{topology, options, kNow, local_now, 300s, {}, {}};
    }
    ScalingDecision decide(std::optional<LocalTime> local_now = std::nullopt) {
        return flinkscaler::decide(context(local_now), evaluated, state);
    }
};

const std::string kExample3Entry = "{ Vertex ID " + kM +
                                   " | Parallelism 4 -> 8 | Processing capacity 2020.20 -> 4040.40 | Target data "
                                   "rate 2300.00}";

// Independent sources without partitions (never aligned), catch-up 0, no scale-down delay.
// The band is [0.4, 1.0]: with target rate 700 the thresholds are 700 (up) and 1750 (down) and the
// target capacity is 1000.
struct Independent {
    Configuration conf{{"job.autoscaler.catch-up.duration", "0"}, {"job.autoscaler.scale-down.interval", "0"}};
    AutoscalerOptions options;
    std::vector<VertexInfo> infos;
    EvaluatedMetrics evaluated;
    JobState state;
    std::set<VertexId> excluded_this_cycle;

    void add(const VertexId& id, int p, double tpr, double target = 700) {
        options = AutoscalerOptions::from(conf);
        infos.push_back(vertex_info(id, p));
        evaluated.vertex_metrics[id] = metrics_of({.p = p, .tpr = tpr, .target = target}, options, 0s);
    }
    ScalingDecision decide() {
        options = AutoscalerOptions::from(conf);
        const JobTopology topology(infos);
        const DecisionContext ctx{topology, options, kNow, std::nullopt, 0s, excluded_this_cycle, {}};
        return flinkscaler::decide(ctx, evaluated, state);
    }
};

// "outside" (under-provisioned: TPR 600 < 700) -> 4 to 7
constexpr double kOutsideTpr = 600;
// "within" (700 <= TPR 800 <= 1750) but computes 4 to 5
constexpr double kWithinUpTpr = 800;
// "within" (TPR 1500 <= 1750) but computes 4 to 3
constexpr double kWithinDownTpr = 1500;

std::vector<std::string> reasons(const Events& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.reason);
    return out;
}

ScalingSummary summary(int current, int next) {
    ScalingSummary s;
    s.current_parallelism = current;
    s.new_parallelism = next;
    return s;
}

LocalTime local(int hour, int minute) { return LocalTime{2026, 3, 2, hour, minute, 0, 0}; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Example 3 and the commit

TEST_CASE("Example 3: M is outside its band, so the job scales M 4 -> 8 and reports it", "[decision][example3]") {
    Example3 x;
    const auto decision = x.decide();
    REQUIRE(decision.outcome == DecisionOutcome::Scaled);
    CHECK(decision.scaled());
    REQUIRE(decision.summaries.size() == 1);
    const auto& m = decision.summaries.at(kM);
    CHECK(m.current_parallelism == 4);
    CHECK(m.new_parallelism == 8);
    CHECK(current_of(m.metrics, M::EXPECTED_PROCESSING_RATE) == 4040.404);

    REQUIRE(decision.events.size() == 1);
    const Event& report = decision.events.front();
    CHECK(report.type == EventType::Normal);
    CHECK(report.reason == "ScalingReport");
    CHECK(report.message == "Scaling execution enabled, begin scaling vertices:" + kExample3Entry);
    CHECK_FALSE(report.message_key.has_value());  // an executed report is never folded
    CHECK_FALSE(report.interval.has_value());
}

TEST_CASE("decide sets RECOMMENDED_PARALLELISM only for vertices that change", "[decision][example3]") {
    Example3 x;
    x.decide();
    CHECK(current_of(x.evaluated.vertex_metrics.at(kM), M::RECOMMENDED_PARALLELISM) == 8);
    CHECK(x.evaluated.vertex_metrics.at(kS).count(M::RECOMMENDED_PARALLELISM) == 0);
    CHECK(x.evaluated.vertex_metrics.at(kK).count(M::RECOMMENDED_PARALLELISM) == 0);
}

TEST_CASE("a commit writes history at now, an open tracking record, overrides for every vertex, and clears the "
          "delayed scale-down state",
          "[decision][example3]") {
    Example3 x;
    x.state.delayed_scale_down.trigger(kK, kNow - 5min, 1, false);
    x.state.delayed_scale_down.updated = false;
    const auto decision = x.decide();
    REQUIRE(decision.scaled());

    REQUIRE(x.state.scaling_history.size() == 1);
    const auto& history = x.state.scaling_history.at(kM);
    REQUIRE(history.size() == 1);
    CHECK(history.begin()->first == kNow);
    CHECK(history.begin()->second.current_parallelism == 4);
    CHECK(history.begin()->second.new_parallelism == 8);
    CHECK(average_of(history.begin()->second.metrics, M::TRUE_PROCESSING_RATE) == 2020.202);
    CHECK(current_of(history.begin()->second.metrics, M::EXPECTED_PROCESSING_RATE) == 4040.404);

    CHECK(x.state.scaling_tracking.records == std::map<Instant, std::optional<Millis>>{{kNow, std::nullopt}});
    CHECK(x.state.parallelism_overrides == std::map<VertexId, int>{{kS, 4}, {kM, 8}, {kK, 2}});
    CHECK(x.state.delayed_scale_down.vertices.empty());
    CHECK(x.state.delayed_scale_down.updated);
}

TEST_CASE("a commit appends to earlier history and keeps at most history.max.count entries", "[decision]") {
    Example3 x;
    for (int i = 1; i <= 3; ++i) {
        ScalingSummary old;
        old.current_parallelism = 2;
        old.new_parallelism = 4;
        x.state.scaling_history[kM][kNow - std::chrono::hours(i)] = old;
    }
    REQUIRE(x.decide().scaled());
    const auto& history = x.state.scaling_history.at(kM);
    CHECK(history.size() == 3);
    CHECK(history.rbegin()->first == kNow);
    CHECK(history.begin()->first == kNow - 2h);
}

TEST_CASE("a commit clears delayed scale-down entries of vertices that are still waiting", "[decision]") {
    Independent j;
    j.conf["job.autoscaler.scale-down.interval"] = "1 h";
    j.add("a", 4, kOutsideTpr);
    j.add("c", 4, kWithinDownTpr);  // wants 3, waits for the delay
    const auto decision = j.decide();
    REQUIRE(decision.scaled());
    CHECK(decision.summaries.count("c") == 0);
    CHECK(j.state.parallelism_overrides.at("c") == 4);
    CHECK(j.state.delayed_scale_down.vertices.empty());
    CHECK(j.state.delayed_scale_down.updated);
}

// ---------------------------------------------------------------------------------------------
// The key rule: scale only if some vertex is outside its band, then apply every change

TEST_CASE("when one vertex is outside its band every computed change is applied, also within-band ones",
          "[decision][key-rule]") {
    Independent j;
    j.add("a", 4, kOutsideTpr);
    j.add("b", 4, kWithinUpTpr);
    j.add("c", 4, kWithinDownTpr);
    j.add("d", 4, 1000);  // exactly at target: no change
    const auto decision = j.decide();
    REQUIRE(decision.outcome == DecisionOutcome::Scaled);
    REQUIRE(decision.summaries.size() == 3);
    CHECK(decision.summaries.at("a").new_parallelism == 7);
    CHECK(decision.summaries.at("b").new_parallelism == 5);
    CHECK(decision.summaries.at("c").new_parallelism == 3);
    CHECK(decision.summaries.count("d") == 0);
    CHECK(j.state.parallelism_overrides == std::map<VertexId, int>{{"a", 7}, {"b", 5}, {"c", 3}, {"d", 4}});
    for (const auto& v : decision.vertices) {
        CAPTURE(v.vertex);
        CHECK(v.outside_utilization_bound == (v.vertex == "a"));
    }
}

TEST_CASE("when no vertex is outside its band nothing scales even if changes were computed", "[decision][key-rule]") {
    Independent j;
    j.add("b", 4, kWithinUpTpr);
    j.add("c", 4, kWithinDownTpr);
    const auto decision = j.decide();
    CHECK(decision.outcome == DecisionOutcome::NoChange);
    CHECK(decision.summaries.empty());
    CHECK(decision.events.empty());
    for (const auto& [id, m] : j.evaluated.vertex_metrics) CHECK(m.count(M::RECOMMENDED_PARALLELISM) == 0);
    for (const auto& v : decision.vertices) CHECK(v.new_parallelism == v.current_parallelism);
    CHECK(j.state.scaling_history.empty());
    CHECK(j.state.scaling_tracking.records.empty());
    CHECK(j.state.parallelism_overrides.empty());
}

TEST_CASE("a vertex outside its band whose computed parallelism equals the current one does not trigger scaling",
          "[decision][key-rule]") {
    Independent j;
    // p 720 = max parallelism: TPR 600 < 700 is outside, but SCALE cannot go higher.
    j.infos.clear();
    j.options = AutoscalerOptions::from(j.conf);
    j.infos.push_back(vertex_info("a", 720));
    j.evaluated.vertex_metrics["a"] = metrics_of({.p = 720, .tpr = kOutsideTpr, .target = 700}, j.options, 0s);
    j.add("b", 4, kWithinUpTpr);
    const auto decision = j.decide();
    CHECK(decision.outcome == DecisionOutcome::NoChange);
    CHECK(decision.summaries.empty());
}

// ---------------------------------------------------------------------------------------------
// Exclusions

TEST_CASE("vertices in vertex.exclude.ids are skipped but keep their parallelism in the overrides",
          "[decision][exclude]") {
    Independent j;
    j.conf["job.autoscaler.vertex.exclude.ids"] = "a";
    j.add("a", 4, kOutsideTpr);
    j.add("d", 4, kOutsideTpr);
    j.add("b", 4, kWithinUpTpr);
    const auto decision = j.decide();
    REQUIRE(decision.scaled());
    CHECK(decision.summaries.count("a") == 0);
    CHECK(decision.summaries.at("d").new_parallelism == 7);
    CHECK(decision.summaries.at("b").new_parallelism == 5);
    CHECK(j.state.parallelism_overrides == std::map<VertexId, int>{{"a", 4}, {"b", 5}, {"d", 7}});
    CHECK(j.evaluated.vertex_metrics.at("a").count(M::EXPECTED_PROCESSING_RATE) == 0);
    for (const auto& v : decision.vertices) {
        CAPTURE(v.vertex);
        CHECK(v.excluded == (v.vertex == "a"));
    }
}

TEST_CASE("excluded vertices (configured or excluded this cycle) cannot make the job scale", "[decision][exclude]") {
    Independent j;
    j.conf["job.autoscaler.vertex.exclude.ids"] = "a";
    j.excluded_this_cycle = {"d"};
    j.add("a", 4, kOutsideTpr);
    j.add("d", 4, kOutsideTpr);
    j.add("b", 4, kWithinUpTpr);
    const auto decision = j.decide();
    CHECK(decision.outcome == DecisionOutcome::NoChange);
    CHECK(decision.summaries.empty());
    for (const auto& v : decision.vertices) {
        CAPTURE(v.vertex);
        CHECK(v.excluded == (v.vertex != "b"));
    }
}

// ---------------------------------------------------------------------------------------------
// Memory pressure

TEST_CASE("GC pressure above the threshold blocks the decision with a MemoryPressure event", "[decision][memory]") {
    Example3 x(Configuration{{"job.autoscaler.memory.gc-pressure.threshold", "0.4"}});
    x.evaluated.global_metrics[M::GC_PRESSURE] = EvaluatedScalingMetric::of_current(0.5);
    x.state.delayed_scale_down.trigger(kK, kNow - 5min, 1, false);
    x.state.delayed_scale_down.updated = false;
    const auto decision = x.decide();
    CHECK(decision.outcome == DecisionOutcome::Blocked);
    CHECK(decision.summaries.empty());
    REQUIRE(decision.events.size() == 1);
    const Event& e = decision.events.front();
    CHECK(e.type == EventType::Normal);
    CHECK(e.reason == "MemoryPressure");
    CHECK(e.message_key == std::optional<std::string>("gcPressure"));
    CHECK(e.message.find("0.5") != std::string::npos);
    CHECK(e.interval == std::optional<Millis>(30min));
    // checked before the vertices: nothing computed, nothing stored
    CHECK(x.state.parallelism_overrides.empty());
    CHECK(x.state.scaling_history.empty());
    CHECK(x.state.delayed_scale_down.vertices.count(kK) == 1);
    CHECK_FALSE(x.state.delayed_scale_down.updated);
    CHECK(x.evaluated.vertex_metrics.at(kM).count(M::RECOMMENDED_PARALLELISM) == 0);
}

TEST_CASE("average heap usage above the threshold blocks with a heapUsage MemoryPressure event", "[decision][memory]") {
    Example3 x(Configuration{{"job.autoscaler.memory.heap-usage.threshold", "0.85"}});
    x.evaluated.global_metrics[M::HEAP_MAX_USAGE_RATIO] = EvaluatedScalingMetric::make(0.5, 0.9);
    const auto decision = x.decide();
    CHECK(decision.outcome == DecisionOutcome::Blocked);
    REQUIRE(decision.events.size() == 1);
    CHECK(decision.events.front().reason == "MemoryPressure");
    CHECK(decision.events.front().message_key == std::optional<std::string>("heapUsage"));
    CHECK(decision.events.front().message.find("0.9") != std::string::npos);
}

TEST_CASE("memory pressure uses the latest GC value and the window-average heap, and NaN never blocks",
          "[decision][memory]") {
    SECTION("high current heap with a low average does not block") {
        Example3 x(Configuration{{"job.autoscaler.memory.heap-usage.threshold", "0.85"}});
        x.evaluated.global_metrics[M::HEAP_MAX_USAGE_RATIO] = EvaluatedScalingMetric::make(0.99, 0.5);
        CHECK(x.decide().scaled());
    }
    SECTION("unknown GC pressure and heap usage do not block even at threshold 0") {
        Example3 x(Configuration{{"job.autoscaler.memory.gc-pressure.threshold", "0"},
                    {"job.autoscaler.memory.heap-usage.threshold", "0"}});
        x.evaluated.global_metrics[M::GC_PRESSURE] = EvaluatedScalingMetric::of_current(kNan);
        x.evaluated.global_metrics[M::HEAP_MAX_USAGE_RATIO] = EvaluatedScalingMetric::make(kNan, kNan);
        CHECK(x.decide().scaled());
    }
    SECTION("GC pressure equal to the threshold does not block") {
        Example3 x(Configuration{{"job.autoscaler.memory.gc-pressure.threshold", "0.5"}});
        x.evaluated.global_metrics[M::GC_PRESSURE] = EvaluatedScalingMetric::of_current(0.5);
        CHECK(x.decide().scaled());
    }
}

// ---------------------------------------------------------------------------------------------
// Scaling disabled and excluded periods

TEST_CASE("scaling.enabled=false blocks with a ScalingReport carrying the disabled header and the entries",
          "[decision][disabled]") {
    Example3 x(Configuration{{"job.autoscaler.scaling.enabled", "false"}});
    const auto decision = x.decide();
    CHECK(decision.outcome == DecisionOutcome::Blocked);
    REQUIRE(decision.summaries.size() == 1);  // the recommendation is still reported
    REQUIRE(decision.events.size() == 1);
    const Event& e = decision.events.front();
    CHECK(e.type == EventType::Normal);
    CHECK(e.reason == "ScalingReport");
    const std::string header =
        "Scaling execution disabled by config job.autoscaler.scaling.enabled:false, recommended parallelism change:";
    CHECK(e.message.rfind(header, 0) == 0);
    CHECK(e.message.find(kExample3Entry) != std::string::npos);
    CHECK(e.message == header + kExample3Entry);
    CHECK(e.message_key.has_value());  // a blocked report is folded per recommendation
    CHECK(e.interval == std::optional<Millis>(30min));
    // recommendations are set, but nothing is committed
    CHECK(current_of(x.evaluated.vertex_metrics.at(kM), M::RECOMMENDED_PARALLELISM) == 8);
    CHECK(x.state.scaling_history.empty());
    CHECK(x.state.scaling_tracking.records.empty());
    CHECK(x.state.parallelism_overrides.empty());
}

TEST_CASE("the blocked-report key is the same for the same recommendation and differs for another",
          "[decision][disabled]") {
    Example3 a(Configuration{{"job.autoscaler.scaling.enabled", "false"}});
    Example3 b(Configuration{{"job.autoscaler.scaling.enabled", "false"}});
    Example3 c(Configuration{{"job.autoscaler.scaling.enabled", "false"}});
    c.evaluated.vertex_metrics[kM][M::TRUE_PROCESSING_RATE] = EvaluatedScalingMetric::of_average(1000);
    const auto ka = a.decide().events.at(0).message_key;
    const auto kb = b.decide().events.at(0).message_key;
    const auto decision_c = c.decide();
    REQUIRE(decision_c.summaries.at(kM).new_parallelism != 8);
    CHECK(ka == kb);
    CHECK(ka != decision_c.events.at(0).message_key);
}

TEST_CASE("delayed scale-down state is updated in the cycle even when the decision is blocked", "[decision][disabled]") {
    Independent j;
    j.conf["job.autoscaler.scaling.enabled"] = "false";
    j.conf["job.autoscaler.scale-down.interval"] = "1 h";
    j.add("a", 4, kOutsideTpr);
    j.add("c", 4, kWithinDownTpr);
    const auto decision = j.decide();
    CHECK(decision.outcome == DecisionOutcome::Blocked);
    REQUIRE(j.state.delayed_scale_down.vertices.count("c") == 1);
    CHECK(j.state.delayed_scale_down.vertices.at("c").first_trigger_time == kNow);
    CHECK(j.state.delayed_scale_down.updated);
    CHECK(decision.summaries.count("c") == 0);
}

TEST_CASE("a dry run blocks a change as DryRun with the dry-run text and commits nothing", "[decision][dry-run]") {
    Example3 x;
    DecisionContext ctx = x.context();
    ctx.dry_run = true;
    const auto decision = flinkscaler::decide(ctx, x.evaluated, x.state);
    CHECK(decision.outcome == DecisionOutcome::Blocked);
    CHECK(decision.blocked_by == BlockReason::DryRun);
    CHECK(decision.reason == "dry run (--dry-run or service.dry-run): recommendation not applied");
    REQUIRE(decision.summaries.size() == 1);
    REQUIRE(decision.events.size() == 1);
    const Event& e = decision.events.front();
    CHECK(e.type == EventType::Normal);
    CHECK(e.reason == "ScalingReport");
    CHECK(e.message == "Dry run, recommended parallelism change:" + kExample3Entry);
    CHECK(e.interval == std::optional<Millis>(30min));
    // Folded like any blocked report: the same key as with scaling disabled.
    Example3 disabled(Configuration{{"job.autoscaler.scaling.enabled", "false"}});
    CHECK(e.message_key == disabled.decide().events.at(0).message_key);
    CHECK(x.state.scaling_history.empty());
    CHECK(x.state.scaling_tracking.records.empty());
    CHECK(x.state.parallelism_overrides.empty());
}

TEST_CASE("a dry run of a job that disables scaling reports the job's setting", "[decision][dry-run]") {
    Example3 x(Configuration{{"job.autoscaler.scaling.enabled", "false"}});
    DecisionContext ctx = x.context();
    ctx.dry_run = true;
    const auto decision = flinkscaler::decide(ctx, x.evaluated, x.state);
    CHECK(decision.blocked_by == BlockReason::ScalingDisabled);
    CHECK(decision.reason == "scaling execution disabled by job.autoscaler.scaling.enabled:false");
    CHECK(decision.events.at(0).message ==
          "Scaling execution disabled by config job.autoscaler.scaling.enabled:false, recommended parallelism change:" +
              kExample3Entry);
}

TEST_CASE("a dry run inside an excluded period is reported as the dry run", "[decision][dry-run][excluded]") {
    Example3 x(Configuration{{"job.autoscaler.excluded.periods", "9:00-17:00"}});
    DecisionContext ctx = x.context(local(12, 0));
    ctx.dry_run = true;
    const auto decision = flinkscaler::decide(ctx, x.evaluated, x.state);
    CHECK(decision.blocked_by == BlockReason::DryRun);
    CHECK(decision.events.at(0).message == "Dry run, recommended parallelism change:" + kExample3Entry);
}

TEST_CASE("blocked_by names the check that blocked, and is empty unless blocked", "[decision]") {
    SECTION("scaled and no change") {
        Example3 x;
        const auto scaled = x.decide();
        CHECK(scaled.scaled());
        CHECK_FALSE(scaled.blocked_by.has_value());
        Independent j;
        j.add("a", 4, kWithinUpTpr);
        const auto unchanged = j.decide();
        CHECK(unchanged.outcome == DecisionOutcome::NoChange);
        CHECK_FALSE(unchanged.blocked_by.has_value());
    }
    SECTION("memory pressure") {
        Example3 x(Configuration{{"job.autoscaler.memory.gc-pressure.threshold", "0.5"}});
        x.evaluated.global_metrics[M::GC_PRESSURE] = EvaluatedScalingMetric::of_current(0.6);
        CHECK(x.decide().blocked_by == BlockReason::MemoryPressure);
    }
    SECTION("scaling disabled") {
        Example3 x(Configuration{{"job.autoscaler.scaling.enabled", "false"}});
        CHECK(x.decide().blocked_by == BlockReason::ScalingDisabled);
    }
    SECTION("excluded period") {
        Example3 x(Configuration{{"job.autoscaler.excluded.periods", "9:00-17:00"}});
        CHECK(x.decide(local(12, 0)).blocked_by == BlockReason::ExcludedPeriod);
    }
}

TEST_CASE("a daily excluded period covering local_now blocks with the excluded-periods header", "[decision][excluded]") {
    Example3 x(Configuration{{"job.autoscaler.excluded.periods", "9:00-17:00"}});
    const auto decision = x.decide(local(12, 0));
    CHECK(decision.outcome == DecisionOutcome::Blocked);
    REQUIRE(decision.events.size() == 1);
    CHECK(decision.events.front().reason == "ScalingReport");
    CHECK(decision.events.front().message ==
          "Scaling execution disabled by config job.autoscaler.excluded.periods:[9:00-17:00], recommended parallelism "
          "change:" +
              kExample3Entry);
    CHECK(x.state.parallelism_overrides.empty());
}

TEST_CASE("an excluded period not covering local_now lets the scaling execute", "[decision][excluded]") {
    Example3 x(Configuration{{"job.autoscaler.excluded.periods", "9:00-17:00"}});
    CHECK(x.decide(local(18, 0)).scaled());
}

TEST_CASE("excluded periods: any expression matching blocks and all are listed in the header", "[decision][excluded]") {
    Example3 x(Configuration{{"job.autoscaler.excluded.periods", "9:00-11:00;* * 20-21 * * ?"}});
    const auto decision = x.decide(local(20, 30));
    CHECK(decision.outcome == DecisionOutcome::Blocked);
    REQUIRE(decision.events.size() == 1);
    CHECK(decision.events.front().message.rfind(
              "Scaling execution disabled by config job.autoscaler.excluded.periods:[9:00-11:00, * * 20-21 * * ?], "
              "recommended parallelism change:",
              0) == 0);
}

TEST_CASE("without local_now the excluded period is matched against the UTC time of now", "[decision][excluded]") {
    Example3 covered(Configuration{{"job.autoscaler.excluded.periods", "11:30-12:30"}});  // now is 12:00 UTC
    CHECK(covered.decide().outcome == DecisionOutcome::Blocked);
    Example3 free(Configuration{{"job.autoscaler.excluded.periods", "13:00-14:00"}});
    CHECK(free.decide().scaled());
}

// ---------------------------------------------------------------------------------------------
// Example 11 — quota

namespace {

// Example 11: op1 1 -> 4 and op2 1 -> 2, TM = 2 CPU, 2 slots per TM.
std::map<VertexId, ScalingSummary> example11_summaries() { return {{"op1", summary(1, 4)}, {"op2", summary(1, 2)}}; }

JobTopology example11_topology(bool same_group) {
    return JobTopology({vertex_info("op1", 1, {}, 720, 0, std::string("g1")),
                        vertex_info("op2", 1, {}, 720, 0, std::string(same_group ? "g1" : "g2"))});
}

AutoscalerOptions quota_options(const Configuration& extra) {
    Configuration conf{{"taskmanager.numberOfTaskSlots", "2"}};
    for (const auto& [k, v] : extra) conf[k] = v;
    return AutoscalerOptions::from(conf);
}

const ResourceContext kTm2Cpu{2.0, std::nullopt};

}  // namespace

TEST_CASE("Example 11: same slot sharing group, CPU quota 3 blocks and 30 passes", "[decision][quota][example11]") {
    const auto topology = example11_topology(true);
    const auto summaries = example11_summaries();
    // current max 1 -> 0 TMs, new max 4 -> 2 TMs -> 4 CPU
    CHECK(quota_exceeded(topology, summaries, quota_options({{"job.autoscaler.quota.cpu", "3"}}), kTm2Cpu).has_value());
    CHECK_FALSE(quota_exceeded(topology, summaries, quota_options({{"job.autoscaler.quota.cpu", "30"}}), kTm2Cpu));
    CHECK_FALSE(quota_exceeded(topology, summaries, quota_options({{"job.autoscaler.quota.cpu", "4"}}), kTm2Cpu));
}

TEST_CASE("Example 11: same slot sharing group, memory quota 3g blocks and 30g passes", "[decision][quota][example11]") {
    const auto topology = example11_topology(true);
    const auto summaries = example11_summaries();
    const Configuration tm{{"taskmanager.memory.process.size", "2g"}};
    auto with = [&](const std::string& quota) {
        Configuration conf = tm;
        conf["job.autoscaler.quota.memory"] = quota;
        return quota_options(conf);
    };
    CHECK(quota_exceeded(topology, summaries, with("3g"), kTm2Cpu).has_value());
    CHECK_FALSE(quota_exceeded(topology, summaries, with("30g"), kTm2Cpu));
    CHECK_FALSE(quota_exceeded(topology, summaries, with("4g"), kTm2Cpu));
    // without a process size in the job configuration the context's TM memory is used
    const ResourceContext with_memory{2.0, 2 * kGiB};
    CHECK(quota_exceeded(topology, summaries, quota_options({{"job.autoscaler.quota.memory", "3g"}}), with_memory)
              .has_value());
    // with neither, a memory quota cannot be checked
    CHECK_FALSE(quota_exceeded(topology, summaries, quota_options({{"job.autoscaler.quota.memory", "3g"}}), kTm2Cpu));
}

TEST_CASE("Example 11: different slot sharing groups add up: CPU 6 > 5 blocks, memory 6g > 5g blocks",
          "[decision][quota][example11]") {
    const auto topology = example11_topology(false);
    const auto summaries = example11_summaries();
    // current 1 + 1 = 2 -> 1 TM, new 4 + 2 = 6 -> 3 TMs
    CHECK(quota_exceeded(topology, summaries, quota_options({{"job.autoscaler.quota.cpu", "5"}}), kTm2Cpu).has_value());
    CHECK_FALSE(quota_exceeded(topology, summaries, quota_options({{"job.autoscaler.quota.cpu", "6"}}), kTm2Cpu));
    CHECK_FALSE(quota_exceeded(topology, summaries, quota_options({{"job.autoscaler.quota.cpu", "50"}}), kTm2Cpu));
    const auto memory = [](const std::string& quota) {
        return quota_options({{"job.autoscaler.quota.memory", quota}, {"taskmanager.memory.process.size", "2g"}});
    };
    CHECK(quota_exceeded(topology, summaries, memory("5g"), kTm2Cpu).has_value());
    CHECK_FALSE(quota_exceeded(topology, summaries, memory("6g"), kTm2Cpu));
}

TEST_CASE("quota check is skipped without a quota, without slot sharing groups, or with unknown TM CPU",
          "[decision][quota]") {
    const auto summaries = example11_summaries();
    CHECK_FALSE(quota_exceeded(example11_topology(true), summaries, quota_options({}), kTm2Cpu));
    const JobTopology no_groups({vertex_info("op1", 1), vertex_info("op2", 1)});
    CHECK_FALSE(quota_exceeded(no_groups, summaries, quota_options({{"job.autoscaler.quota.cpu", "1"}}), kTm2Cpu));
    CHECK_FALSE(quota_exceeded(example11_topology(false), summaries,
                               quota_options({{"job.autoscaler.quota.cpu", "1"}}), ResourceContext{}));
}

TEST_CASE("quota check passes when the TM count does not grow (floor division of slots)", "[decision][quota]") {
    // new slots 3 -> floor(3 / 2) = 1 TM = current floor(2 / 2) = 1 TM
    const std::map<VertexId, ScalingSummary> summaries{{"op1", summary(1, 2)}, {"op2", summary(1, 1)}};
    CHECK_FALSE(quota_exceeded(example11_topology(false), summaries,
                               quota_options({{"job.autoscaler.quota.cpu", "0.5"}}), kTm2Cpu));
    // a scale-down never exceeds a quota
    const std::map<VertexId, ScalingSummary> down{{"op1", summary(8, 2)}};
    CHECK_FALSE(quota_exceeded(example11_topology(true), down, quota_options({{"job.autoscaler.quota.cpu", "0.5"}}),
                               kTm2Cpu));
}

TEST_CASE("quota counts a slot sharing group by its largest member and floors the current TMs too",
          "[decision][quota]") {
    const auto options = quota_options({{"job.autoscaler.quota.cpu", "3"}});
    // same group: current max 2 -> 1 TM, new max 4 -> 2 TMs -> 4 CPU > 3 (a sum would give 2 TMs now)
    const std::map<VertexId, ScalingSummary> grouped{{"op1", summary(2, 4)}, {"op2", summary(2, 3)}};
    CHECK(quota_exceeded(example11_topology(true), grouped, options, kTm2Cpu).has_value());
    // current 3 slots -> floor 1 TM (not 2), new 4 slots -> 2 TMs -> 4 CPU > 3
    const std::map<VertexId, ScalingSummary> single{{"op1", summary(3, 4)}};
    CHECK(quota_exceeded(example11_topology(true), single, options, kTm2Cpu).has_value());
}

namespace {

// Example 11 through decide: target 0.6 with band 0.6/0.6, catch-up 0.
struct Example11 {
    AutoscalerOptions options;
    JobTopology topology;
    EvaluatedMetrics evaluated;
    JobState state;
    ResourceContext resources{2.0, std::nullopt};

    Example11(bool same_group, const Configuration& extra) : topology(example11_topology(same_group)) {
        Configuration conf{{"job.autoscaler.utilization.target", "0.6"},
                           {"job.autoscaler.utilization.max", "0.6"},
                           {"job.autoscaler.utilization.min", "0.6"},
                           {"job.autoscaler.catch-up.duration", "0"},
                           {"taskmanager.numberOfTaskSlots", "2"},
                           {"taskmanager.memory.process.size", "2g"}};
        for (const auto& [k, v] : extra) conf[k] = v;
        options = AutoscalerOptions::from(conf);
        evaluated.vertex_metrics["op1"] = metrics_of({.p = 1, .tpr = 100, .target = 210}, options, 0s);
        evaluated.vertex_metrics["op2"] = metrics_of({.p = 1, .tpr = 100, .target = 110}, options, 0s);
    }
    ScalingDecision decide() {
        const DecisionContext ctx{topology, options, kNow, std::nullopt, 0s, {}, resources};
        return flinkscaler::decide(ctx, evaluated, state);
    }
};

}  // namespace

TEST_CASE("a reached quota is BlockReason::ResourceQuota", "[decision][quota]") {
    Example11 x(true, {{"job.autoscaler.quota.cpu", "3"}});
    CHECK(x.decide().blocked_by == BlockReason::ResourceQuota);
}

TEST_CASE("Example 11 through decide: a CPU quota reached blocks with a ResourceQuotaReached warning",
          "[decision][quota][example11]") {
    Example11 x(true, {{"job.autoscaler.quota.cpu", "3"}});
    const auto decision = x.decide();
    CHECK(decision.outcome == DecisionOutcome::Blocked);
    REQUIRE(decision.summaries.size() == 2);
    CHECK(decision.summaries.at("op1").new_parallelism == 4);
    CHECK(decision.summaries.at("op2").new_parallelism == 2);
    REQUIRE(decision.events.size() == 1);
    const Event& e = decision.events.front();
    CHECK(e.type == EventType::Warning);
    CHECK(e.reason == "ResourceQuotaReached");
    CHECK_FALSE(e.message_key.has_value());
    CHECK(e.interval == std::optional<Millis>(30min));
    CHECK(x.state.parallelism_overrides.empty());
    CHECK(x.state.scaling_history.empty());
}

TEST_CASE("Example 11 through decide: quotas that are not reached let the scaling execute",
          "[decision][quota][example11]") {
    SECTION("same group, CPU quota 30") {
        Example11 x(true, {{"job.autoscaler.quota.cpu", "30"}});
        CHECK(x.decide().scaled());
        CHECK(x.state.parallelism_overrides == std::map<VertexId, int>{{"op1", 4}, {"op2", 2}});
    }
    SECTION("different groups, CPU quota 6 and memory quota 6g") {
        Example11 x(false, {{"job.autoscaler.quota.cpu", "6"}, {"job.autoscaler.quota.memory", "6g"}});
        const auto decision = x.decide();
        CHECK(decision.scaled());
        CHECK(reasons(decision.events) == std::vector<std::string>{"ScalingReport"});
    }
}

TEST_CASE("Example 11 through decide: memory and different-group quotas block", "[decision][quota][example11]") {
    SECTION("same group, memory quota 3g") {
        Example11 x(true, {{"job.autoscaler.quota.memory", "3g"}});
        const auto decision = x.decide();
        CHECK(decision.outcome == DecisionOutcome::Blocked);
        CHECK(reasons(decision.events) == std::vector<std::string>{"ResourceQuotaReached"});
    }
    SECTION("different groups, CPU quota 5") {
        Example11 x(false, {{"job.autoscaler.quota.cpu", "5"}});
        CHECK(x.decide().outcome == DecisionOutcome::Blocked);
    }
    SECTION("different groups, memory quota 5g") {
        Example11 x(false, {{"job.autoscaler.quota.memory", "5g"}});
        CHECK(x.decide().outcome == DecisionOutcome::Blocked);
    }
    SECTION("a CPU quota never blocks when the TM CPU is unknown") {
        Example11 x(true, {{"job.autoscaler.quota.cpu", "1"}});
        x.resources = ResourceContext{};
        CHECK(x.decide().scaled());
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

TEST_CASE("property: a job at constant load exactly at target utilization never scales", "[decision][property]") {
    std::mt19937 rng(314159);
    const auto options = AutoscalerOptions::from({});
    for (int i = 0; i < 300; ++i) {
        const int length = std::uniform_int_distribution<int>(1, 4)(rng);
        const double rate = std::uniform_int_distribution<int>(10, 100000)(rng) +
                            std::uniform_int_distribution<int>(0, 9)(rng) / 10.0;
        std::vector<VertexInfo> infos;
        for (int k = 0; k < length; ++k) {
            const int max_par = std::uniform_int_distribution<int>(1, 1000)(rng);
            const int p = std::uniform_int_distribution<int>(1, max_par)(rng);
            std::map<VertexId, ShipStrategy> inputs;
            if (k > 0)
                inputs["v" + std::to_string(k - 1)] = (k % 2 == 0) ? ShipStrategy::HASH : ShipStrategy::REBALANCE;
            infos.push_back(vertex_info("v" + std::to_string(k), p, inputs, max_par,
                                        k == 0 ? std::uniform_int_distribution<int>(0, 64)(rng) : 0));
        }
        const JobTopology topology(infos);
        // two samples one minute apart: every vertex receives and emits `rate` records/s at 70 % busy time
        MetricHistory history;
        const Instant t0 = kNow - 60s;
        for (int s = 0; s < 2; ++s) {
            CollectedSample sample;
            for (int k = 0; k < length; ++k) {
                auto& values = sample.vertex_metrics["v" + std::to_string(k)];
                values[M::NUM_RECORDS_IN] = 1e6 + s * 60 * rate;
                values[M::NUM_RECORDS_OUT] = 2e6 + s * 60 * rate;
                values[M::LOAD] = 0.7;
                if (k == 0) values[M::LAG] = 0;
                else values[M::NUM_RECORDS_IN_PER_SECOND] = rate;
            }
            history[t0 + s * 60s] = sample;
        }
        const Seconds restart = (i % 2 == 0) ? 0s : 300s;
        auto evaluated = evaluate(topology, history, options, restart);
        JobState state;
        const DecisionContext ctx{topology, options, kNow, std::nullopt, restart, {}, {}};
        const auto decision = decide(ctx, evaluated, state);
        CAPTURE(i, length, rate, restart.count());
        CHECK_FALSE(evaluated.processing_backlog);
        CHECK(decision.outcome == DecisionOutcome::NoChange);
        CHECK(decision.summaries.empty());
        CHECK(decision.events.empty());
        for (const auto& v : decision.vertices) CHECK_FALSE(v.outside_utilization_bound);
        CHECK(state.parallelism_overrides.empty());
        CHECK(state.scaling_history.empty());
    }
}

TEST_CASE("property: decide applies exactly the computed changes when some vertex is outside, else none",
          "[decision][property]") {
    std::mt19937 rng(2718);
    Configuration conf{{"job.autoscaler.scale-down.interval", "0"}};
    const auto options = AutoscalerOptions::from(conf);
    for (int i = 0; i < 400; ++i) {
        const int count = std::uniform_int_distribution<int>(1, 5)(rng);
        std::vector<VertexInfo> infos;
        EvaluatedMetrics evaluated;
        for (int k = 0; k < count; ++k) {
            const VertexId id = "v" + std::to_string(k);
            const int p = std::uniform_int_distribution<int>(1, 300)(rng);
            infos.push_back(vertex_info(id, p));
            const double target = std::uniform_int_distribution<int>(100, 10000)(rng);
            // TPR around the band edges so that both outcomes occur
            const double tpr = target * std::uniform_real_distribution<double>(0.9, 3.0)(rng);
            evaluated.vertex_metrics[id] =
                metrics_of({.p = p, .tpr = tpr, .target = target, .catch_up = 0}, options, 300s);
        }
        const JobTopology topology(infos);

        // Each vertex on its own, on copies.
        std::map<VertexId, int> expected;
        bool any_outside = false;
        for (const auto& [id, m] : evaluated.vertex_metrics) {
            auto copy = m;
            DelayedScaleDown delayed;
            Events events;
            const auto change = compute_scale_target_parallelism(options, id, {}, copy, {}, 300s, delayed, kNow, events);
            if (!change.changed) continue;
            expected[id] = change.new_parallelism;
            any_outside = any_outside || change.outside_utilization_bound;
        }

        JobState state;
        const DecisionContext ctx{topology, options, kNow, std::nullopt, 300s, {}, {}};
        const auto decision = decide(ctx, evaluated, state);
        std::map<VertexId, int> applied;
        for (const auto& [id, s] : decision.summaries) applied[id] = s.new_parallelism;
        CAPTURE(i, count, any_outside);
        if (any_outside) {
            CHECK(decision.outcome == DecisionOutcome::Scaled);
            CHECK(applied == expected);
            CHECK(state.parallelism_overrides.size() == static_cast<std::size_t>(count));
            for (const auto& [id, s] : decision.summaries)
                CHECK(current_of(evaluated.vertex_metrics.at(id), M::RECOMMENDED_PARALLELISM) == s.new_parallelism);
        } else {
            CHECK(decision.outcome == DecisionOutcome::NoChange);
            CHECK(applied.empty());
            CHECK(state.parallelism_overrides.empty());
        }
    }
}
