// SPDX-License-Identifier: Apache-2.0
//
// Tests of the simulator's REST layer without sockets: requests go straight to a ClusterState
// built from an inline scenario, at chosen simulated times. Covers version differences, the
// metric fetcher, resource-requirements validation, faults and scenario errors; and the YARN
// ResourceManagers (listing, HA redirect, proxy, life cycle) over the same cluster states.
#include "server/cluster_state.hpp"
#include "server/faults.hpp"
#include "server/java_format.hpp"
#include "server/resource_manager.hpp"
#include "server/scenario.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace flinkscaler::sim;
using json = nlohmann::json;

namespace {

/// One cluster with a source -> keyed -> sink job named "orders" (plus `extra` YAML appended
/// under the cluster).
std::string scenario_text(const std::string& version, const std::string& extra = "") {
    return "clusters:\n"
           "  - name: c\n"
           "    flink_version: \"" + version + "\"\n" + extra +
           "    jobs:\n"
           "      - name: orders\n"
           "        id: a1b2c3d4e5f60718293a4b5c6d7e8f90\n"
           "        vertices:\n"
           "          - {name: \"Source: orders\", id: bc764cd8ddf7a0cff126f51c16239658, parallelism: 2,"
           " capacity: 10000, input_rate: 3000}\n"
           "          - {name: KeyedProcess, id: 0a448493b4782967b150582570326227, parallelism: 2, capacity: 1000,"
           " skew: 0.2, inputs: [{from: \"Source: orders\", ship_strategy: HASH}]}\n"
           "          - {name: \"Sink: out\", id: ea632d67b7d595e5b851708ae9ad79d6, capacity: 50000,"
           " inputs: [KeyedProcess]}\n";
}

const std::string kJob = "/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90";
const std::string kKeyed = "0a448493b4782967b150582570326227";
const std::string kSourceMetrics = kJob + "/vertices/bc764cd8ddf7a0cff126f51c16239658/subtasks/metrics";
const std::string kKeyedMetrics = kJob + "/vertices/" + kKeyed + "/subtasks/metrics";

/// "/path?a=1&b=2" as the HTTP layer hands it over (no percent-decoding: tests use plain text).
RestRequest make_request(const std::string& path, const std::string& method = "GET", const std::string& body = "") {
    RestRequest r;
    r.method = method;
    const auto q = path.find('?');
    r.path = path.substr(0, q);
    if (q != std::string::npos) {
        std::string_view rest = std::string_view(path).substr(q + 1);
        while (!rest.empty()) {
            const auto amp = rest.find('&');
            const auto part = rest.substr(0, amp);
            const auto eq = part.find('=');
            r.params.emplace(std::string(part.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(part.substr(eq + 1)));
            if (amp == std::string_view::npos) break;
            rest.remove_prefix(amp + 1);
        }
    }
    r.body = body;
    return r;
}

struct Harness {
    std::unique_ptr<ClusterState> state;
    explicit Harness(const std::string& text) {
        const auto s = parse_scenario(text, "inline.yaml", ".");
        const auto& c = s.clusters.at(0);
        state = std::make_unique<ClusterState>(c.spec, c.jobs, c.settings, 1);
    }
    RestResponse call(double t, const std::string& path, const std::string& method = "GET", const std::string& body = "") {
        return state->serve(make_request(path, method, body), t).response;
    }
    json get(double t, const std::string& path, int status = 200) {
        const auto res = call(t, path);
        INFO(path << " -> " << res.body.substr(0, 300));
        REQUIRE(res.status == status);
        return json::parse(res.body);
    }
};

std::string put_body(int source, int keyed, int sink) {
    json body;
    body["bc764cd8ddf7a0cff126f51c16239658"]["parallelism"] = {{"lowerBound", 1}, {"upperBound", source}};
    body[kKeyed]["parallelism"] = {{"lowerBound", 1}, {"upperBound", keyed}};
    body["ea632d67b7d595e5b851708ae9ad79d6"]["parallelism"] = {{"lowerBound", 1}, {"upperBound", sink}};
    return body.dump();
}

std::string first_error(const RestResponse& r) { return json::parse(r.body)["errors"][0].get<std::string>(); }

ScenarioError scenario_error(const std::string& text) {
    try {
        parse_scenario(text, "bad.yaml", ".");
    } catch (const ScenarioError& e) {
        return e;
    }
    FAIL("no ScenarioError for:\n" << text);
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("metric values come from the fetcher: first call empty, then at most one change per interval", "[rest][metrics]") {
    Harness h(scenario_text("1.20.0"));
    CHECK(h.get(5, kKeyedMetrics).empty());  // starts the first fetch
    const auto listed = h.get(5.1, kKeyedMetrics);
    CHECK(!listed.empty());
    const auto a = h.get(6, kSourceMetrics + "?get=Source__orders.numRecordsIn&agg=sum");
    const auto b = h.get(14, kSourceMetrics + "?get=Source__orders.numRecordsIn&agg=sum");
    CHECK(a == b);  // same fetch (taken at t = 5)
    h.get(15.5, kSourceMetrics);  // older than 10 s: a new fetch starts
    const auto c = h.get(15.6, kSourceMetrics + "?get=Source__orders.numRecordsIn&agg=sum");
    CHECK(c[0]["sum"].get<double>() > a[0]["sum"].get<double>());
}

TEST_CASE("aggregation fields follow agg and the version", "[rest][metrics][version]") {
    Harness v20(scenario_text("1.20.0"));
    v20.get(1, kKeyedMetrics);
    auto all = v20.get(2, kKeyedMetrics + "?get=busyTimeMsPerSecond");
    CHECK(all[0].contains("skew"));
    CHECK(all[0]["skew"].get<double>() > 0);  // skew 0.2 spreads the busy time
    auto only = v20.get(2, kKeyedMetrics + "?get=busyTimeMsPerSecond&agg=Max");
    CHECK(only[0].size() == 2);
    CHECK(only[0]["max"] == 1000.0);

    Harness v19(scenario_text("1.19.0"));
    v19.get(1, kKeyedMetrics);
    CHECK(!v19.get(2, kKeyedMetrics + "?get=busyTimeMsPerSecond")[0].contains("skew"));
    v19.get(2, kKeyedMetrics + "?get=busyTimeMsPerSecond&agg=skew", 400);
    // Unknown job or vertex: [] rather than 404.
    CHECK(v19.get(2, "/jobs/ffffffffffffffffffffffffffffffff/vertices/" + kKeyed + "/subtasks/metrics").empty());
    // subtasks selection.
    const auto first = v19.get(2, kKeyedMetrics + "?get=numRecordsInPerSecond&subtasks=0&agg=sum");
    const auto both = v19.get(2, kKeyedMetrics + "?get=numRecordsInPerSecond&agg=sum");
    CHECK(first[0]["sum"].get<double>() < both[0]["sum"].get<double>());
}

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

TEST_CASE("IO counters: incomplete until the store has the current attempt", "[rest][metrics]") {
    Harness h(scenario_text("1.18.0"));
    const auto before = h.get(3, kJob);
    CHECK(before["vertices"][1]["metrics"]["read-records-complete"] == false);
    const auto after = h.get(3.5, kJob);
    CHECK(after["vertices"][1]["metrics"]["read-records-complete"] == true);
    CHECK(after["vertices"][1]["metrics"]["read-records"].get<long long>() > 0);
    CHECK(after["vertices"][0]["metrics"]["read-records"] == 0);
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

TEST_CASE("request faults: 5xx bodies, malformed bodies, latency, path and window", "[rest][faults]") {
    Harness h(scenario_text("1.20.0",
                            "    faults:\n"
                            "      - {kind: error, from: 10s, until: 20s, status: 500, path: /overview}\n"
                            "      - {kind: malformed, from: 20s, until: 30s, body: truncated}\n"
                            "      - {kind: malformed, from: 30s, until: 40s, body: html}\n"
                            "      - {kind: timeout, from: 40s, until: 50s, hold: 12s, methods: [PUT]}\n"));
    CHECK(h.call(5, "/overview").status == 200);
    const auto error = h.call(15, "/overview");
    CHECK(error.status == 500);
    CHECK(json::parse(error.body)["errors"][0] == "Internal server error.");
    CHECK(h.call(15, "/config").status == 200);  // other paths are fine
    const auto truncated = h.call(25, "/jobs/overview");
    CHECK(truncated.status == 200);
    CHECK(json::parse(truncated.body, nullptr, false).is_discarded());
    const auto html = h.call(35, "/jobs/overview");
    CHECK(html.status == 502);
    CHECK(html.content_type.find("text/html") == 0);
    RestRequest put{"PUT", kJob + "/resource-requirements", {}, put_body(2, 2, 1)};
    CHECK(h.state->serve(put, 45).delay_s == 12);
    RestRequest get{"GET", "/config", {}, ""};
    CHECK(h.state->serve(get, 45).delay_s == 0);
}

TEST_CASE("job faults: restart, vanish and cancel", "[rest][faults]") {
    Harness h(scenario_text("1.20.0",
                            "    faults:\n"
                            "      - {kind: job_restart, job: orders, at: 10s, every: 100s}\n"
                            "      - {kind: job_vanish, job: orders, from: 300s, until: 320s}\n"
                            "      - {kind: job_cancel, job: a1b2c3d4e5f60718293a4b5c6d7e8f90, at: 400s}\n"
                            "      - {kind: missing_metric, metric: \"*.pendingRecords\"}\n"));
    const auto running_at_start = h.get(5, kJob)["timestamps"]["RUNNING"].get<long long>();
    CHECK(h.get(10.5, kJob + "/status")["status"] == "RESTARTING");
    CHECK(h.get(20, kJob)["timestamps"]["RUNNING"].get<long long>() == running_at_start + 13000);
    h.get(250, kJob + "/metrics");
    const auto restarts = h.get(251, kJob + "/metrics?get=numRestarts");
    CHECK(restarts[0]["value"] == "3");  // at 10, 110, 210

    h.get(310, kJob, 404);
    CHECK(h.get(310, "/jobs/overview")["jobs"].empty());
    CHECK(h.get(330, "/jobs/overview")["jobs"].size() == 1);  // back with the same id

    CHECK(h.get(401, "/jobs/overview")["jobs"][0]["state"] == "CANCELED");
    CHECK(h.get(401, "/overview")["slots-available"] == 8);
    CHECK(h.call(401, kJob + "/resource-requirements").status == 404);

    // The hidden metric is in neither listing nor raw values.
    Harness m(scenario_text("1.20.0", "    faults: [{kind: missing_metric, metric: \"*.pendingRecords\"}]\n"));
    m.get(1, kSourceMetrics);
    for (const auto& e : m.get(2, kSourceMetrics)) CHECK(e["id"] != "Source__orders.pendingRecords");
    CHECK(m.get(2, kSourceMetrics + "?get=Source__orders.pendingRecords").empty());
    CHECK(m.get(2, kJob + "/vertices/bc764cd8ddf7a0cff126f51c16239658/metrics?get=0.Source__orders.pendingRecords")
              .empty());
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

TEST_CASE("helpers: Java number text and globs", "[rest]") {
    CHECK(java_double(702) == "702.0");
    CHECK(java_double(0.5) == "0.5");
    CHECK(java_double(1e7) == "1.0E7");
    CHECK(java_double(1.5e-4) == "1.5E-4");
    CHECK(java_double(std::nan("")) == "NaN");
    CHECK(metric_value_text(15000.7, true) == "15000");
    CHECK(glob_match("/jobs/*/vertices/*/subtasks/metrics", "/jobs/a/vertices/b/subtasks/metrics"));
    CHECK(!glob_match("/jobs/*", "/overview"));
    CHECK(glob_match("*.pendingRecords", "Source__x.pendingRecords"));
}

// ---------------------------------------------------------------------------------------------
// YARN ResourceManagers (no sockets): cluster i is "bound" to port 18081 + i, RM r to 8088 + r.

namespace {

/// Two clusters (`a`, `b`) with one small job each, plus `yarn` appended as the yarn section.
std::string yarn_scenario(const std::string& yarn) {
    std::string text = "clusters:\n";
    for (const char* name : {"a", "b"}) {
        text += std::string("  - name: ") + name +
                "\n"
                "    flink_version: \"1.20.0\"\n"
                "    taskmanagers: {count: 2, slots: 2}\n"
                "    jobs:\n"
                "      - name: j\n"
                "        vertices:\n"
                "          - {name: \"Source: s\", capacity: 1000, input_rate: 100}\n"
                "          - {name: \"Sink: k\", capacity: 1000, inputs: [\"Source: s\"]}\n";
    }
    return text + "yarn:\n" + yarn;
}

/// rm1 active, rm2 standby; application 1 on cluster a (tags in mixed case, PUT allowed),
/// application 7 on cluster b (ACCEPTED until 20 s, FINISHED at 200 s, PUT refused).
const std::string kYarn = "  resource_managers: [{name: rm1}, {name: rm2}]\n"
                          "  applications:\n"
                          "    - {cluster: a, id: 1, name: orders, user: streaming, queue: root.streaming,"
                          " tags: [Autoscale, Team-A]}\n"
                          "    - {cluster: b, id: 7, user: batch, queue: root.batch, tags: \"team-b\", start: 20,"
                          " finish: 200, proxy_put: reject}\n";
const std::string kAppA = "application_1716900000000_0001";
const std::string kAppB = "application_1716900000000_0007";

struct YarnHarness {
    std::vector<std::unique_ptr<ClusterState>> states;
    std::unique_ptr<ResourceManagers> rms;

    explicit YarnHarness(const std::string& yarn) {
        const auto s = parse_scenario(yarn_scenario(yarn), "yarn.yaml", ".");
        std::vector<ClusterState*> clusters;
        for (std::size_t i = 0; i < s.clusters.size(); ++i) {
            const auto& c = s.clusters[i];
            states.push_back(std::make_unique<ClusterState>(c.spec, c.jobs, c.settings, 1 + i));
            states.back()->set_bound_port(18081 + static_cast<int>(i));
            clusters.push_back(states.back().get());
        }
        REQUIRE(s.yarn.has_value());
        rms = std::make_unique<ResourceManagers>(*s.yarn, s.clusters[0].spec.start_epoch_ms, clusters);
        for (std::size_t r = 0; r < rms->count(); ++r) rms->set_port(r, 8088 + static_cast<int>(r));
    }
    ServedResponse served(std::size_t rm, double t, const std::string& path, const std::string& method = "GET",
                          const std::string& body = "") {
        return rms->serve(rm, make_request(path, method, body), path, t);
    }
    RestResponse call(std::size_t rm, double t, const std::string& path, const std::string& method = "GET",
                      const std::string& body = "") {
        return served(rm, t, path, method, body).response;
    }
    json get(std::size_t rm, double t, const std::string& path, int status = 200) {
        const auto res = call(rm, t, path);
        INFO(path << " -> " << res.body.substr(0, 300));
        REQUIRE(res.status == status);
        CHECK(res.content_type.rfind("application/json", 0) == 0);
        return json::parse(res.body);
    }
    /// Ids of the listed applications, in order.
    std::vector<std::string> ids(std::size_t rm, double t, const std::string& query) {
        const auto body = get(rm, t, "/ws/v1/cluster/apps" + query);
        std::vector<std::string> out;
        if (body["apps"].is_null()) return out;
        for (const auto& app : body["apps"]["app"]) out.push_back(app["id"]);
        return out;
    }
};

using Ids = std::vector<std::string>;

std::string location(const ServedResponse& r) {
    for (const auto& [name, value] : r.headers)
        if (name == "Location") return value;
    return "";
}

}  // namespace

TEST_CASE("yarn: the active RM lists applications with the Hadoop 3 field set", "[rest][yarn]") {
    YarnHarness h(kYarn);
    h.get(0, 60, "/ws/v1/cluster/apps");  // status and content type
    const auto apps = nlohmann::ordered_json::parse(h.call(0, 60, "/ws/v1/cluster/apps").body)["apps"]["app"];
    REQUIRE(apps.size() == 2);
    const auto& a = apps[0];
    const std::vector<std::string> fields{
        "id", "user", "name", "queue", "state", "finalStatus", "progress", "trackingUI", "trackingUrl", "diagnostics",
        "clusterId", "applicationType", "applicationTags", "priority", "startedTime", "launchTime", "finishedTime",
        "elapsedTime", "amContainerLogs", "amHostHttpAddress", "amRPCAddress", "allocatedMB", "allocatedVCores",
        "runningContainers", "memorySeconds", "vcoreSeconds", "queueUsagePercentage", "clusterUsagePercentage",
        "preemptedResourceMB", "preemptedResourceVCores", "numNonAMContainerPreempted", "numAMContainerPreempted",
        "logAggregationStatus", "unmanagedApplication", "amNodeLabelExpression"};
    std::vector<std::string> keys;
    for (const auto& [key, value] : a.items()) keys.push_back(key);
    CHECK(keys == fields);  // the §6.1 sample, in its order
    CHECK(a["id"] == kAppA);
    CHECK(a["name"] == "orders");
    CHECK(a["user"] == "streaming");
    CHECK(a["state"] == "RUNNING");
    CHECK(a["finalStatus"] == "UNDEFINED");
    CHECK(a["trackingUI"] == "ApplicationMaster");
    CHECK(a["trackingUrl"] == "http://127.0.0.1:8088/proxy/" + kAppA + "/");
    CHECK(a["amRPCAddress"] == "127.0.0.1:18081");    // the Flink REST of cluster a
    CHECK(a["amHostHttpAddress"] == "127.0.0.1:8042");  // the NodeManager, not Flink
    CHECK(a["applicationType"] == "Apache Flink");
    CHECK(a["applicationTags"] == "autoscale,team-a");  // one lower-case string
    CHECK(a["clusterId"] == 1716900000000LL);
    CHECK(a["startedTime"] == 1717000000000LL - 10000);
    CHECK(a["finishedTime"] == 0);
    CHECK(a["elapsedTime"] == 70000);
    CHECK(a["runningContainers"] == 3);  // AM + 2 TaskManagers
    CHECK(a["allocatedVCores"] == 5);
    CHECK(a["progress"].is_number_float());
    CHECK(apps[1]["name"] == "Flink Application Cluster");  // the default
    CHECK(apps[1]["queue"] == "root.batch");
}

TEST_CASE("yarn: the listing honours states, types, tags, queue, user and limit", "[rest][yarn]") {
    YarnHarness h(kYarn);
    CHECK(h.ids(0, 60, "") == Ids{kAppA, kAppB});
    CHECK(h.ids(0, 60, "?states=RUNNING") == Ids{kAppA, kAppB});
    CHECK(h.ids(0, 10, "?states=RUNNING") == Ids{kAppA});             // b is ACCEPTED until 20 s
    CHECK(h.ids(0, 10, "?states=running,accepted") == Ids{kAppA, kAppB});
    CHECK(h.ids(0, 10, "?state=ACCEPTED") == Ids{kAppB});             // the deprecated singular
    CHECK(h.ids(0, 300, "?states=FINISHED") == Ids{kAppB});
    CHECK(h.ids(0, 60, "?applicationTypes=apache flink") == Ids{kAppA, kAppB});  // case-insensitive
    CHECK(h.ids(0, 60, "?applicationTypes=MAPREDUCE,Apache Flink") == Ids{kAppA, kAppB});
    CHECK(h.ids(0, 60, "?applicationTypes=SPARK").empty());
    CHECK(h.ids(0, 60, "?applicationTags=TEAM-B,nothing") == Ids{kAppB});  // any of, case-insensitive
    CHECK(h.ids(0, 60, "?applicationTags=autoscale") == Ids{kAppA});
    CHECK(h.ids(0, 60, "?queue=root.batch") == Ids{kAppB});
    CHECK(h.ids(0, 60, "?user=streaming") == Ids{kAppA});
    CHECK(h.ids(0, 60, "?limit=1") == Ids{kAppA});
    CHECK(h.ids(0, 60, "?states=RUNNING&user=batch&applicationTypes=Apache Flink") == Ids{kAppB});
    const auto bad = h.get(0, 60, "/ws/v1/cluster/apps?states=SLEEPING", 400);
    CHECK(bad["RemoteException"]["exception"] == "BadRequestException");
    CHECK(h.get(0, 60, "/ws/v1/cluster/apps?limit=0", 400)["RemoteException"]["message"].get<std::string>().find(
              "limit value must be greater") != std::string::npos);
}

TEST_CASE("yarn: no matching application gives {\"apps\":null}", "[rest][yarn]") {
    YarnHarness h(kYarn);
    const auto res = h.call(0, 60, "/ws/v1/cluster/apps?states=KILLED");
    CHECK(res.status == 200);
    CHECK(res.body == R"({"apps":null})");
    YarnHarness none("  resource_managers: [{name: only}]\n");
    CHECK(none.call(0, 1, "/ws/v1/cluster/apps").body == R"({"apps":null})");
}

TEST_CASE("yarn: one application by id; an unknown id is a 404 RemoteException", "[rest][yarn]") {
    YarnHarness h(kYarn);
    const auto one = h.get(0, 60, "/ws/v1/cluster/apps/" + kAppB);
    CHECK(one["app"]["id"] == kAppB);
    CHECK(one["app"]["amRPCAddress"] == "127.0.0.1:18082");
    const auto missing = h.get(0, 60, "/ws/v1/cluster/apps/application_1716900000000_0099", 404);
    const auto& e = missing["RemoteException"];
    CHECK(e["exception"] == "NotFoundException");
    CHECK(e["message"] == "java.lang.Exception: app with id: application_1716900000000_0099 not found");
    CHECK(e["javaClassName"] == "org.apache.hadoop.yarn.webapp.NotFoundException");
    CHECK(h.get(0, 60, "/ws/v1/cluster/apps/nonsense", 400)["RemoteException"]["exception"] == "BadRequestException");
}

TEST_CASE("yarn: cluster info is answered by both RMs with their HA state", "[rest][yarn]") {
    YarnHarness h(kYarn);
    const auto active = h.get(0, 1, "/ws/v1/cluster/info")["clusterInfo"];
    CHECK(active["haState"] == "ACTIVE");
    CHECK(active["id"] == 1716900000000LL);
    CHECK(active["state"] == "STARTED");
    CHECK(active["haZooKeeperConnectionState"] == "CONNECTED");
    CHECK(h.get(1, 1, "/ws/v1/cluster/info")["clusterInfo"]["haState"] == "STANDBY");
}

TEST_CASE("yarn: a standby RM redirects /ws/v1/cluster calls to the active RM with 307", "[rest][yarn]") {
    YarnHarness h(kYarn);
    const std::string target = "/ws/v1/cluster/apps?states=RUNNING&applicationTypes=Apache%20Flink";
    const auto redirect = h.served(1, 5, target);
    CHECK(redirect.response.status == 307);
    CHECK(location(redirect) == "http://127.0.0.1:8088" + target);  // same path and query, raw
    CHECK(redirect.response.body.find("This is standby RM") != std::string::npos);
    CHECK(location(h.served(1, 5, "/ws/v1/cluster/apps/" + kAppA)) == "http://127.0.0.1:8088/ws/v1/cluster/apps/" + kAppA);
    CHECK(location(h.served(0, 5, "/ws/v1/cluster/apps")).empty());  // the active one answers itself
    // A standby's proxy cannot be relied on.
    const auto proxy = h.call(1, 5, "/proxy/" + kAppA + "/jobs/overview");
    CHECK(proxy.status == 503);
    CHECK(proxy.content_type.rfind("text/html", 0) == 0);
    CHECK(proxy.body.find("This is standby RM") != std::string::npos);
}

TEST_CASE("yarn: a failover at time T flips which RM redirects and which proxies", "[rest][yarn]") {
    YarnHarness h(kYarn + "  active: rm1\n  failovers: [{at: 100s, to: rm2}]\n");
    CHECK(h.rms->active_at(99) == 0);
    CHECK(h.call(0, 99, "/ws/v1/cluster/apps").status == 200);
    CHECK(h.call(1, 99, "/ws/v1/cluster/apps").status == 307);
    CHECK(h.call(0, 100, "/ws/v1/cluster/apps").status == 307);
    CHECK(location(h.served(0, 100, "/ws/v1/cluster/apps")) == "http://127.0.0.1:8089/ws/v1/cluster/apps");
    CHECK(h.get(1, 100, "/ws/v1/cluster/info")["clusterInfo"]["haState"] == "ACTIVE");
    CHECK(h.get(0, 100, "/ws/v1/cluster/info")["clusterInfo"]["haState"] == "STANDBY");
    // The tracking URL names the RM that is active now.
    CHECK(h.get(1, 100, "/ws/v1/cluster/apps/" + kAppA)["app"]["trackingUrl"] ==
          "http://127.0.0.1:8089/proxy/" + kAppA + "/");
    CHECK(h.call(1, 100, "/proxy/" + kAppA + "/config").status == 200);
    CHECK(h.call(0, 100, "/proxy/" + kAppA + "/config").status == 503);
}

TEST_CASE("yarn: the standby cannot redirect while the active RM is down", "[rest][yarn]") {
    YarnHarness h(kYarn + "  down: [{rm: rm1, from: 50s, until: 60s}]\n");
    CHECK(!h.rms->down_at(0, 49));
    CHECK(h.rms->down_at(0, 55));
    CHECK(!h.rms->down_at(0, 60));
    CHECK(!h.rms->down_at(1, 55));
    const auto page = h.call(1, 55, "/ws/v1/cluster/apps");
    CHECK(page.status == 503);
    CHECK(page.content_type.rfind("text/html", 0) == 0);
    CHECK(h.call(1, 65, "/ws/v1/cluster/apps").status == 307);
}

TEST_CASE("yarn: the proxy forwards a GET to the Flink cluster and returns its answer unchanged", "[rest][yarn]") {
    YarnHarness h(kYarn);
    const auto direct = h.states[0]->serve(make_request("/jobs/overview"), 30).response;
    const auto proxied = h.call(0, 30, "/proxy/" + kAppA + "/jobs/overview");
    CHECK(proxied.status == direct.status);
    CHECK(proxied.content_type == direct.content_type);
    CHECK(proxied.body == direct.body);
    // Query parameters travel along; Flink's errors come back as they are.
    const auto jid = json::parse(direct.body)["jobs"][0]["jid"].get<std::string>();
    const auto metrics = h.call(0, 30, "/proxy/" + kAppA + "/jobs/" + jid + "/metrics?get=numRestarts");
    CHECK(metrics.status == 200);
    CHECK(json::parse(metrics.body).is_array());
    const auto missing = h.call(0, 30, "/proxy/" + kAppA + "/jobs/ffffffffffffffffffffffffffffffff");
    CHECK(missing.status == 404);
    CHECK(json::parse(missing.body)["errors"][0].get<std::string>().find("not found") != std::string::npos);
    // The application's own cluster, not another one.
    const auto b = h.call(0, 30, "/proxy/" + kAppB + "/jobs/overview");
    CHECK(b.body == h.states[1]->serve(make_request("/jobs/overview"), 30).response.body);
    // Unknown application: an HTML 404.
    const auto unknown = h.call(0, 30, "/proxy/application_1716900000000_0042/jobs/overview");
    CHECK(unknown.status == 404);
    CHECK(unknown.content_type.rfind("text/html", 0) == 0);
}

TEST_CASE("yarn: proxied PUT is forwarded with proxy_put allow and refused with 405 with reject", "[rest][yarn]") {
    YarnHarness h(kYarn);
    const auto jid_of = [&](std::size_t cluster) {
        return json::parse(h.states[cluster]->serve(make_request("/jobs"), 30).response.body)["jobs"][0]["id"]
            .get<std::string>();
    };
    const std::string a = "/jobs/" + jid_of(0) + "/resource-requirements";
    auto requirements = json::parse(h.call(0, 30, "/proxy/" + kAppA + a).body);
    for (auto& [vertex, r] : requirements.items()) r["parallelism"]["upperBound"] = 2;
    const auto put = h.call(0, 31, "/proxy/" + kAppA + a, "PUT", requirements.dump());
    CHECK(put.status == 200);
    CHECK(put.body == "{}");
    // Applied on the cluster itself.
    const auto direct = json::parse(h.states[0]->serve(make_request(a), 32).response.body);
    for (const auto& [vertex, r] : direct.items()) CHECK(r["parallelism"]["upperBound"] == 2);

    const std::string b = "/jobs/" + jid_of(1) + "/resource-requirements";
    const auto refused = h.call(0, 31, "/proxy/" + kAppB + b, "PUT", requirements.dump());
    CHECK(refused.status == 405);
    CHECK(refused.content_type.rfind("text/html", 0) == 0);
    CHECK(h.call(0, 31, "/proxy/" + kAppB + b, "POST", "{}").status == 405);
    CHECK(h.call(0, 31, "/proxy/" + kAppB + b).status == 200);  // GET still works
}

TEST_CASE("yarn: an application is ACCEPTED before start and FINISHED from finish on", "[rest][yarn]") {
    YarnHarness h(kYarn);
    const auto accepted = h.get(0, 10, "/ws/v1/cluster/apps/" + kAppB)["app"];
    CHECK(accepted["state"] == "ACCEPTED");
    CHECK(accepted["finalStatus"] == "UNDEFINED");
    CHECK(accepted["trackingUI"] == "UNASSIGNED");
    CHECK(!accepted.contains("trackingUrl"));
    CHECK(accepted["amRPCAddress"] == "N/A");
    CHECK(accepted["launchTime"] == 0);
    CHECK(h.call(0, 10, "/proxy/" + kAppB + "/jobs/overview").status == 404);  // no AM yet

    const auto running = h.get(0, 25, "/ws/v1/cluster/apps/" + kAppB)["app"];
    CHECK(running["state"] == "RUNNING");
    CHECK(running["amRPCAddress"] == "127.0.0.1:18082");
    CHECK(h.call(0, 25, "/proxy/" + kAppB + "/jobs/overview").status == 200);

    const auto finished = h.get(0, 250, "/ws/v1/cluster/apps/" + kAppB)["app"];
    CHECK(finished["state"] == "FINISHED");
    CHECK(finished["finalStatus"] == "SUCCEEDED");
    CHECK(finished["trackingUI"] == "History");
    CHECK(finished["finishedTime"] == 1717000000000LL + 200000);
    CHECK(finished["elapsedTime"] == 200000);  // submitted at 0, finished at 200 s
    CHECK(finished["runningContainers"] == -1);
    CHECK(h.call(0, 250, "/proxy/" + kAppB + "/jobs/overview").status == 404);
    // Its Flink cluster keeps serving unless stop_cluster_on_finish.
    CHECK(!h.rms->cluster_stopped(1, 250));
    YarnHarness stop("  resource_managers: [{name: rm1}]\n"
                     "  applications: [{cluster: b, finish: 100, stop_cluster_on_finish: true}]\n");
    CHECK(!stop.rms->cluster_stopped(1, 99));
    CHECK(stop.rms->cluster_stopped(1, 100));
    CHECK(!stop.rms->cluster_stopped(0, 100));
}

TEST_CASE("yarn scenario errors carry file, line, column and key", "[rest][yarn][scenario]") {
    const auto error = [](const std::string& yarn) { return scenario_error(yarn_scenario(yarn)); };
    // The yarn section starts on line 19 of yarn_scenario().
    auto e = error("  resource_managers: [{name: rm1}]\n  aplications: []\n");
    CHECK(e.key == "yarn.aplications");
    CHECK(e.line == 20);
    CHECK(e.column == 3);
    CHECK(std::string(e.what()).find("did you mean 'applications'") != std::string::npos);
    CHECK(std::string(e.what()).rfind("bad.yaml:20:3: ", 0) == 0);

    e = error("  resource_managers: [{name: rm1}]\n  applications: [{cluster: c}]\n");
    CHECK(e.key == "yarn.applications[0].cluster");
    CHECK(e.line == 20);
    CHECK(std::string(e.what()).find("no cluster named 'c'") != std::string::npos);

    e = error("  resource_managers: [{name: rm1}]\n  applications: [{cluster: a, id: 3}, {cluster: b, id: 3}]\n");
    CHECK(e.key == "yarn.applications[1].id");
    CHECK(std::string(e.what()).find("duplicate application id application_1716900000000_0003") != std::string::npos);

    e = error("  resource_managers: [{name: rm1}]\n  applications: [{cluster: a}, {cluster: a}]\n");
    CHECK(e.key == "yarn.applications[1].cluster");

    e = error("  resource_managers: [{name: rm1}, {name: rm2}]\n  active: rm3\n");
    CHECK(e.key == "yarn.active");
    CHECK(e.line == 20);
    CHECK(std::string(e.what()).find("no resource manager named 'rm3'") != std::string::npos);

    e = error("  resource_managers: [{name: rm1}, {name: rm2}]\n  failovers: [{at: 60, to: rm9}]\n");
    CHECK(e.key == "yarn.failovers[0].to");

    e = error("  resource_managers: [{name: rm1}]\n  down: [{rm: rm1, from: 60, until: 30}]\n");
    CHECK(e.key == "yarn.down[0].until");

    e = error("  resource_managers: [{name: rm1}, {name: rm1}]\n");
    CHECK(e.key == "yarn.resource_managers[1].name");

    e = error("  resource_managers: [{name: rm1, prot: 0}]\n");
    CHECK(e.key == "yarn.resource_managers[0].prot");
    CHECK(std::string(e.what()).find("did you mean 'port'") != std::string::npos);

    e = error("  resource_managers: [{name: rm1}]\n  applications: [{cluster: a, proxy_put: maybe}]\n");
    CHECK(e.key == "yarn.applications[0].proxy_put");

    e = error("  resource_managers: [{name: rm1}]\n  applications: [{cluster: a, start: 50, finish: 10}]\n");
    CHECK(e.key == "yarn.applications[0].finish");

    e = error("  resource_managers: []\n");
    CHECK(e.key == "yarn.resource_managers");

    e = scenario_error(yarn_scenario("  resource_managers: [{name: rm1}]\n") + "yarn:\n  resource_managers: [{name: rm2}]\n");
    CHECK(e.key == "yarn");
    CHECK(e.line == 20);
    CHECK(std::string(e.what()).find("only one yarn section") != std::string::npos);
}

TEST_CASE("the yarn example scenario: three applications on two RMs", "[rest][yarn][scenario]") {
    const auto s = load_scenario((std::filesystem::path(SIM_SCENARIO_DIR) / "yarn.yaml").string());
    REQUIRE(s.yarn.has_value());
    CHECK(s.clusters.size() == 3);
    CHECK(s.yarn->resource_managers.size() == 2);
    CHECK(s.yarn->active == 0);
    REQUIRE(s.yarn->applications.size() == 3);
    CHECK(s.yarn->applications[1].proxy_put == false);
    CHECK(s.yarn->applications[2].finish_s == 240.0);
}
