// SPDX-License-Identifier: Apache-2.0
//
// Tests of the simulator's REST layer without sockets (helpers in test_rest_support.hpp):
// job endpoints per version, resource requirements (validation, 409, timing, schedulers),
// /jobmanager/config, routing, and the scenario reader (errors with file/line/key, the examples).
#include "test_rest_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace flinkscaler::sim;
using namespace flinkscaler::sim::test;

TEST_CASE("/jobs/:jid fields differ by version", "[rest][version]") {
    Harness v19(scenario_text("1.19.1"));
    const auto d19 = v19.get(1, kJob);
    CHECK(!d19.contains("job-type"));
    CHECK(!d19["vertices"][0].contains("slotSharingGroupId"));
    CHECK(v19.get(1, kJob + "/config")["execution-config"].contains("execution-mode"));

    Harness v20(scenario_text("2.0.0"));
    const auto d20 = v20.get(1, kJob);
    CHECK(d20["job-type"] == "STREAMING");
    CHECK(d20["vertices"][0].contains("slotSharingGroupId"));
    CHECK(!v20.get(1, kJob + "/config")["execution-config"].contains("execution-mode"));
    // Plan: a source has no inputs key; edges carry the ship strategy.
    const auto nodes = v20.get(1, kJob + "/plan")["plan"]["nodes"];
    REQUIRE(nodes.size() == 3);
    for (const auto& n : nodes) {
        if (n["id"] == "bc764cd8ddf7a0cff126f51c16239658") CHECK(!n.contains("inputs"));
        if (n["id"] == kKeyed) CHECK(n["inputs"][0]["ship_strategy"] == "HASH");
    }
}

TEST_CASE("resource requirements: validation texts, 409, -1 bounds, timing", "[rest][rescale]") {
    Harness h(scenario_text("1.19.0"));
    const std::string path = kJob + "/resource-requirements";
    CHECK(h.get(1, path)[kKeyed]["parallelism"]["upperBound"] == 2);
    CHECK(first_error(h.call(1, path, "PUT", "")).find("does not specify resource requirements") != std::string::npos);
    CHECK(first_error(h.call(1, path, "PUT", "[1]")).find("did not match expected format JobResourceRequirementsBody") !=
          std::string::npos);
    const auto unknown = h.call(1, path, "PUT",
                                R"({"ffffffffffffffffffffffffffffffff":{"parallelism":{"lowerBound":1,"upperBound":1}}})");
    CHECK(unknown.status == 400);
    CHECK(first_error(unknown).find("Job vertex [ffffffffffffffffffffffffffffffff] was not found in the JobGraph.") !=
          std::string::npos);
    CHECK(first_error(h.call(1, path, "PUT", put_body(2, 0, 1))).find("must be greater than zero") != std::string::npos);

    const auto ok = h.call(2, path, "PUT", put_body(2, -1, 1));
    REQUIRE(ok.status == 200);
    CHECK(ok.body == "{}");
    CHECK(h.get(3, path)[kKeyed]["parallelism"]["upperBound"] == 128);  // -1 = max parallelism
    const auto conflict = h.call(3, path, "PUT", put_body(2, 3, 1));
    CHECK(conflict.status == 409);
    CHECK(first_error(conflict).find("resource requirements is in progress") != std::string::npos);
    // 1.19: nothing happens before the 30 s cooldown; then the slots cap the scale-up at 8.
    CHECK(h.get(29, kJob + "/status")["status"] == "RUNNING");
    CHECK(h.get(30.5, kJob + "/status")["status"] == "RESTARTING");
    CHECK(h.get(32, kJob + "/status")["status"] == "CREATED");
    const auto overview = h.get(33.5, "/jobs/overview")["jobs"][0];
    CHECK(overview["state"] == "RUNNING");
    CHECK(overview["tasks"]["initializing"].get<int>() > 0);  // effective state: not yet running
    const auto details = h.get(40, kJob);
    CHECK(details["vertices"][1]["parallelism"] == 8);  // 2 TaskManagers x 4 slots
    CHECK(h.get(40, "/overview")["slots-available"] == 0);
}

TEST_CASE("schedulers that cannot rescale", "[rest][rescale]") {
    Harness def(scenario_text("1.20.0", "    scheduler: default\n"));
    const auto get = def.call(1, kJob + "/resource-requirements");
    CHECK(get.status == 500);
    const auto errors = json::parse(get.body)["errors"];
    CHECK(errors[0] == "Internal server error.");
    CHECK(errors[1].get<std::string>().find("does not support changing the parallelism") != std::string::npos);
    for (const auto& e : def.get(1, kJob + "/jobmanager/config")) CHECK(e["key"] != "jobmanager.scheduler");
    CHECK(def.get(1, "/config")["features"]["web-rescale"] == false);

    Harness reactive(scenario_text("1.20.0", "    scheduler_mode: reactive\n"));
    CHECK(reactive.call(1, kJob + "/resource-requirements").status == 200);
    const auto put = reactive.call(1, kJob + "/resource-requirements", "PUT", put_body(2, 3, 1));
    CHECK(put.status == 500);
    CHECK(put.body.find("reactive mode") != std::string::npos);
}

TEST_CASE("/jobmanager/config lists the scheduler, cooldown and scenario keys, masked when sensitive", "[rest]") {
    Harness h(scenario_text("1.19.0", "    rescale: {cooldown: 45s}\n"
                                      "    config: {job.autoscaler.enabled: \"true\", s3.secret-key: abc}\n"));
    std::map<std::string, std::string> config;
    for (const auto& e : h.get(1, "/jobs/ffffffffffffffffffffffffffffffff/jobmanager/config")) config[e["key"]] = e["value"];
    CHECK(config["jobmanager.scheduler"] == "adaptive");
    CHECK(config["jobmanager.adaptive-scheduler.scaling-interval.min"] == "45 s");
    CHECK(config["job.autoscaler.enabled"] == "true");
    CHECK(config["s3.secret-key"] == "******");
}

TEST_CASE("routing: /v1 prefix, malformed ids, wrong methods", "[rest]") {
    Harness h(scenario_text("2.1.0"));
    CHECK(h.get(1, "/v1/jobs")["jobs"][0]["status"] == "RUNNING");
    CHECK(first_error(h.call(1, "/jobs/not-a-job-id")).find("Bad request, could not parse parameters") != std::string::npos);
    CHECK(h.call(1, "/jobs/overview", "PUT").status == 405);
    CHECK(h.call(1, "/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/nothing").status == 404);
    CHECK(h.get(1, kJob + "/checkpoints/config")["interval"] == 60000);
}

TEST_CASE("scenario errors carry file, line, column and key", "[rest][scenario]") {
    auto e = scenario_error("clusters:\n  - name: c\n    flink_version: \"1.20.0\"\n    taskmanagers: {count: 2, slotz: 4}\n");
    CHECK(e.line == 4);
    CHECK(e.key == "clusters[0].taskmanagers.slotz");
    CHECK(std::string(e.what()).find("did you mean 'slots'") != std::string::npos);
    CHECK(std::string(e.what()).rfind("bad.yaml:4:", 0) == 0);

    e = scenario_error("clusters:\n  - name: c\n    flink_version: \"1.17.0\"\n");
    CHECK(e.key == "clusters[0].flink_version");
    CHECK(e.line == 3);

    e = scenario_error(scenario_text("1.20.0").replace(scenario_text("1.20.0").find("capacity: 1000,"), 15, "capacity: -5,"));
    CHECK(e.key == "clusters[0].jobs[0].vertices[1].capacity");

    e = scenario_error(scenario_text("1.20.0").replace(scenario_text("1.20.0").find("[KeyedProcess]"), 14, "[Nope]"));
    CHECK(e.key == "clusters[0].jobs[0].vertices[2].inputs[0]");

    e = scenario_error(scenario_text("1.20.0", "    taskmanagers: {count: 1, slots: 1}\n"));
    CHECK(e.key == "clusters[0].jobs[0]");
    CHECK(std::string(e.what()).find("slots") != std::string::npos);

    e = scenario_error("clusters:\n  - name: c\n    flink_version: \"1.20.0\"\n    faults: [{kind: latency, delay: 2 parsecs}]\n");
    CHECK(e.key == "clusters[0].faults[0].delay");

    e = scenario_error("clusters: [\n");
    CHECK(std::string(e.what()).find("YAML syntax error") != std::string::npos);

    const auto dir = std::filesystem::temp_directory_path() / ("flink-sim-trace-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "t.csv") << "time_s,rate\n0,10\n5,oops\n";
    try {
        parse_scenario("clusters:\n  - name: c\n    flink_version: \"1.20.0\"\n    jobs:\n      - name: j\n        vertices:\n"
                       "          - {name: s, capacity: 10, input_rate: {type: trace, file: t.csv}}\n",
                       "x.yaml", dir.string());
        FAIL("no error");
    } catch (const ScenarioError& err) {
        CHECK(err.file == (dir / "t.csv").string());
        CHECK(err.line == 3);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("the example scenarios load", "[rest][scenario]") {
    const std::filesystem::path dir = SIM_SCENARIO_DIR;
    for (const char* name : {"single-job.yaml", "two-clusters.yaml", "faults.yaml"}) {
        INFO(name);
        const auto s = load_scenario((dir / name).string());
        CHECK(!s.clusters.empty());
    }
}
