// SPDX-License-Identifier: Apache-2.0
//
// The in-process FlinkApi (sim/inprocess): flinkscaler's REST client, parsers, collector and
// rescaler against the example scenarios, in simulated time chosen by the test, without sockets.
#include "sim/inprocess/sim_flink_api.hpp"
#include "sim/rest/request_target.hpp"
#include "sim/rest/scenario.hpp"

#include "flink/collector.hpp"
#include "flink/rescaler.hpp"
#include "flinkscaler/options.hpp"
#include "flinkscaler/sample.hpp"
#include "flinkscaler/sample_gates.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace flinkscaler;
using namespace flinkscaler::sim;

namespace {

// single-job.yaml: source (2) -> KeyedProcess (2, the bottleneck) -> sink (1), Flink 1.20.
const std::string kJob = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const std::string kSource = "bc764cd8ddf7a0cff126f51c16239658";
const std::string kKeyed = "0a448493b4782967b150582570326227";
const std::string kSink = "ea632d67b7d595e5b851708ae9ad79d6";

/// The first cluster of a scenario of tests/sim/scenarios, and an api whose "now" is `t_s`.
struct InProcess {
    std::unique_ptr<ClusterState> cluster;
    double t_s = 0;
    std::unique_ptr<SimFlinkApi> api;

    explicit InProcess(const std::string& scenario) {
        const auto s = load_scenario((std::filesystem::path(SIM_SCENARIO_DIR) / scenario).string());
        const auto& c = s.clusters.at(0);
        cluster = std::make_unique<ClusterState>(c.spec, c.jobs, c.settings, s.seed);
        api = std::make_unique<SimFlinkApi>(*cluster, [this] { return cluster->epoch().at(t_s); });
    }
};

template <typename F>
flink::FlinkApiError api_error_of(F&& call) {
    try {
        call();
    } catch (const flink::FlinkApiError& e) {
        return e;
    }
    FAIL("expected a FlinkApiError");
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("in-process: discovery lists the scenario's jobs and reads the job configuration", "[inprocess]") {
    InProcess sim("single-job.yaml");
    CHECK(sim.api->dashboard_config().version.text == "1.20.1");
    CHECK(sim.api->overview().slots_total == 8);
    const auto jobs = sim.api->list_jobs();
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].id == kJob);
    CHECK(jobs[0].name == "orders-enrichment");
    CHECK(jobs[0].effective_state() == "RUNNING");
    const auto options = AutoscalerOptions::from(sim.api->job_configuration(kJob));
    CHECK(options.enabled);
    CHECK(flink::uses_adaptive_scheduler(options));
    CHECK(sim.api->requests() == 4);  // one request per call, as over HTTP without retries
}

TEST_CASE("in-process: job details give the topology of the scenario", "[inprocess]") {
    InProcess sim("single-job.yaml");
    const auto details = sim.api->job_details(kJob);
    CHECK(details.state == "RUNNING");
    CHECK(details.running_since == sim.cluster->epoch().at(0));
    const auto topology = details.topology();
    CHECK(topology.topological_order() == std::vector<VertexId>{kSource, kKeyed, kSink});
    CHECK(topology.get(kKeyed).parallelism == 2);
    CHECK(topology.get(kKeyed).max_parallelism == 128);
}

TEST_CASE("in-process: the collector gives a complete sample once simulated time has passed", "[inprocess]") {
    InProcess sim("single-job.yaml");
    flink::MetricCollector collector(*sim.api);
    const auto options = AutoscalerOptions::from(sim.api->job_configuration(kJob));
    const auto load_of = [&](const flink::CollectedJob& collected, const VertexId& vertex) {
        std::set<VertexId> excluded;
        const auto sample = compute_sample(collected.topology, collected.metrics, {}, options, &excluded);
        CHECK(excluded.empty());
        return sample.vertex_metrics.at(vertex).at(ScalingMetric::LOAD);
    };
    // At t = 0 the metric store holds the model before its first step: nothing has flowed yet.
    const auto first = collector.collect(kJob);
    REQUIRE(first.has_value());
    CHECK(load_of(*first, kKeyed) == 0.0);
    // The job details' IO counters are not from the current execution attempt yet: the collector
    // carries Flink's `*-complete: false` into the raw metrics, and the core gates such a sample.
    const auto& first_io = first->metrics.vertices.at(kKeyed).io;
    CHECK_FALSE(first_io.num_records_in_complete);
    CHECK_FALSE(first_io.num_records_out_complete);
    const auto first_sample = compute_sample(first->topology, first->metrics, {}, options, nullptr);
    CHECK(check_sample(first->topology, first->metrics, first_sample, {}, options)->gate ==
          SampleGate::CounterIncomplete);

    sim.t_s = 30;  // past the fetcher's 10 s interval
    const auto collected = collector.collect(kJob);
    REQUIRE(collected.has_value());
    CHECK(collected->metrics.vertices.size() == 3);
    for (const auto& id : {kSource, kKeyed, kSink}) CHECK(!collected->metrics.vertices.at(id).metrics.empty());
    CHECK(collected->metrics.global.heap_max.has_value());
    CHECK(collected->metrics.global.task_slots_total == 8.0);

    CHECK(collected->running_since == sim.cluster->epoch().at(0));
    // The keyed stage is the bottleneck (4000 records/s offered to 2 x 1500): fully busy.
    CHECK(load_of(*collected, kKeyed) == Approx(1.0).margin(0.01));
    CHECK(load_of(*collected, kSink) < 0.5);
    for (const auto& id : {kSource, kKeyed, kSink}) {
        CHECK(collected->metrics.vertices.at(id).io.num_records_in_complete);
        CHECK(collected->metrics.vertices.at(id).io.num_records_out_complete);
    }
}

TEST_CASE("in-process: a rescale through the api changes the simulated job's parallelism", "[inprocess]") {
    InProcess sim("single-job.yaml");
    const auto options = AutoscalerOptions::from(sim.api->job_configuration(kJob));
    const auto running_before = sim.api->job_details(kJob).running_since;
    const auto result = flink::apply_parallelism_overrides(*sim.api, kJob, true, {{kKeyed, 4}}, options, {});
    REQUIRE(result.status == flink::RescaleResult::Status::Applied);
    CHECK(sim.api->resource_requirements(kJob).at(kKeyed).upper_bound == 4);

    // 1.20: the adaptive scheduler acts after its 30 s cooldown, then the job restarts (~4 s).
    sim.t_s = 10;
    CHECK(flink::rescale_progress(sim.api->job_details(kJob), result.requested, running_before) ==
          flink::RescaleProgress::NotStarted);
    sim.t_s = 60;
    const auto details = sim.api->job_details(kJob);
    CHECK(flink::rescale_progress(details, result.requested, running_before) == flink::RescaleProgress::Done);
    CHECK(details.topology().get(kKeyed).parallelism == 4);
    CHECK(sim.cluster->inspect([](const Cluster& c) { return c.job(0).vertices.at(1).parallelism; }) == 4);
}

TEST_CASE("in-process: injected faults surface as the REST client's exceptions", "[inprocess][faults]") {
    using Kind = flink::FlinkApiError::Kind;
    InProcess sim("faults.yaml");  // every fault kind in its own window of simulated time
    std::string job, audit;
    for (const auto& j : sim.api->list_jobs()) (j.name == "audit" ? audit : job) = j.id;
    REQUIRE(!job.empty());
    REQUIRE(!audit.empty());

    sim.t_s = 70;  // a timeout fault holds /jobs/overview for 15 s, longer than the 10 s timeout
    auto e = api_error_of([&] { sim.api->list_jobs(); });
    CHECK(e.kind == Kind::NoResponse);
    CHECK(std::string(e.what()).find("GET /jobs/overview: ") != std::string::npos);
    CHECK(std::string(e.what()).find("no complete answer within 10000 ms") != std::string::npos);
    CHECK_NOTHROW(sim.api->overview());  // other paths are answered

    sim.t_s = 130;  // error 503 on every path
    e = api_error_of([&] { sim.api->overview(); });
    CHECK(e.kind == Kind::Http);
    CHECK(e.status == 503);
    CHECK(std::string(e.what()).find("HTTP 503: Service temporarily unavailable due to an ongoing leader election") !=
          std::string::npos);

    sim.t_s = 230;  // a truncated /overview body
    e = api_error_of([&] { sim.api->overview(); });
    CHECK(e.kind == Kind::Malformed);

    sim.t_s = 245;  // an HTML error page with 502
    e = api_error_of([&] { sim.api->list_jobs(); });
    CHECK(e.kind == Kind::Http);
    CHECK(e.status == 502);
    CHECK(std::string(e.what()).find("an HTML page instead of a Flink error") != std::string::npos);

    sim.t_s = 410;  // job_vanish of audit: not listed, 404 on its details
    CHECK(sim.api->list_jobs().size() == 1);
    e = api_error_of([&] { sim.api->job_details(audit); });
    CHECK(e.kind == Kind::Http);
    CHECK(e.status == 404);

    sim.t_s = 510;  // cluster_down: connection refused
    e = api_error_of([&] { sim.api->job_details(job); });
    CHECK(e.kind == Kind::NoResponse);
    CHECK(std::string(e.what()).find("connection refused") != std::string::npos);

    sim.t_s = 540;  // listening again
    CHECK(sim.api->job_details(job).id == job);
}

TEST_CASE("request targets are decoded like the HTTP front decodes them", "[inprocess]") {
    const auto r = parse_request_target("GET", "/jobs/x%2Fy/metrics?get=a%20b,c&agg=max&flag&q=1+2", "");
    CHECK(r.path == "/jobs/x/y/metrics");
    CHECK(r.param("get") == "a b,c");
    CHECK(r.param("agg") == "max");
    CHECK(r.has_param("flag"));
    CHECK(r.param("q") == "1 2");
    CHECK_THROWS_AS(parse_request_target("GET", "/jobs?get=%zz"), std::invalid_argument);
    CHECK_THROWS_AS(parse_request_target("GET", "/jobs?get=%2"), std::invalid_argument);
}
