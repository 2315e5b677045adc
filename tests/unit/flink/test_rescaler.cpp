// SPDX-License-Identifier: Apache-2.0
#include "flink/rescaler.hpp"

#include <catch2/catch.hpp>

using namespace flinkscaler;
using namespace flinkscaler::flink;

namespace {

AutoscalerOptions options_of(const Configuration& conf) { return AutoscalerOptions::from(conf); }

JobDetails details(const std::string& state, std::vector<std::pair<std::string, int>> vertices,
                   std::optional<std::int64_t> running_ms, const std::string& status = "RUNNING") {
    JobDetails d;
    d.id = std::string("job");  // not = "literal": GCC 12 -Wrestrict false positive at -O2
    d.state = std::string(state);
    if (running_ms) d.running_since = instant_from_epoch_ms(*running_ms);
    for (const auto& [id, p] : vertices) {
        VertexDetails v;
        v.id = id;
        v.parallelism = p;
        v.status = status;
        d.vertices.push_back(v);
    }
    return d;
}

}  // namespace

TEST_CASE("autoscaler overrides replace user overrides except for excluded vertices", "[flink][rescaler]") {
    const auto options = options_of({{"pipeline.jobvertex-parallelism-overrides", "a:2,b:3"},
                                     {"job.autoscaler.vertex.exclude.ids", "b"}});
    const auto merged = merge_overrides({{"a", 8}, {"b", 9}, {"c", 4}}, options, {});
    CHECK(merged == std::map<VertexId, int>{{"a", 8}, {"b", 3}, {"c", 4}});
    // a vertex excluded only for this cycle (finished, unknown busy time) also keeps the user value
    CHECK(merge_overrides({{"a", 8}}, options, {"a"}).at("a") == 2);
    // excluded without a user value: the autoscaler's value stands
    CHECK(merge_overrides({{"c", 4}}, options, {"c"}).at("c") == 4);
}

TEST_CASE("the desired requirements change only vertices with an override, always with lower bound 1",
          "[flink][rescaler]") {
    const ResourceRequirements current{{"a", {1, 4}}, {"b", {2, 2}}, {"c", {1, 1}}};
    const auto desired = desired_requirements(current, {{"a", 8}, {"b", 2}, {"zz", 5}});
    REQUIRE(desired);
    CHECK(*desired == ResourceRequirements{{"a", {1, 8}}, {"b", {1, 2}}, {"c", {1, 1}}});
}

TEST_CASE("nothing is sent when Flink already has the requirements (the realizer is idempotent)",
          "[flink][rescaler]") {
    const ResourceRequirements current{{"a", {1, 8}}, {"b", {1, 2}}};
    CHECK_FALSE(desired_requirements(current, {{"a", 8}, {"b", 2}}));
    CHECK_FALSE(desired_requirements(current, {}));
}

TEST_CASE("only jobmanager.scheduler adaptive (any case) allows in-place rescaling", "[flink][rescaler]") {
    CHECK(uses_adaptive_scheduler(options_of({{"jobmanager.scheduler", "adaptive"}})));
    CHECK(uses_adaptive_scheduler(options_of({{"jobmanager.scheduler", "Adaptive"}})));
    CHECK_FALSE(uses_adaptive_scheduler(options_of({{"jobmanager.scheduler", "default"}})));
    CHECK_FALSE(uses_adaptive_scheduler(options_of({{"jobmanager.scheduler", "AdaptiveBatch"}})));
    CHECK_FALSE(uses_adaptive_scheduler(options_of({})));
}

TEST_CASE("rescale progress: done, insufficient resources, not started, not running", "[flink][rescaler]") {
    const ResourceRequirements requested{{"a", {1, 8}}, {"b", {1, 2}}};
    const std::optional<Instant> before = instant_from_epoch_ms(1000);
    CHECK(rescale_progress(details("RUNNING", {{"a", 8}, {"b", 2}}, 5000), requested, before) == RescaleProgress::Done);
    CHECK(rescale_progress(details("RUNNING", {{"a", 6}, {"b", 2}}, 5000), requested, before) ==
          RescaleProgress::InsufficientResources);
    CHECK(rescale_progress(details("RUNNING", {{"a", 4}, {"b", 2}}, 1000), requested, before) ==
          RescaleProgress::NotStarted);
    CHECK(rescale_progress(details("RESTARTING", {{"a", 8}, {"b", 2}}, 5000), requested, before) ==
          RescaleProgress::NotRunning);
    CHECK(rescale_progress(details("RUNNING", {{"a", 8}, {"b", 2}}, 5000, "DEPLOYING"), requested, before) ==
          RescaleProgress::NotRunning);
}
