// SPDX-License-Identifier: Apache-2.0
//
// Smoke tests of the flink-sim executable: start it on the example scenarios (port 0, time
// sped up), read the port from its first line and talk to it over HTTP like the autoscaler
// would. Every wait is bounded and every simulator is stopped at the end.
//
// Needs FLINK_SIM (path of the executable) and SIM_SCENARIOS (tests/sim/scenarios) in the
// environment; meson test sets both.
#include "sim_process.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <thread>
#include <unistd.h>

using flinkscaler::sim::testing::port_from_line;
using flinkscaler::sim::testing::SimProcess;
using json = nlohmann::json;

namespace {

const std::string kJob = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const std::string kSource = "bc764cd8ddf7a0cff126f51c16239658";
const std::string kKeyed = "0a448493b4782967b150582570326227";
const std::string kSink = "ea632d67b7d595e5b851708ae9ad79d6";

std::string env(const char* name) {
    const char* v = std::getenv(name);
    if (!v) FAIL(name << " is not set (run through meson test)");
    return v;
}

std::string scenario(const std::string& name) { return env("SIM_SCENARIOS") + "/" + name; }

/// A started simulator and the ports from its first lines.
struct Sim {
    std::unique_ptr<SimProcess> process;
    std::vector<int> ports;

    Sim(const std::vector<std::string>& args, std::size_t clusters) {
        process = std::make_unique<SimProcess>(env("FLINK_SIM"), args);
        for (std::size_t i = 0; i < clusters; ++i) {
            const auto line = process->read_line(10.0);
            INFO("stderr: " << process->stderr_text());
            REQUIRE(line.has_value());
            ports.push_back(port_from_line(*line));
            REQUIRE(ports.back() > 0);
        }
    }
};

/// The single-job simulator shared by the first test cases, 20x faster than real time:
/// the 10 s metric interval is 0.5 s, the 30 s rescale cooldown 1.5 s.
Sim& single_job() {
    static Sim sim({"--scenario", scenario("single-job.yaml"), "--port", "0", "--time-scale", "20"}, 1);
    return sim;
}

httplib::Client client(int port) {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(5);
    c.set_read_timeout(5);
    return c;
}

json get_json(int port, const std::string& path, int expected_status = 200) {
    auto c = client(port);
    const auto res = c.Get(path.c_str());
    INFO("GET " << path);
    REQUIRE(res);
    INFO("body: " << res->body);
    REQUIRE(res->status == expected_status);
    return json::parse(res->body);
}

/// Retry `check` every 50 ms until it is true or `timeout_s` passed.
bool eventually(double timeout_s, const std::function<bool()>& check) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
        if (check()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return check();
}

const json* find_id(const json& list, const std::string& id) {
    for (const auto& e : list)
        if (e.value("id", "") == id) return &e;
    return nullptr;
}

}  // namespace

TEST_CASE("the first line names a free loopback port", "[smoke]") {
    CHECK(single_job().ports.size() == 1);
    CHECK(single_job().ports[0] > 1024);
}

TEST_CASE("/config and /overview show the configured cluster", "[smoke]") {
    const int port = single_job().ports[0];
    CHECK(get_json(port, "/config")["flink-version"] == "1.20.1");
    const auto overview = get_json(port, "/overview");
    CHECK(overview["slots-total"] == 8);
    CHECK(overview["slots-available"] == 6);
    CHECK(get_json(port, "/v1/config")["flink-version"] == "1.20.1");  // the /v1 prefix works too
}

TEST_CASE("/jobs/overview lists the job RUNNING with its subtasks", "[smoke]") {
    const auto jobs = get_json(single_job().ports[0], "/jobs/overview")["jobs"];
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0]["jid"] == kJob);
    CHECK(jobs[0]["state"] == "RUNNING");
    CHECK(jobs[0]["tasks"]["total"] == 5);
    CHECK(jobs[0]["tasks"]["running"] == 5);
}

TEST_CASE("metric names are listed, then values are aggregated", "[smoke]") {
    const int port = single_job().ports[0];
    const std::string base = "/jobs/" + kJob + "/vertices/" + kSource + "/subtasks/metrics";
    // The fetcher fills the store asynchronously: the very first answer may be empty.
    json names;
    REQUIRE(eventually(5, [&] {
        names = get_json(port, base);
        return !names.empty();
    }));
    CHECK(find_id(names, "busyTimeMsPerSecond"));
    CHECK(find_id(names, "Source__orders.pendingRecords"));
    CHECK(find_id(names, "Source__orders.numRecordsInPerSecond"));
    CHECK(names[0].size() == 1);  // a listing has ids only

    const auto values = get_json(port, base + "?get=busyTimeMsPerSecond,Source__orders.numRecordsInPerSecond,"
                                              "Source__orders.pendingRecords");
    REQUIRE(values.size() == 3);
    CHECK(values[0]["id"] == "busyTimeMsPerSecond");
    for (const char* field : {"min", "max", "avg", "sum", "skew"}) CHECK(values[0].contains(field));
    CHECK(values[1]["sum"].get<double>() > 0);
    // One unknown name empties the whole aggregated answer.
    CHECK(get_json(port, base + "?get=busyTimeMsPerSecond,noSuchMetric").empty());
    // Percent-encoded names are decoded.
    const auto encoded = get_json(port, base + "?get=Source__orders.numRecordsIn%2CbusyTimeMsPerSecond&agg=sum");
    REQUIRE(encoded.size() == 2);
    CHECK(!encoded[0].contains("min"));
    // Raw per-subtask values are strings.
    const auto raw = get_json(port, "/jobs/" + kJob + "/vertices/" + kSource + "/metrics?get=0.busyTimeMsPerSecond");
    REQUIRE(raw.size() == 1);
    CHECK(raw[0]["value"].is_string());
    const auto slots = get_json(port, "/jobmanager/metrics?get=taskSlotsTotal,taskSlotsAvailable");
    REQUIRE(slots.size() == 2);
    CHECK(slots[0]["value"] == "8");
}

TEST_CASE("PUT resource-requirements changes the parallelism after the restart", "[smoke]") {
    const int port = single_job().ports[0];
    const std::string job = "/jobs/" + kJob;
    const auto before = get_json(port, job);
    const auto running_before = before["timestamps"]["RUNNING"].get<long long>();

    auto requirements = get_json(port, job + "/resource-requirements");
    REQUIRE(requirements.size() == 3);
    CHECK(requirements[kKeyed]["parallelism"]["upperBound"] == 2);
    requirements[kKeyed]["parallelism"]["upperBound"] = 4;
    auto c = client(port);
    const auto put = c.Put((job + "/resource-requirements").c_str(), requirements.dump(), "application/json");
    REQUIRE(put);
    CHECK(put->status == 200);
    CHECK(put->body == "{}");
    CHECK(get_json(port, job + "/resource-requirements")[kKeyed]["parallelism"]["upperBound"] == 4);

    // Cooldown 30 s, restart about 4 s, at 20x speed: well within 15 s of wall time.
    json details;
    REQUIRE(eventually(15, [&] {
        details = get_json(port, job);
        bool all_running = details["state"] == "RUNNING";
        for (const auto& v : details["vertices"]) all_running = all_running && v["status"] == "RUNNING";
        return all_running && details["vertices"][1]["parallelism"] == 4;
    }));
    CHECK(details["timestamps"]["RUNNING"].get<long long>() > running_before);
    CHECK(details["plan"]["nodes"].size() == 3);
    REQUIRE(eventually(5, [&] {
        const auto restarts = get_json(port, job + "/metrics?get=numRestarts");
        return restarts.size() == 1 && restarts[0]["value"] == "1";
    }));

    // Validation: a missing vertex and a bound above maxParallelism are 400s.
    json missing = requirements;
    missing.erase(kSink);
    const auto bad = c.Put((job + "/resource-requirements").c_str(), missing.dump(), "application/json");
    REQUIRE(bad);
    CHECK(bad->status == 400);
    CHECK(bad->body.find("missing job vertex [" + kSink + "]") != std::string::npos);
    json too_big = requirements;
    too_big[kKeyed]["parallelism"]["upperBound"] = 129;
    const auto big = c.Put((job + "/resource-requirements").c_str(), too_big.dump(), "application/json");
    REQUIRE(big);
    CHECK(big->status == 400);
    CHECK(big->body.find("exceeds its maximum parallelism 128") != std::string::npos);
}

TEST_CASE("unknown jobs and routes get Flink's error bodies", "[smoke]") {
    const int port = single_job().ports[0];
    const auto job = get_json(port, "/jobs/ffffffffffffffffffffffffffffffff", 404);
    CHECK(job["errors"][0].get<std::string>().find("Job ffffffffffffffffffffffffffffffff not found") != std::string::npos);
    CHECK(get_json(port, "/no/such/route", 404)["errors"][0] == "Not found: /no/such/route");
    CHECK(get_json(port, "/jobs/ffffffffffffffffffffffffffffffff/vertices/" + kSource + "/subtasks/metrics").empty());
}

TEST_CASE("SIGTERM stops the simulator cleanly", "[smoke]") {
    CHECK(single_job().process->stop(5.0) == 0);
}

TEST_CASE("faults: latency, missing metric and a 503 window", "[smoke][faults]") {
    // 50x: the 503 window at 120-140 s of simulated time is 2.4-2.8 s of wall time.
    Sim sim({"--scenario", scenario("faults.yaml"), "--time-scale", "50"}, 1);
    const int port = sim.ports[0];
    // Everything before the 503 wait runs in the first 2 s of wall time (100 s simulated),
    // before the windows of the other faults open.
    const auto jobs = get_json(port, "/jobs/overview")["jobs"];
    REQUIRE(jobs.size() == 2);
    const std::string jid = jobs[0]["jid"];
    const auto details = get_json(port, "/jobs/" + jid);
    const std::string vid = details["vertices"][0]["id"];

    // The GC metric is hidden: listing without it, and a query naming it is empty.
    json listing;
    REQUIRE(eventually(5, [&] {
        listing = get_json(port, "/taskmanagers/metrics");
        return !listing.empty();
    }));
    CHECK(find_id(listing, "Status.JVM.Memory.Heap.Used"));
    CHECK(!find_id(listing, "Status.JVM.GarbageCollector.All.TimeMsPerSecond"));
    CHECK(get_json(port, "/taskmanagers/metrics?get=Status.JVM.Memory.Heap.Used,"
                         "Status.JVM.GarbageCollector.All.TimeMsPerSecond&agg=min,max,avg")
              .empty());

    // Subtask metric requests get 300 ms of latency (wall time) in the first 120 s.
    const auto started = std::chrono::steady_clock::now();
    get_json(port, "/jobs/" + jid + "/vertices/" + vid + "/subtasks/metrics");
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(290));

    // Leader election: 503 with Flink's body.
    auto c = client(port);
    std::string body;
    REQUIRE(eventually(8, [&] {
        const auto res = c.Get("/config");
        if (res && res->status == 503) body = res->body;
        return !body.empty();
    }));
    CHECK(body.find("ongoing leader election") != std::string::npos);
    CHECK(sim.process->stop() == 0);
}

TEST_CASE("faults: cluster_down refuses connections, then the cluster is back", "[smoke][faults]") {
    const auto dir = std::filesystem::temp_directory_path() / ("flink-sim-smoke-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "down.yaml";
    std::ofstream(file) << "clusters:\n"
                           "  - name: c\n"
                           "    flink_version: \"2.1.0\"\n"
                           "    faults:\n"
                           "      - {kind: cluster_down, from: 1s, until: 2s}\n";
    Sim sim({"--scenario", file.string()}, 1);
    const int port = sim.ports[0];
    CHECK(get_json(port, "/config")["flink-version"] == "2.1.0");
    const auto reachable = [&] {
        auto c = client(port);
        c.set_connection_timeout(1);
        return static_cast<bool>(c.Get("/config"));
    };
    CHECK(eventually(5, [&] { return !reachable(); }));
    CHECK(eventually(5, reachable));
    CHECK(sim.process->stop() == 0);
    std::filesystem::remove_all(dir);
}

TEST_CASE("two clusters: one line and one port each, versions differ", "[smoke]") {
    Sim sim({"--scenario", scenario("two-clusters.yaml")}, 2);
    REQUIRE(sim.ports[0] != sim.ports[1]);
    CHECK(get_json(sim.ports[0], "/config")["flink-version"] == "1.18.1");
    CHECK(get_json(sim.ports[1], "/config")["flink-version"] == "2.0.0");
    CHECK(get_json(sim.ports[0], "/jobs/overview")["jobs"].size() == 2);
    // skew exists from 1.20 on: a bad request on 1.18.
    const auto jobs = get_json(sim.ports[0], "/jobs/overview")["jobs"];
    const std::string jid = jobs[0]["jid"];
    const auto vid = get_json(sim.ports[0], "/jobs/" + jid)["vertices"][0]["id"].get<std::string>();
    const auto skew = get_json(sim.ports[0], "/jobs/" + jid + "/vertices/" + vid + "/subtasks/metrics?get=x&agg=skew", 400);
    CHECK(skew["errors"][0].get<std::string>().find("Bad request, could not parse parameters") != std::string::npos);
    CHECK(sim.process->stop() == 0);
}

TEST_CASE("a scenario error names file, line and key and exits with 2", "[smoke]") {
    const auto dir = std::filesystem::temp_directory_path() / ("flink-sim-bad-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "bad.yaml";
    std::ofstream(file) << "clusters:\n"
                           "  - name: c\n"
                           "    flink_version: \"1.20.0\"\n"
                           "    taskmanagers:\n"
                           "      slot: 4\n";
    SimProcess process(env("FLINK_SIM"), {"--scenario", file.string()});
    CHECK(process.wait(10) == 2);
    const auto err = process.stderr_text();
    CHECK(err.find(file.string() + ":5:7") != std::string::npos);
    CHECK(err.find("clusters[0].taskmanagers.slot") != std::string::npos);
    CHECK(err.find("did you mean 'slots'") != std::string::npos);
    CHECK(!process.read_line(0.1).has_value());  // nothing on stdout
    std::filesystem::remove_all(dir);
}

TEST_CASE("yarn: a line per cluster then per RM; listing, 307 from the standby, proxy like direct, PUT 405",
          "[smoke][yarn]") {
    Sim sim({"--scenario", scenario("yarn.yaml"), "--log-requests"}, 5);  // app-a, app-b, app-c, rm1, rm2
    const int rm1 = sim.ports[3];
    const int rm2 = sim.ports[4];
    CHECK(std::set<int>(sim.ports.begin(), sim.ports.end()).size() == 5);
    const std::string app_a = "application_1716900000000_0001";
    const std::string app_b = "application_1716900000000_0002";

    const auto apps = get_json(rm1, "/ws/v1/cluster/apps?states=RUNNING&applicationTypes=Apache%20Flink")["apps"]["app"];
    REQUIRE(apps.size() == 3);  // app-c finishes only at 240 s
    CHECK(apps[0]["id"] == app_a);
    CHECK(apps[0]["amRPCAddress"] == "127.0.0.1:" + std::to_string(sim.ports[0]));
    CHECK(apps[0]["trackingUrl"] == "http://127.0.0.1:" + std::to_string(rm1) + "/proxy/" + app_a + "/");
    CHECK(get_json(rm1, "/ws/v1/cluster/apps?applicationTags=nothing")["apps"].is_null());

    // HA: the standby answers info itself and redirects the rest (a client must not follow blindly).
    CHECK(get_json(rm1, "/ws/v1/cluster/info")["clusterInfo"]["haState"] == "ACTIVE");
    CHECK(get_json(rm2, "/ws/v1/cluster/info")["clusterInfo"]["haState"] == "STANDBY");
    // The target is sent as written (this httplib client would escape '+' and decodes %-escapes
    // in header values, so the query uses '+' for the space, as a form-encoding client does).
    auto standby = client(rm2);
    standby.set_url_encode(false);
    const std::string query = "/ws/v1/cluster/apps?states=RUNNING&applicationTypes=Apache+Flink";
    const auto redirect = standby.Get(query.c_str());
    REQUIRE(redirect);
    CHECK(redirect->status == 307);
    CHECK(redirect->get_header_value("Location") == "http://127.0.0.1:" + std::to_string(rm1) + query);
    auto follow = client(rm1);
    follow.set_url_encode(false);
    const auto followed = follow.Get(query.c_str());  // where the redirect leads
    REQUIRE(followed);
    CHECK(json::parse(followed->body)["apps"]["app"].size() == 3);

    // The proxy answers like the cluster itself.
    CHECK(get_json(rm1, "/proxy/" + app_a + "/config") == get_json(sim.ports[0], "/config"));
    const auto direct = get_json(sim.ports[0], "/jobs/overview")["jobs"];
    const auto proxied = get_json(rm1, "/proxy/" + app_a + "/jobs/overview")["jobs"];
    REQUIRE(proxied.size() == 1);
    CHECK(proxied[0]["jid"] == direct[0]["jid"]);
    CHECK(get_json(rm1, "/proxy/" + app_a + "/jobs/ffffffffffffffffffffffffffffffff", 404)["errors"].is_array());

    // PUT: forwarded for app-a, 405 for app-b (proxy_put: reject), accepted directly by app-b.
    auto active = client(rm1);
    const std::string a_requirements = "/jobs/" + kJob + "/resource-requirements";
    const auto current = get_json(rm1, "/proxy/" + app_a + a_requirements);
    const auto put = active.Put(("/proxy/" + app_a + a_requirements).c_str(), current.dump(), "application/json");
    REQUIRE(put);
    CHECK(put->status == 200);
    CHECK(put->body == "{}");
    const std::string b_requirements = "/jobs/c11c5c11c5c11c5c11c5c11c5c11c5c1/resource-requirements";
    const auto b_current = get_json(sim.ports[1], b_requirements);
    const auto refused = active.Put(("/proxy/" + app_b + b_requirements).c_str(), b_current.dump(), "application/json");
    REQUIRE(refused);
    CHECK(refused->status == 405);
    CHECK(refused->get_header_value("Content-Type").rfind("text/html", 0) == 0);
    auto b_direct = client(sim.ports[1]);
    const auto direct_put = b_direct.Put(b_requirements.c_str(), b_current.dump(), "application/json");
    REQUIRE(direct_put);
    CHECK(direct_put->status == 200);
    // The standby's proxy is not to be used.
    const auto standby_proxy = standby.Get(("/proxy/" + app_a + "/config").c_str());
    REQUIRE(standby_proxy);
    CHECK(standby_proxy->status == 503);

    CHECK(sim.process->stop() == 0);
    // --log-requests: one line per RM request, prefixed with the RM's name.
    const auto log = sim.process->stderr_text();
    const auto count = [&](const std::string& prefix) {
        std::size_t n = 0;
        for (std::size_t at = log.find(prefix); at != std::string::npos; at = log.find(prefix, at + 1))
            if (at == 0 || log[at - 1] == '\n') ++n;
        return n;
    };
    CHECK(count("[rm1] GET /ws/v1/cluster/apps?") == 3);
    CHECK(count("[rm2] GET /ws/v1/cluster/apps?") == 1);
    CHECK(count("[rm2] GET /ws/v1/cluster/info -> 200") == 1);
    CHECK(count("[rm1] PUT /proxy/" + app_b + b_requirements + " -> 405") == 1);
    CHECK(count("[rm1] PUT /proxy/" + app_a + a_requirements + " -> 200") == 1);
}

TEST_CASE("yarn: an RM down window refuses connections, a failover moves the redirect, a finished app's cluster stops",
          "[smoke][yarn]") {
    const auto dir = std::filesystem::temp_directory_path() / ("flink-sim-yarn-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "ha.yaml";
    std::ofstream(file) << "clusters:\n"
                           "  - {name: c, flink_version: \"2.1.0\"}\n"
                           "  - {name: d, flink_version: \"2.1.0\"}\n"
                           "yarn:\n"
                           "  resource_managers: [{name: rm1}, {name: rm2}]\n"
                           "  failovers: [{at: 1s, to: rm2}]\n"
                           "  down: [{rm: rm1, from: 1s, until: 2s}]\n"
                           "  applications:\n"
                           "    - {cluster: c}\n"
                           "    - {cluster: d, finish: 1s, stop_cluster_on_finish: true}\n";
    Sim sim({"--scenario", file.string()}, 4);
    const int rm1 = sim.ports[2];
    const int rm2 = sim.ports[3];
    const auto reachable = [](int port) {
        auto c = client(port);
        c.set_connection_timeout(1);
        return static_cast<bool>(c.Get("/ws/v1/cluster/info"));
    };
    CHECK(get_json(rm1, "/ws/v1/cluster/info")["clusterInfo"]["haState"] == "ACTIVE");
    CHECK(eventually(5, [&] { return !reachable(rm1); }));
    CHECK(get_json(rm2, "/ws/v1/cluster/info")["clusterInfo"]["haState"] == "ACTIVE");
    CHECK(get_json(rm2, "/ws/v1/cluster/apps/application_1716900000000_0001")["app"]["trackingUrl"] ==
          "http://127.0.0.1:" + std::to_string(rm2) + "/proxy/application_1716900000000_0001/");
    CHECK(!reachable(sim.ports[1]));  // d's application finished at 1 s and took its cluster along
    CHECK(reachable(sim.ports[0]));
    CHECK(eventually(5, [&] { return reachable(rm1); }));
    auto c = client(rm1);
    const auto redirect = c.Get("/ws/v1/cluster/apps");
    REQUIRE(redirect);
    CHECK(redirect->status == 307);
    CHECK(redirect->get_header_value("Location") == "http://127.0.0.1:" + std::to_string(rm2) + "/ws/v1/cluster/apps");
    CHECK(sim.process->stop() == 0);
    std::filesystem::remove_all(dir);
}
