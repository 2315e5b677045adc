// SPDX-License-Identifier: Apache-2.0
//
// Tests of the simulator's REST layer without sockets (helpers in test_rest_support.hpp):
// the metric fetcher, aggregation fields per version, IO counters of /jobs/:jid, and the
// number and glob helpers behind the metric endpoints.
#include "test_rest_support.hpp"
#include "sim/rest/faults.hpp"
#include "sim/rest/java_format.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>

using namespace flinkscaler::sim;
using namespace flinkscaler::sim::test;

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

TEST_CASE("IO counters: incomplete until the store has the current attempt", "[rest][metrics]") {
    Harness h(scenario_text("1.18.0"));
    const auto before = h.get(3, kJob);
    CHECK(before["vertices"][1]["metrics"]["read-records-complete"] == false);
    const auto after = h.get(3.5, kJob);
    CHECK(after["vertices"][1]["metrics"]["read-records-complete"] == true);
    CHECK(after["vertices"][1]["metrics"]["read-records"].get<long long>() > 0);
    CHECK(after["vertices"][0]["metrics"]["read-records"] == 0);
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
