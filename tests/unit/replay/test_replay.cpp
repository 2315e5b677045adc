// SPDX-License-Identifier: Apache-2.0
#include "replay/replay.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace flinkscaler;

namespace {

nlohmann::json fixture(const std::string& name) {
    std::ifstream in(std::string(FLINKSCALER_FIXTURES) + "/replay/" + name);
    REQUIRE(in);
    return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("a written replay document reads back to the same input and replays to the same state", "[replay]") {
    for (const char* name : {"three-vertex-pipeline.json", "load-step.json"}) {
        DYNAMIC_SECTION(name) {
            const ReplayInput original = parse_replay(fixture(name));
            const ReplayInput reread = parse_replay(replay_document(original));
            REQUIRE(reread.samples.size() == original.samples.size());
            CHECK(reread.options == original.options);
            for (std::size_t i = 0; i < original.samples.size(); ++i) {
                CHECK(reread.samples[i].timestamp == original.samples[i].timestamp);
                CHECK(reread.samples[i].job_running_since == original.samples[i].job_running_since);
                CHECK(JobTopology(reread.samples[i].vertices).vertex_ids() ==
                      JobTopology(original.samples[i].vertices).vertex_ids());
            }
            const auto a = run_replay(original, {});
            const auto b = run_replay(reread, {});
            CHECK(a.final_state == b.final_state);
        }
    }
}

TEST_CASE("parallelism changes and restarts between samples are written as per-sample changes", "[replay]") {
    ReplayInput input = parse_replay(fixture("three-vertex-pipeline.json"));
    ReplaySample later = input.samples.back();
    later.timestamp += std::chrono::minutes(1);
    later.job_running_since += std::chrono::minutes(1);
    later.vertices[1].parallelism = 8;
    input.samples.push_back(later);
    const auto doc = replay_document(input);
    const auto& last = doc["samples"].back();
    CHECK(last["parallelism"] == nlohmann::json{{later.vertices[1].id, 8}});
    CHECK(last.contains("jobRunningSince"));
    CHECK_FALSE(doc["samples"][1].contains("parallelism"));
    const ReplayInput reread = parse_replay(doc);
    CHECK(reread.samples.back().vertices[1].parallelism == 8);
    CHECK(reread.samples.back().job_running_since == later.job_running_since);
}
