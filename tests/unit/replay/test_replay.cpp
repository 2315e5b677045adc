// SPDX-License-Identifier: Apache-2.0
#include "replay/replay.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

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

// issue 11 case 5 as a recording: a job at 70 % load (2800 records/s on 4 × 1000) restarts while it
// is away from the listing (jobRunningSince 35 s), and its first sample back (60 s) has every IO
// counter 0 and flagged incomplete; from 65 s on the counters count every record since the restart.
// Used, that sample anchors the window at 0 and the rates over 60-80 s are 2.25 × the real ones:
// Process would go 4 -> 10. Gated, the window starts at 65 s and at 85 s the decision is the right
// one: no change (target capacity 2800 / 0.7 = 4000 = its true processing rate).
TEST_CASE("a recorded sample with incomplete counters is reported as gated with its JSON path, not used",
          "[replay][gates]") {
    const ReplayInput input = parse_replay(fixture("vanish-and-return.json"));
    REQUIRE(input.samples.size() == 11);
    CHECK_FALSE(input.samples[5].metrics.vertices.at("e1000000000000000000000000000002").io.num_records_in_complete);
    CHECK(input.samples[6].metrics.vertices.at("e1000000000000000000000000000002").io.num_records_in_complete);
    const ReplayRun run = run_replay(input, {});
    REQUIRE(run.cycles.size() == 11);
    std::vector<std::string> stages;
    for (const auto& cycle : run.cycles) stages.emplace_back(cycle.result ? to_string(cycle.result->stage) : cycle.error);
    CHECK(stages == std::vector<std::string>{"collecting-samples", "window-not-full", "window-not-full",
                                             "window-not-full", "decided", "sample-gated", "collecting-samples",
                                             "window-not-full", "window-not-full", "window-not-full", "decided"});
    const auto& gated = run.cycles[5];
    REQUIRE(gated.result->gated.has_value());
    CHECK(gated.result->gated->gate == SampleGate::CounterIncomplete);
    CHECK(gated.gated_at == "$.samples[5].vertices.e1000000000000000000000000000001.io.readRecordsComplete");
    CHECK_THAT(gated.result->summary,
               Catch::StartsWith("sample gated: vertex e1000000000000000000000000000001 read-records is incomplete") &&
                   Catch::EndsWith("(" + gated.gated_at + ")"));
    for (std::size_t i : {4u, 10u}) {
        INFO("cycle " << i << ": " << run.cycles[i].result->summary);
        CHECK(run.cycles[i].result->decision->outcome == DecisionOutcome::NoChange);
    }
    CHECK(run.final_state.parallelism_overrides.empty());
    CHECK(run.final_state.scaling_history.empty());
}

TEST_CASE("a recorded counter that went backwards is gated at its JSON path", "[replay][gates]") {
    ReplayInput input = parse_replay(fixture("vanish-and-return.json"));
    input.samples[8].metrics.vertices["e1000000000000000000000000000002"].io.num_records_in = 5.0;
    const ReplayRun run = run_replay(input, {});
    const auto& cycle = run.cycles[8];
    REQUIRE(cycle.result->stage == CycleStage::SampleGated);
    CHECK(cycle.result->gated->gate == SampleGate::CounterWentBackwards);
    CHECK(cycle.gated_at == "$.samples[8].vertices.e1000000000000000000000000000002.io.readRecords");
    CHECK_THAT(cycle.result->summary, Catch::Contains("read-records went backwards (98000 -> 5)"));
    // The written document keeps the flags (only the false ones) and reads back the same.
    const auto doc = replay_document(input);
    CHECK(doc["samples"][5]["vertices"]["e1000000000000000000000000000002"]["io"]["readRecordsComplete"] == false);
    CHECK_FALSE(doc["samples"][6]["vertices"]["e1000000000000000000000000000002"]["io"].contains("readRecordsComplete"));
    CHECK(run_replay(parse_replay(doc), {}).final_state == run.final_state);
}

TEST_CASE("a negative counter in a recording is rejected with its JSON path", "[replay][gates]") {
    auto doc = fixture("vanish-and-return.json");
    auto bad = doc;
    bad["samples"][2]["vertices"]["e1000000000000000000000000000002"]["io"]["readRecords"] = -1;
    CHECK_THROWS_WITH(parse_replay(bad), "$.samples[2].vertices.e1000000000000000000000000000002.io.readRecords: a "
                                         "counter cannot be negative, got -1");
    bad = doc;
    bad["samples"][3]["vertices"]["e1000000000000000000000000000001"]["metrics"]["SOURCE_TASK_NUM_RECORDS_IN"] =
        nlohmann::json{{"sum", -10}};
    CHECK_THROWS_WITH(parse_replay(bad), "$.samples[3].vertices.e1000000000000000000000000000001.metrics."
                                         "SOURCE_TASK_NUM_RECORDS_IN.sum: a counter cannot be negative");
}
