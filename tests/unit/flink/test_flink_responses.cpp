// SPDX-License-Identifier: Apache-2.0
#include "fixture.hpp"
#include "flink/resource_requirements.hpp"
#include "flink/responses.hpp"

#include "flinkscaler/numeric.hpp"
#include "flinkscaler/source_partitions.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using flinkscaler::IoCounters;
using flinkscaler::JobTopology;
using flinkscaler::ShipStrategy;
using flinkscaler::TopologyError;
using flinkscaler::VertexId;
using namespace flinkscaler::flink;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nlohmann::json;

namespace {

const std::vector<std::string> kVersions = {"1.18", "1.19", "1.20", "2.0", "2.1"};

const std::string kJob = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const std::string kFinishedJob = "0f0e0d0c0b0a09080706050403020100";
const std::string kRestartingJob = "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
const VertexId kSource = "bc764cd8ddf7a0cff126f51c16239658";
const VertexId kKeyed = "0a448493b4782967b150582570326227";
const VertexId kSink = "ea632d67b7d595e5b851708ae9ad79d6";
const std::string kSlotSharingGroup = "a9c0a1e0c6f3f3d3b2e8f1d0c4b5a6e7";

std::string fixture(const std::string& version, const std::string& name) {
    return flinkscaler::testing::read_fixture("flink/" + version + "/" + name);
}

std::string vertex_fixture(const std::string& version, const VertexId& vertex, const std::string& suffix) {
    return fixture(version, "vertex-" + vertex + "-" + suffix + ".json");
}

bool newer_than_1_19(const std::string& version) { return version != "1.18" && version != "1.19"; }

/// The message of the ResponseError `parse` throws (fails the test when nothing is thrown).
template <typename Parse>
std::string response_error(Parse parse) {
    try {
        parse();
    } catch (const ResponseError& e) {
        return e.what();
    }
    FAIL("no ResponseError");
    return {};
}

const std::string kDetailsTemplate = R"({
  "jid": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "name": "j", "state": "RUNNING",
  "timestamps": {"RUNNING": 1717000001200},
  "vertices": [
    {"id": "s", "name": "Source: s", "maxParallelism": 128, "parallelism": 2, "status": "RUNNING",
     "metrics": {"read-records": 0, "write-records": 100, "accumulated-busy-time": 5.0}},
    {"id": "t", "name": "Sink: t", "maxParallelism": 64, "parallelism": 1, "status": "RUNNING",
     "metrics": {"read-records": 100, "write-records": 0, "accumulated-busy-time": 7.0}}
  ],
  "plan": {"nodes": [
    {"id": "t", "parallelism": 1, "inputs": [{"num": 0, "id": "s", "ship_strategy": "FORWARD"}]},
    {"id": "s", "parallelism": 2}
  ]}
})";

json details_template() { return json::parse(kDetailsTemplate); }

}  // namespace

TEST_CASE("flink: dashboard config and cluster overview give the version of every fixture set", "[flink]") {
    const std::vector<std::pair<int, int>> expected = {{1, 18}, {1, 19}, {1, 20}, {2, 0}, {2, 1}};
    for (std::size_t i = 0; i < kVersions.size(); ++i) {
        const std::string& version = kVersions[i];
        DYNAMIC_SECTION("Flink " << version) {
            const DashboardConfig config = parse_dashboard_config(fixture(version, "config.json"));
            CHECK(config.version.major == expected[i].first);
            CHECK(config.version.minor == expected[i].second);
            CHECK_THAT(config.version.text, StartsWith(version + "."));
            CHECK(config.refresh_interval_ms == 3000);
            CHECK(config.version.supports_skew() == newer_than_1_19(version));

            const ClusterOverview overview = parse_cluster_overview(fixture(version, "overview.json"));
            CHECK(overview.version.major == expected[i].first);
            CHECK(overview.version.minor == expected[i].second);
            CHECK(overview.task_managers == 2);
            CHECK(overview.slots_total == 8);
            CHECK(overview.slots_available == 1);
        }
    }
}

TEST_CASE("flink: jobs overview lists running, finished and restarting jobs with their effective state", "[flink]") {
    for (const auto& version : kVersions) {
        DYNAMIC_SECTION("Flink " << version) {
            const auto jobs = parse_jobs_overview(fixture(version, "jobs-overview.json"));
            REQUIRE(jobs.size() == 3);
            CHECK(jobs[0].id == kJob);
            CHECK(jobs[0].name == "orders-enrichment");
            CHECK(jobs[0].state == "RUNNING");
            CHECK(jobs[0].tasks_total == 7);
            CHECK(jobs[0].tasks_running == 7);
            CHECK(jobs[0].effective_state() == "RUNNING");
            CHECK(jobs[1].id == kFinishedJob);
            CHECK(jobs[1].effective_state() == "FINISHED");
            CHECK(jobs[1].tasks_finished == 2);
            CHECK(jobs[2].id == kRestartingJob);
            CHECK(jobs[2].effective_state() == "RESTARTING");
        }
    }
}

TEST_CASE("flink: job details give vertices, plan, running time and IO counters on every version", "[flink]") {
    for (const auto& version : kVersions) {
        DYNAMIC_SECTION("Flink " << version) {
            const JobDetails details = parse_job_details(fixture(version, "job-details.json"));
            CHECK(details.id == kJob);
            CHECK(details.name == "orders-enrichment");
            CHECK(details.state == "RUNNING");
            CHECK(details.ready());
            REQUIRE(details.running_since);
            CHECK(flinkscaler::epoch_ms(*details.running_since) == 1717000001200);

            REQUIRE(details.vertices.size() == 3);
            const VertexDetails& source = details.vertices[0];
            CHECK(source.id == kSource);
            CHECK(source.name == "Source: orders -> Filter");
            CHECK(source.parallelism == 4);
            CHECK(source.max_parallelism == 128);
            CHECK(source.status == "RUNNING");
            CHECK(source.io.num_records_in == 0.0);
            CHECK(source.io.num_records_out == 12345678.0);
            CHECK(source.io.accumulated_busy_time == 5280000.0);
            for (const auto& vertex : details.vertices) {
                if (newer_than_1_19(version)) {
                    REQUIRE(vertex.slot_sharing_group);
                    CHECK(*vertex.slot_sharing_group == kSlotSharingGroup);
                } else {
                    CHECK_FALSE(vertex.slot_sharing_group);
                }
            }

            REQUIRE(details.plan.size() == 3);
            CHECK(details.plan[2].id == kSource);
            CHECK(details.plan[2].inputs.empty());
            CHECK(details.plan[0].id == kSink);
            REQUIRE(details.plan[0].inputs.size() == 1);
            CHECK(details.plan[0].inputs[0] == std::pair<VertexId, std::string>{kKeyed, "REBALANCE"});

            const auto io = details.io_counters();
            REQUIRE(io.size() == 3);
            CHECK(io.at(kKeyed).num_records_in == 12345000.0);
            CHECK(io.at(kKeyed).num_records_out == 6100000.0);
            CHECK(io.at(kSink).accumulated_busy_time == 290000.0);
        }
    }
}

TEST_CASE("flink: an initializing job has no vertices and no plan, and that is not an error", "[flink]") {
    for (const auto& version : kVersions) {
        DYNAMIC_SECTION("Flink " << version) {
            const JobDetails details = parse_job_details(fixture(version, "job-details-initializing.json"));
            CHECK(details.state == "INITIALIZING");
            CHECK_FALSE(details.ready());
            CHECK(details.vertices.empty());
            CHECK(details.plan.empty());
            CHECK_FALSE(details.running_since);  // timestamps.RUNNING is 0
            CHECK(details.topology().size() == 0);
        }
    }
    SECTION("a plan given as an empty string or null is empty too") {
        json body = details_template();
        body["vertices"] = json::array();
        body["plan"] = "";
        CHECK(parse_job_details(body.dump()).plan.empty());
        body["plan"] = nullptr;
        CHECK(parse_job_details(body.dump()).plan.empty());
    }
}

TEST_CASE("flink: topology from job details has the plan's edges and ship strategies", "[flink]") {
    for (const auto& version : kVersions) {
        DYNAMIC_SECTION("Flink " << version) {
            const JobDetails details = parse_job_details(fixture(version, "job-details.json"));
            const auto names = parse_metric_names(vertex_fixture(version, kSource, "metric-names"));
            const int partitions = flinkscaler::count_source_partitions(names);
            CHECK(partitions == 4);
            const JobTopology topology = details.topology({{kSource, partitions}});

            REQUIRE(topology.size() == 3);
            CHECK(topology.topological_order() == std::vector<VertexId>{kSource, kKeyed, kSink});
            CHECK(topology.is_source(kSource));
            CHECK_FALSE(topology.is_source(kKeyed));
            CHECK_FALSE(topology.is_source(kSink));
            CHECK(topology.get(kKeyed).inputs == std::map<VertexId, ShipStrategy>{{kSource, ShipStrategy::HASH}});
            CHECK(topology.get(kSink).inputs == std::map<VertexId, ShipStrategy>{{kKeyed, ShipStrategy::REBALANCE}});
            CHECK(topology.outputs(kSource) == std::set<VertexId>{kKeyed});
            CHECK(topology.outputs(kSink).empty());

            const auto& source = topology.get(kSource);
            CHECK(source.parallelism == 4);
            CHECK(source.max_parallelism == 128);
            CHECK(source.num_source_partitions == 4);
            CHECK(source.name == "Source: orders -> Filter");
            CHECK_FALSE(source.finished);
            CHECK(topology.get(kKeyed).num_source_partitions == 0);

            if (newer_than_1_19(version)) {
                CHECK(topology.slot_sharing_groups() ==
                      std::map<std::string, std::set<VertexId>>{{kSlotSharingGroup, {kSource, kKeyed, kSink}}});
            } else {
                CHECK(topology.slot_sharing_groups().empty());
            }
        }
    }
}

TEST_CASE("flink: topology takes parallelism from vertices, not from the plan, and keeps unknown strategies",
          "[flink]") {
    json body = details_template();
    body["plan"]["nodes"][1]["parallelism"] = 9;  // a stale plan after a rescale
    body["plan"]["nodes"][0]["inputs"][0]["ship_strategy"] = "forward_batch";
    const JobDetails details = parse_job_details(body.dump());
    CHECK(details.plan[0].inputs[0].second == "forward_batch");
    const JobTopology topology = details.topology();
    CHECK(topology.get("s").parallelism == 2);
    CHECK(topology.get("t").max_parallelism == 64);
    CHECK(topology.get("t").inputs.at("s") == ShipStrategy::UNKNOWN);
    CHECK(topology.slot_sharing_groups().empty());
}

TEST_CASE("flink: topology rejects plan and vertices that disagree, naming the vertex", "[flink]") {
    SECTION("a plan node without a vertex entry") {
        json body = details_template();
        body["vertices"].erase(1);
        const JobDetails details = parse_job_details(body.dump());
        const std::string message = response_error([&] { (void)details.topology(); });
        CHECK_THAT(message, StartsWith("$.plan.nodes[0]: vertex t "));
    }
    SECTION("a vertex without a plan node") {
        json body = details_template();
        body["plan"]["nodes"].erase(0);
        const JobDetails details = parse_job_details(body.dump());
        const std::string message = response_error([&] { (void)details.topology(); });
        CHECK_THAT(message, StartsWith("$.vertices[1]: vertex t "));
    }
    SECTION("a vertex listed twice") {
        json body = details_template();
        body["vertices"].push_back(body["vertices"][0]);
        const JobDetails details = parse_job_details(body.dump());
        CHECK_THAT(response_error([&] { (void)details.topology(); }), StartsWith("$.vertices[2]: vertex s "));
    }
    SECTION("a cycle is a TopologyError") {
        json body = details_template();
        body["plan"]["nodes"][1]["inputs"] = json::parse(R"([{"id": "t", "ship_strategy": "REBALANCE"}])");
        const JobDetails details = parse_job_details(body.dump());
        CHECK_THROWS_AS(details.topology(), TopologyError);
    }
}

TEST_CASE("flink: a finished vertex reports IO counters 0, 0, 0 and is finished in the topology", "[flink]") {
    json body = details_template();
    body["vertices"][0]["status"] = "FINISHED";
    const JobDetails details = parse_job_details(body.dump());
    const auto io = details.io_counters();
    CHECK(io.at("s").num_records_in == 0.0);
    CHECK(io.at("s").num_records_out == 0.0);
    CHECK(io.at("s").accumulated_busy_time == 0.0);
    CHECK(io.at("t").num_records_in == 100.0);
    CHECK(io.at("t").accumulated_busy_time == 7.0);
    CHECK(details.vertices[0].io.num_records_out == 100.0);  // the parsed value is kept
    CHECK(details.topology().finished_vertices() == std::set<VertexId>{"s"});
}

TEST_CASE("flink: the read-records-complete and write-records-complete flags are carried, absent means complete",
          "[flink][gates]") {
    // The fixtures of every version say true, as a job whose subtasks have all reported.
    for (const auto& version : kVersions) {
        const JobDetails details = parse_job_details(fixture(version, "job-details.json"));
        for (const auto& vertex : details.vertices) {
            CHECK(vertex.io.num_records_in_complete);
            CHECK(vertex.io.num_records_out_complete);
        }
    }
    json body = details_template();
    body["vertices"][0]["metrics"]["read-records-complete"] = false;
    body["vertices"][0]["metrics"]["write-records-complete"] = true;
    body["vertices"][1]["metrics"]["write-records-complete"] = false;
    JobDetails details = parse_job_details(body.dump());
    CHECK_FALSE(details.vertices[0].io.num_records_in_complete);
    CHECK(details.vertices[0].io.num_records_out_complete);
    CHECK(details.vertices[1].io.num_records_in_complete);  // absent
    CHECK_FALSE(details.vertices[1].io.num_records_out_complete);
    CHECK_FALSE(details.io_counters().at("t").num_records_out_complete);
    // A finished vertex's counters are the synthetic 0, 0, 0, complete (algorithm.md §2.7).
    body["vertices"][0]["status"] = "FINISHED";
    details = parse_job_details(body.dump());
    CHECK(details.io_counters().at("s").num_records_in_complete);

    body["vertices"][1]["metrics"]["write-records-complete"] = "no";
    CHECK_THAT(response_error([&] { parse_job_details(body.dump()); }),
               Catch::StartsWith("$.vertices[1].metrics.write-records-complete: expected true or false"));
}

TEST_CASE("flink: busy time given as NaN or left out is NaN, missing record counts are 0", "[flink]") {
    json body = details_template();
    body["vertices"][0]["metrics"]["accumulated-busy-time"] = "NaN";
    body["vertices"][1]["metrics"] = json::object();
    body["timestamps"]["RUNNING"] = 0;
    JobDetails details = parse_job_details(body.dump());
    CHECK(std::isnan(details.vertices[0].io.accumulated_busy_time));
    CHECK(details.vertices[1].io.num_records_in == 0.0);
    CHECK(details.vertices[1].io.num_records_out == 0.0);
    CHECK(std::isnan(details.vertices[1].io.accumulated_busy_time));
    CHECK_FALSE(details.running_since);

    body["vertices"][0]["metrics"]["accumulated-busy-time"] = "Infinity";
    body["vertices"][1].erase("metrics");
    body.erase("timestamps");
    details = parse_job_details(body.dump());
    CHECK(details.vertices[0].io.accumulated_busy_time == flinkscaler::kInf);
    CHECK(std::isnan(details.vertices[1].io.accumulated_busy_time));
    CHECK_FALSE(details.running_since);
}

TEST_CASE("flink: effective state is CREATED while a running job has tasks that are not running", "[flink]") {
    JobOverview job;
    job.state = "RUNNING";
    job.tasks_total = 7;
    job.tasks_running = 7;
    CHECK(job.effective_state() == "RUNNING");
    job.tasks_running = 5;
    CHECK(job.effective_state() == "CREATED");
    job.tasks_finished = 2;
    CHECK(job.effective_state() == "RUNNING");
    job.state = "RESTARTING";
    job.tasks_running = 0;
    CHECK(job.effective_state() == "RESTARTING");

    const auto jobs = parse_jobs_overview(R"({"jobs": [{"jid": "x", "name": "n", "state": "RUNNING",
        "tasks": {"total": 7, "running": 4, "deploying": 3, "finished": 0}}]})");
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].effective_state() == "CREATED");
}

TEST_CASE("flink: version strings are parsed leniently from the first two numbers", "[flink]") {
    const auto check = [](std::string_view text, int major, int minor) {
        const FlinkVersion v = parse_flink_version(text);
        INFO(text);
        CHECK(v.major == major);
        CHECK(v.minor == minor);
        CHECK(v.text == text);
    };
    check("1.20.1", 1, 20);
    check("1.18.1-vendor", 1, 18);
    check("2.0-SNAPSHOT", 2, 0);
    check("2.1.0", 2, 1);
    check("v1.19", 1, 19);
    check("2", 2, 0);
    check("garbage", 0, 0);
    check("", 0, 0);
    check("99999999999.1", 0, 0);

    CHECK(parse_flink_version("1.20.0").supports_skew());
    CHECK(parse_flink_version("2.0.0").supports_skew());
    CHECK_FALSE(parse_flink_version("1.19.9").supports_skew());
    CHECK(parse_flink_version("1.19.0").at_least(1, 18));
    CHECK_FALSE(parse_flink_version("1.9.0").at_least(1, 18));
}

TEST_CASE("flink: jobmanager configuration with and without the adaptive scheduler", "[flink]") {
    for (const auto& version : kVersions) {
        DYNAMIC_SECTION("Flink " << version) {
            const auto adaptive = parse_jobmanager_config(fixture(version, "jobmanager-config.json"));
            CHECK(adaptive.at("jobmanager.scheduler") == "adaptive");
            CHECK(adaptive.at("job.autoscaler.enabled") == "true");
            CHECK(adaptive.at("job.autoscaler.target.utilization") == "0.7");
            CHECK(adaptive.at("taskmanager.numberOfTaskSlots") == "4");
            const auto standard = parse_jobmanager_config(fixture(version, "jobmanager-config-default-scheduler.json"));
            CHECK_FALSE(standard.count("jobmanager.scheduler"));
            CHECK(standard.at("job.autoscaler.enabled") == "true");
        }
    }
    SECTION("non-string values are written as Flink would") {
        const auto conf = parse_jobmanager_config(R"([{"key": "a", "value": 4}, {"key": "b", "value": true}])");
        CHECK(conf.at("a") == "4");
        CHECK(conf.at("b") == "true");
    }
}

TEST_CASE("flink: vertex metric names and aggregated values on every version", "[flink]") {
    for (const auto& version : kVersions) {
        DYNAMIC_SECTION("Flink " << version) {
            const auto names = parse_metric_names(vertex_fixture(version, kSource, "metric-names"));
            CHECK(names.size() == 19);
            CHECK(std::find(names.begin(), names.end(), "Source__orders.pendingRecords") != names.end());
            const auto keyed_names = parse_metric_names(vertex_fixture(version, kKeyed, "metric-names"));
            CHECK(std::find(keyed_names.begin(), keyed_names.end(), "KeyedProcess.lookup(geo+asn).hitRatio") !=
                  keyed_names.end());

            const auto source = parse_aggregated_metrics(vertex_fixture(version, kSource, "metrics"));
            REQUIRE(source.size() == 6);
            const auto& busy = source.at("busyTimeMsPerSecond");
            CHECK(busy.min == 310.0);
            CHECK(busy.max == 702.0);
            CHECK(busy.avg == 488.25);
            CHECK(busy.sum == 1953.0);
            CHECK(source.at("Source__orders.pendingRecords").sum == 25000.0);
            CHECK(source.at("Source__orders.numRecordsInPerSecond").sum == Approx(4016.4));

            const auto keyed = parse_aggregated_metrics(vertex_fixture(version, kKeyed, "metrics"));
            CHECK(keyed.at("numRecordsInPerSecond").sum == 4000.0);
            const auto sink = parse_aggregated_metrics(vertex_fixture(version, kSink, "metrics"));
            CHECK(sink.at("busyTimeMsPerSecond").max == 80.0);

            CHECK(parse_aggregated_metrics(vertex_fixture(version, kSource, "metrics-unknown-name")).empty());

            const std::string raw = vertex_fixture(version, kSource, "metrics");
            CHECK((raw.find("\"skew\"") != std::string::npos) == newer_than_1_19(version));
        }
    }
}

TEST_CASE("flink: task manager and job manager metrics, with and without the GC metric", "[flink]") {
    for (const auto& version : kVersions) {
        DYNAMIC_SECTION("Flink " << version) {
            const auto tm = parse_aggregated_metrics(fixture(version, "taskmanagers-metrics.json"));
            REQUIRE(tm.size() == 5);
            CHECK(tm.at("Status.JVM.GarbageCollector.All.TimeMsPerSecond").max == 4.0);
            const auto& heap = tm.at("Status.JVM.Memory.Heap.Used");
            CHECK(heap.avg == 260046848.0);
            CHECK(std::isnan(heap.sum));  // not requested (agg=min,max,avg)

            CHECK(parse_aggregated_metrics(fixture(version, "taskmanagers-metrics-no-gc.json")).empty());
            CHECK(parse_aggregated_metrics(fixture(version, "taskmanagers-metrics-memory-only.json")).size() == 4);

            const auto jm = parse_metric_values(fixture(version, "jobmanager-metrics.json"));
            CHECK(jm.at("taskSlotsTotal") == 8.0);
            CHECK(jm.at("taskSlotsAvailable") == 1.0);
            CHECK(jm.size() == 4);
        }
    }
}

TEST_CASE("flink: metric values given as NaN and Infinity strings are numbers, other text is left out", "[flink]") {
    const auto aggregated = parse_aggregated_metrics(
        R"([{"id": "busyTimeMsPerSecond", "min": "NaN", "max": "Infinity", "avg": "-Infinity", "sum": 3, "skew": "NaN"},
            {"id": "x", "max": 1.5}])");
    const auto& busy = aggregated.at("busyTimeMsPerSecond");
    CHECK(std::isnan(busy.min));
    CHECK(busy.max == flinkscaler::kInf);
    CHECK(busy.avg == -flinkscaler::kInf);
    CHECK(busy.sum == 3.0);
    CHECK(std::isnan(aggregated.at("x").min));
    CHECK(aggregated.at("x").max == 1.5);

    const auto values = parse_metric_values(R"([
        {"id": "a", "value": "8"}, {"id": "b", "value": "702.0"}, {"id": "c", "value": "NaN"},
        {"id": "d", "value": "true"}, {"id": "e", "value": "RUNNING"}, {"id": "f", "value": ""},
        {"id": "g", "value": "1.0E7"}, {"id": "h", "value": "-Infinity"}, {"id": "i", "value": " 3 "},
        {"id": "j", "value": "inf"}, {"id": "k", "value": "1.2.3"}, {"id": "l", "value": 5}])");
    CHECK(values.at("a") == 8.0);
    CHECK(values.at("b") == 702.0);
    CHECK(std::isnan(values.at("c")));
    CHECK(values.at("g") == 1.0e7);
    CHECK(values.at("h") == -flinkscaler::kInf);
    CHECK(values.at("i") == 3.0);
    CHECK(values.at("l") == 5.0);
    for (const char* left_out : {"d", "e", "f", "j", "k"}) CHECK_FALSE(values.count(left_out));
}

TEST_CASE("flink: a truncated body, an HTML page or a wrong type is a ResponseError with the JSON path", "[flink]") {
    const std::string details = fixture("1.20", "job-details.json");

    SECTION("truncated body") {
        const std::string message = response_error([&] { (void)parse_job_details(details.substr(0, 300)); });
        CHECK_THAT(message, StartsWith("$: not JSON: \"{\\n  \\\"jid\\\""));
        CHECK_THAT(message, Contains("ends early"));
        CHECK(message.size() < 200);
    }
    SECTION("HTML error page") {
        std::string page = "<html><head><title>502 Bad Gateway</title></head><body>";
        page += std::string(5000, 'x') + "</body></html>";
        const std::string message = response_error([&] { (void)parse_jobs_overview(page); });
        CHECK_THAT(message, StartsWith("$: not JSON: \"<html><head><title>502 Bad Gateway</title>"));
        CHECK_THAT(message, Contains("\"..."));
        CHECK(message.size() < 200);
    }
    SECTION("empty body") {
        CHECK(response_error([] { (void)parse_metric_names(""); }) == "$: not JSON: empty body");
    }
    SECTION("control and non-ASCII bytes are escaped in the quote") {
        const std::string message = response_error([] { (void)parse_metric_names("\x01\xff"); });
        CHECK_THAT(message, StartsWith("$: not JSON: \"\\x01\\xff\""));
    }
    SECTION("wrong types name the path") {
        json body = json::parse(details);
        body["vertices"][1]["parallelism"] = "2";
        CHECK_THAT(response_error([&] { (void)parse_job_details(body.dump()); }),
                   StartsWith("$.vertices[1].parallelism: expected an integer"));

        body = json::parse(details);
        body["plan"]["nodes"][0]["inputs"][0].erase("ship_strategy");
        CHECK(response_error([&] { (void)parse_job_details(body.dump()); }) ==
              "$.plan.nodes[0].inputs[0].ship_strategy: missing");

        body = json::parse(details);
        body["vertices"][2]["metrics"]["accumulated-busy-time"] = "busy";
        CHECK_THAT(response_error([&] { (void)parse_job_details(body.dump()); }),
                   StartsWith("$.vertices[2].metrics.accumulated-busy-time: expected a number"));

        body = json::parse(details);
        body["timestamps"]["RUNNING"] = 1.5;
        CHECK_THAT(response_error([&] { (void)parse_job_details(body.dump()); }),
                   StartsWith("$.timestamps.RUNNING: expected an integer"));

        body = json::parse(details);
        body["plan"] = json::array();
        CHECK_THAT(response_error([&] { (void)parse_job_details(body.dump()); }),
                   StartsWith("$.plan: expected an object"));
    }
    SECTION("missing required fields name the path") {
        CHECK(response_error([] { (void)parse_jobs_overview(R"({"jobs": [{"jid": "x", "name": "n", "state": "RUNNING",
            "tasks": {"total": 1, "running": 1}}]})"); }) == "$.jobs[0].tasks.finished: missing");
        CHECK(response_error([] { (void)parse_jobs_overview("[]"); }) == "$: expected an object, got array");
        CHECK(response_error([] { (void)parse_dashboard_config("{}"); }) == "$.flink-version: missing");
        CHECK_THAT(response_error([] { (void)parse_aggregated_metrics(R"([{"id": "a", "max": "high"}])"); }),
                   StartsWith("$[0].max: expected a number"));
        CHECK_THAT(response_error([] { (void)parse_metric_names(R"({"id": "a"})"); }),
                   StartsWith("$: expected an array"));
        CHECK(response_error([] { (void)parse_jobmanager_config(R"([{"key": "a"}])"); }) == "$[0].value: missing");
        CHECK_THAT(response_error([] { (void)parse_resource_requirements(
                       R"({"v": {"parallelism": {"lowerBound": 1, "upperBound": "4"}}})"); }),
                   StartsWith("$.v.parallelism.upperBound: expected an integer"));
    }
    SECTION("a plan embedded as a string is parsed, with its errors at $.plan") {
        json body = json::parse(details);
        body["plan"] = body["plan"].dump();
        CHECK(parse_job_details(body.dump()).plan.size() == 3);
        body["plan"] = "{\"nodes\": [";
        CHECK_THAT(response_error([&] { (void)parse_job_details(body.dump()); }), StartsWith("$.plan: not JSON: "));
    }
}

TEST_CASE("flink: resource requirements round trip through the PUT body", "[flink]") {
    for (const auto& version : kVersions) {
        DYNAMIC_SECTION("Flink " << version) {
            const std::string text = fixture(version, "resource-requirements.json");
            const ResourceRequirements requirements = parse_resource_requirements(text);
            CHECK(requirements == ResourceRequirements{{kSource, {1, 4}}, {kKeyed, {1, 2}}, {kSink, {1, 1}}});
            const std::string body = resource_requirements_body(requirements);
            CHECK(body.find('\n') == std::string::npos);
            CHECK(json::parse(body) == json::parse(text));
            CHECK(parse_resource_requirements(body) == requirements);
        }
    }
    SECTION("the body is compact JSON of the GET shape") {
        ResourceRequirements requirements{{kKeyed, {1, 4}}, {kSource, {1, 6}}};
        CHECK(resource_requirements_body(requirements) ==
              R"({"0a448493b4782967b150582570326227":{"parallelism":{"lowerBound":1,"upperBound":4}},)"
              R"("bc764cd8ddf7a0cff126f51c16239658":{"parallelism":{"lowerBound":1,"upperBound":6}}})");
        CHECK(resource_requirements_body({}) == "{}");
        CHECK(parse_resource_requirements("{}").empty());
    }
}

TEST_CASE("flink: error bodies give their messages, anything else gives none", "[flink]") {
    for (const auto& version : kVersions) {
        DYNAMIC_SECTION("Flink " << version) {
            auto messages = parse_error_messages(fixture(version, "error-404-job.json"));
            REQUIRE(messages.size() == 1);
            CHECK_THAT(messages[0], StartsWith("org.apache.flink.runtime.rest.NotFoundException: Job " + kJob +
                                               " not found"));
            messages = parse_error_messages(fixture(version, "error-503-leader.json"));
            REQUIRE(messages.size() == 1);
            CHECK_THAT(messages[0], Contains("ongoing leader election"));
            messages = parse_error_messages(fixture(version, "error-500-default-scheduler.json"));
            REQUIRE(messages.size() == 2);
            CHECK(messages[0] == "Internal server error.");
            CHECK_THAT(messages[1], Contains("does not support changing the parallelism"));
            messages = parse_error_messages(fixture(version, "error-400-max-parallelism.json"));
            REQUIRE(messages.size() == 1);
            CHECK_THAT(messages[0], Contains("exceeds its maximum parallelism 128"));
            messages = parse_error_messages(fixture(version, "error-400-missing-vertex.json"));
            REQUIRE(messages.size() == 1);
            CHECK_THAT(messages[0], Contains("missing job vertex [" + kSink + "]"));
            messages = parse_error_messages(fixture(version, "error-409.json"));
            REQUIRE(messages.size() == 1);
            CHECK_THAT(messages[0], Contains("resource requirements is in progress"));
            messages = parse_error_messages(fixture(version, "error-404-route.json"));
            REQUIRE(messages.size() == 1);
            CHECK_THAT(messages[0], StartsWith("Not found: /jobs/"));
            CHECK(parse_error_messages(fixture(version, "put-resource-requirements-ok.json")).empty());
        }
    }
    CHECK(parse_error_messages("").empty());
    CHECK(parse_error_messages("<html>502</html>").empty());
    CHECK(parse_error_messages(R"({"errors": "text"})").empty());
    CHECK(parse_error_messages(R"(["a"])").empty());
    CHECK(parse_error_messages(R"({"errors": ["a", 3, "b"]})") == std::vector<std::string>{"a", "b"});
}

TEST_CASE("flink: fixture sets are consistent with each other", "[flink]") {
    for (const auto& version : kVersions) {
        DYNAMIC_SECTION("Flink " << version) {
            const json details = json::parse(fixture(version, "job-details.json"));
            // The embedded plan is the one of GET /jobs/:jid/plan.
            CHECK(details.at("plan") == json::parse(fixture(version, "job-plan.json")).at("plan"));
            // job-type only from 1.20, plan.type only from 2.0.
            CHECK(details.contains("job-type") == newer_than_1_19(version));
            CHECK(details.at("plan").contains("type") == (version[0] == '2'));
            // execution-mode is gone in 2.x.
            const json config = json::parse(fixture(version, "job-config.json"));
            CHECK(config.at("execution-config").contains("execution-mode") == (version[0] == '1'));

            const JobDetails parsed = parse_job_details(details.dump());
            int parallelism_sum = 0;
            for (const auto& vertex : parsed.vertices) {
                parallelism_sum += vertex.parallelism;
                const auto node = std::find_if(parsed.plan.begin(), parsed.plan.end(),
                                               [&](const PlanNode& n) { return n.id == vertex.id; });
                REQUIRE(node != parsed.plan.end());
                CHECK(node->parallelism == vertex.parallelism);
            }
            const auto jobs = parse_jobs_overview(fixture(version, "jobs-overview.json"));
            CHECK(jobs.at(0).tasks_total == parallelism_sum);

            const auto requirements = parse_resource_requirements(fixture(version, "resource-requirements.json"));
            for (const auto& vertex : parsed.vertices)
                CHECK(requirements.at(vertex.id).upper_bound == vertex.parallelism);
            CHECK(requirements.size() == parsed.vertices.size());

            const DashboardConfig dashboard = parse_dashboard_config(fixture(version, "config.json"));
            CHECK(parse_cluster_overview(fixture(version, "overview.json")).version.text == dashboard.version.text);
        }
    }
}
