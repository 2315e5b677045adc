// SPDX-License-Identifier: Apache-2.0
//
// Tests of the simulator's REST layer without sockets (helpers in test_rest_support.hpp):
// request faults (5xx and malformed bodies, latency, path and window) and job faults
// (restart, vanish, cancel).
#include "test_rest_support.hpp"
#include "sim/rest/faults.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace flinkscaler::sim;
using namespace flinkscaler::sim::test;

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
