// SPDX-License-Identifier: Apache-2.0
//
// Tests of the simulator's REST layer without sockets (helpers in test_rest_support.hpp):
// the simulated YARN ResourceManagers over the same cluster states: listing and filters,
// HA redirect and failover, the proxy, the application life cycle, the yarn scenario section.
#include "test_rest_support.hpp"
#include "sim/rest/resource_manager.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace flinkscaler::sim;
using namespace flinkscaler::sim::test;

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
