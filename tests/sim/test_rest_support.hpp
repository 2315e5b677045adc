// SPDX-License-Identifier: Apache-2.0
//
// Shared by the tests of the simulator's REST layer (test_rest_*.cpp): requests go straight to a
// ClusterState built from an inline scenario, at chosen simulated times, without sockets.
#pragma once

#include "sim/rest/cluster_state.hpp"
#include "sim/rest/scenario.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace flinkscaler::sim::test {

using json = nlohmann::json;

/// One cluster with a source -> keyed -> sink job named "orders" (plus `extra` YAML appended
/// under the cluster).
inline std::string scenario_text(const std::string& version, const std::string& extra = "") {
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

inline const std::string kJob = "/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90";
inline const std::string kKeyed = "0a448493b4782967b150582570326227";
inline const std::string kSourceMetrics = kJob + "/vertices/bc764cd8ddf7a0cff126f51c16239658/subtasks/metrics";
inline const std::string kKeyedMetrics = kJob + "/vertices/" + kKeyed + "/subtasks/metrics";

/// "/path?a=1&b=2" as the HTTP layer hands it over (no percent-decoding: tests use plain text).
inline RestRequest make_request(const std::string& path, const std::string& method = "GET", const std::string& body = "") {
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

inline std::string put_body(int source, int keyed, int sink) {
    json body;
    body["bc764cd8ddf7a0cff126f51c16239658"]["parallelism"] = {{"lowerBound", 1}, {"upperBound", source}};
    body[kKeyed]["parallelism"] = {{"lowerBound", 1}, {"upperBound", keyed}};
    body["ea632d67b7d595e5b851708ae9ad79d6"]["parallelism"] = {{"lowerBound", 1}, {"upperBound", sink}};
    return body.dump();
}

inline std::string first_error(const RestResponse& r) { return json::parse(r.body)["errors"][0].get<std::string>(); }

inline ScenarioError scenario_error(const std::string& text) {
    try {
        parse_scenario(text, "bad.yaml", ".");
    } catch (const ScenarioError& e) {
        return e;
    }
    FAIL("no ScenarioError for:\n" << text);
    throw std::logic_error("unreachable");
}

}  // namespace flinkscaler::sim::test
