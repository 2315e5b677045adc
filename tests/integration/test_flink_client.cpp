// SPDX-License-Identifier: Apache-2.0
//
// The Flink client against the Flink REST simulator: discovery, metric collection, the rescale
// round trip, and every fault knob producing its documented error without a crash.
#include "flink/collector.hpp"
#include "http/connection.hpp"
#include "flink/rescaler.hpp"
#include "sim_process.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <thread>

using namespace flinkscaler;
using namespace flinkscaler::flink;
using namespace std::chrono_literals;
namespace testing = flinkscaler::sim::testing;

namespace {

const std::string kScenarios = FLINKSCALER_INTEGRATION_SCENARIOS;
const std::string kJob = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const VertexId kSource = "bc764cd8ddf7a0cff126f51c16239658";
const VertexId kKeyed = "0a448493b4782967b150582570326227";
const VertexId kSink = "ea632d67b7d595e5b851708ae9ad79d6";

// A running flink-sim and the base URL of each of its clusters.
struct Simulator {
    testing::SimProcess process;
    std::vector<std::string> urls;

    Simulator(const std::string& scenario, std::size_t clusters)
        : process(FLINK_SIM, {"--scenario", kScenarios + "/" + scenario, "--port", "0"}) {
        while (urls.size() < clusters) {
            const auto line = process.read_line(10.0);
            if (!line) throw std::runtime_error("flink-sim did not start: " + process.stderr_text());
            if (const int port = testing::port_from_line(*line))
                urls.push_back("http://127.0.0.1:" + std::to_string(port));
        }
    }
    const std::string& url(std::size_t cluster) const { return urls.at(cluster); }
};

// The simulators are started once per test binary run and shared by the test cases.
Simulator& client_sim() {
    static Simulator sim("client.yaml", 2);
    return sim;
}
Simulator& fault_sim() {
    static Simulator sim("client-faults.yaml", 10);
    return sim;
}

std::shared_ptr<http::Connection> connection_to(const std::string& url, Millis timeout = 2s, int retries = 1) {
    http::ConnectionSettings settings;
    settings.base_url = url;
    settings.request_timeout = timeout;
    settings.connect_timeout = 1s;
    settings.max_retries = retries;
    settings.retry_backoff = 50ms;
    return std::make_shared<http::Connection>(settings);
}

std::unique_ptr<FlinkApi> api_for(const std::string& url, Millis timeout = 2s, int retries = 1) {
    return make_rest_flink_api("sim", connection_to(url, timeout, retries));
}

// daemon-yarn.yaml: four JobManagers, then ResourceManagers rm1 (standby at first) and rm2
// (active); the proxy of application _0002 refuses PUT with 405.
Simulator& yarn_sim() {
    static Simulator sim("daemon-yarn.yaml", 6);
    return sim;
}

// Flink's metric fetcher answers the first requests empty; the collector then reports the
// metrics as not found. Retry like the daemon would on its next cycles.
CollectedJob collect_when_ready(MetricCollector& collector, const std::string& job) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
        try {
            if (auto collected = collector.collect(job); collected && collected->metrics.vertices.size() == 3 &&
                                                          !collected->metrics.vertices.at(kKeyed).metrics.empty())
                return *collected;
        } catch (const MetricNotFound&) {
        }
        if (std::chrono::steady_clock::now() > deadline) FAIL("metrics did not become available within 10 s");
        std::this_thread::sleep_for(200ms);
    }
}

template <typename F>
FlinkApiError api_error_of(F&& call) {
    try {
        call();
    } catch (const FlinkApiError& e) {
        return e;
    }
    FAIL("expected a FlinkApiError");
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("discovery reads version, slots, jobs with their state, and the job configuration", "[integration]") {
    auto api = api_for(client_sim().url(0));
    CHECK(api->dashboard_config().version.text == "1.20.1");
    const auto overview = api->overview();
    CHECK(overview.slots_total == 16);
    const auto jobs = api->list_jobs();
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].id == kJob);
    CHECK(jobs[0].name == "orders-enrichment");
    CHECK(jobs[0].effective_state() == "RUNNING");
    const auto conf = api->job_configuration(kJob);
    CHECK(conf.at("jobmanager.scheduler") == "adaptive");
    const auto options = AutoscalerOptions::from(conf);
    CHECK(options.enabled);
    CHECK(options.metrics_window == 1min);
    CHECK(uses_adaptive_scheduler(options));
}

TEST_CASE("the collector builds the topology and gathers every vertex's metrics, partitions and TM gauges",
          "[integration]") {
    auto api = api_for(client_sim().url(0));
    MetricCollector collector(*api);
    const CollectedJob job = collect_when_ready(collector, kJob);

    const auto& topology = job.topology;
    CHECK(topology.topological_order() == std::vector<VertexId>{kSource, kKeyed, kSink});
    CHECK(topology.get(kKeyed).inputs.at(kSource) == ShipStrategy::HASH);
    CHECK(topology.get(kSink).inputs.at(kKeyed) == ShipStrategy::REBALANCE);
    CHECK(topology.get(kSource).num_source_partitions == 8);
    CHECK(topology.get(kSource).slot_sharing_group.has_value());  // 1.20 reports it

    const auto& source = job.metrics.vertices.at(kSource).metrics;
    for (auto m : {FlinkMetric::BUSY_TIME_PER_SEC, FlinkMetric::BACKPRESSURE_TIME_PER_SEC,
                   FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC, FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN,
                   FlinkMetric::PENDING_RECORDS})
        CHECK(source.count(m) == 1);
    // The keyed stage is the bottleneck: 2 x 1500 records/s of 4000 arriving.
    CHECK(job.metrics.vertices.at(kKeyed).metrics.at(FlinkMetric::BUSY_TIME_PER_SEC).max == Approx(1000).margin(1));
    CHECK(job.metrics.vertices.at(kKeyed).metrics.count(FlinkMetric::NUM_RECORDS_IN_PER_SEC) == 1);
    const auto& global = job.metrics.global;
    CHECK(global.heap_max.has_value());
    CHECK(global.gc_time_ms_per_second.has_value());
    CHECK(global.task_slots_total.value_or(0) == 16);
}

TEST_CASE("a PUT of resource requirements rescales the job in place and the new parallelism is verified",
          "[integration]") {
    auto api = api_for(client_sim().url(0));
    const auto before = api->job_details(kJob);
    const auto options = AutoscalerOptions::from(api->job_configuration(kJob));

    const auto result = apply_parallelism_overrides(*api, kJob, true, {{kSource, 2}, {kKeyed, 4}, {kSink, 1}},
                                                    options, {});
    REQUIRE(result.status == RescaleResult::Status::Applied);
    CHECK(api->resource_requirements(kJob).at(kKeyed) == ResourceRequirement{1, 4});

    // Re-applying the same overrides sends nothing: the realizer is idempotent.
    CHECK(apply_parallelism_overrides(*api, kJob, true, {{kSource, 2}, {kKeyed, 4}, {kSink, 1}}, options, {}).status ==
          RescaleResult::Status::NothingToApply);

    const auto deadline = std::chrono::steady_clock::now() + 15s;
    RescaleProgress progress = RescaleProgress::NotStarted;
    JobDetails after;
    while (std::chrono::steady_clock::now() < deadline) {
        after = api->job_details(kJob);
        progress = rescale_progress(after, result.requested, before.running_since);
        if (progress == RescaleProgress::Done) break;
        std::this_thread::sleep_for(200ms);
    }
    REQUIRE(progress == RescaleProgress::Done);
    CHECK(*after.running_since > *before.running_since);
    for (const auto& v : after.vertices)
        if (v.id == kKeyed) CHECK(v.parallelism == 4);
}

TEST_CASE("a job under the default scheduler is reported as not rescalable, with Flink's reason", "[integration]") {
    auto api = api_for(client_sim().url(1));
    const auto jobs = api->list_jobs();
    REQUIRE(jobs.size() == 1);
    const auto options = AutoscalerOptions::from(api->job_configuration(jobs[0].id));
    CHECK_FALSE(uses_adaptive_scheduler(options));
    const auto result = apply_parallelism_overrides(*api, jobs[0].id, true, {{"x", 2}}, options, {});
    CHECK(result.status == RescaleResult::Status::NotAdaptive);
    const auto error = api_error_of([&] { api->resource_requirements(jobs[0].id); });
    CHECK(error.status == 500);
    CHECK_THAT(error.what(), Catch::Contains("does not support changing the parallelism"));
}

TEST_CASE("an invalid PUT is refused with Flink's validation message", "[integration]") {
    auto api = api_for(client_sim().url(0));
    auto requirements = api->resource_requirements(kJob);
    requirements[kKeyed].upper_bound = 500;  // above the 128 key groups
    const auto error = api_error_of([&] { api->set_resource_requirements(kJob, requirements); });
    CHECK(error.kind == FlinkApiError::Kind::Http);
    CHECK(error.status == 400);
    CHECK_THAT(error.what(), Catch::Contains("exceeds its maximum parallelism"));
    CHECK_THAT(error.what(), Catch::Contains("cluster sim: PUT /jobs/" + kJob + "/resource-requirements"));
}

TEST_CASE("fault: leader election (503) is retried, then reported with status and Flink's message",
          "[integration][faults]") {
    auto api = api_for(fault_sim().url(0));
    const auto error = api_error_of([&] { api->list_jobs(); });
    CHECK(error.kind == FlinkApiError::Kind::Http);
    CHECK(error.status == 503);
    CHECK_THAT(error.what(), Catch::Contains("leader election"));
}

TEST_CASE("fault: a truncated body is a malformed-response error naming the endpoint", "[integration][faults]") {
    auto api = api_for(fault_sim().url(1));
    const auto error = api_error_of([&] { api->list_jobs(); });
    CHECK(error.kind == FlinkApiError::Kind::Malformed);
    CHECK_THAT(error.what(), Catch::Contains("GET /jobs/overview"));
    CHECK_THAT(error.what(), Catch::Contains("not JSON"));
}

TEST_CASE("fault: an HTML error page from a proxy is reported as such", "[integration][faults]") {
    auto api = api_for(fault_sim().url(2));
    const auto error = api_error_of([&] { api->overview(); });
    CHECK(error.status == 502);
    CHECK_THAT(error.what(), Catch::Contains("HTML page"));
}

TEST_CASE("fault: a hanging JobManager runs into the request timeout", "[integration][faults]") {
    auto api = api_for(fault_sim().url(3), 1s, 0);
    const auto started = std::chrono::steady_clock::now();
    const auto error = api_error_of([&] { api->overview(); });
    CHECK(error.kind == FlinkApiError::Kind::NoResponse);
    CHECK(std::chrono::steady_clock::now() - started < 2900ms);  // gave up before the 3 s hold ended
}

TEST_CASE("fault: a vertex without busy time is reported as a missing required metric", "[integration][faults]") {
    auto api = api_for(fault_sim().url(4));
    MetricCollector collector(*api);
    const auto job = api->list_jobs().at(0).id;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
        try {
            (void)collector.collect(job);
        } catch (const MetricNotFound& e) {
            if (std::find(e.missing.begin(), e.missing.end(), FlinkMetric::BUSY_TIME_PER_SEC) != e.missing.end() &&
                e.missing.size() == 1) {
                CHECK_THAT(e.what(), Catch::Contains("BUSY_TIME_PER_SEC"));
                break;
            }
        }
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(200ms);
    }
}

TEST_CASE("fault: TaskManagers without the GC gauge fall back to the memory gauges", "[integration][faults]") {
    auto api = api_for(fault_sim().url(5));
    CHECK(api->task_manager_metrics(task_manager_metric_names(true)).empty());  // one unknown name empties all
    MetricCollector collector(*api);
    const auto job = api->list_jobs().at(0).id;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
        try {
            if (auto collected = collector.collect(job); collected && collected->metrics.global.heap_used) {
                CHECK_FALSE(collected->metrics.global.gc_time_ms_per_second);
                break;
            }
        } catch (const MetricNotFound&) {
        } catch (const FlinkApiError&) {  // the metric store is empty right after start
        }
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(200ms);
    }
}

TEST_CASE("fault: added latency slows answers but they stay correct", "[integration][faults]") {
    auto api = api_for(fault_sim().url(6));
    const auto started = std::chrono::steady_clock::now();
    CHECK(api->list_jobs().size() == 1);
    CHECK(std::chrono::steady_clock::now() - started >= 300ms);
}

TEST_CASE("fault: a cancelled job is listed as CANCELED and is not rescaled", "[integration][faults]") {
    auto api = api_for(fault_sim().url(7));
    const auto jobs = api->list_jobs();
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].effective_state() == "CANCELED");
    AutoscalerOptions options;
    options.scheduler = "adaptive";
    CHECK(apply_parallelism_overrides(*api, jobs[0].id, false, {{"x", 2}}, options, {}).status ==
          RescaleResult::Status::NotRunning);
}

TEST_CASE("fault: a cluster that is down gives a no-response error, not a crash", "[integration][faults]") {
    auto api = api_for(fault_sim().url(8), 1s, 1);
    const auto error = api_error_of([&] { api->list_jobs(); });
    CHECK(error.kind == FlinkApiError::Kind::NoResponse);
    CHECK(error.status == 0);
    CHECK_THAT(error.what(), Catch::Contains("cluster sim: GET /jobs/overview"));
}

TEST_CASE("fault: a failover moves timestamps.RUNNING and the collector keeps working across it",
          "[integration][faults]") {
    auto api = api_for(fault_sim().url(9));
    MetricCollector collector(*api);
    const auto job = api->list_jobs().at(0).id;
    std::set<std::int64_t> running_since_seen;
    int collected = 0;
    const auto deadline = std::chrono::steady_clock::now() + 6s;
    while (std::chrono::steady_clock::now() < deadline && (running_since_seen.size() < 2 || collected < 2)) {
        try {
            if (auto c = collector.collect(job)) {
                running_since_seen.insert(epoch_ms(c->running_since));
                ++collected;
            }
        } catch (const MetricNotFound&) {  // right after a restart the metric store is stale
        }
        std::this_thread::sleep_for(100ms);
    }
    CHECK(running_since_seen.size() >= 2);  // restarts every second of wall time at 10x
    CHECK(collected >= 2);
}

TEST_CASE("through a YARN RM proxy: reads answer as the JobManager does; a PUT the proxy refuses names the fix",
          "[integration][yarn]") {
    const std::string job = "b0000000000000000000000000000b01";
    const std::string proxy = yarn_sim().url(5) + "/proxy/application_1716900000000_0002";
    auto proxied = make_rest_flink_api("yarn/application_1716900000000_0002", connection_to(proxy));
    auto direct = api_for(yarn_sim().url(1));
    REQUIRE(proxied->list_jobs().size() == 1);
    CHECK(proxied->list_jobs()[0].id == job);
    const auto requirements = proxied->resource_requirements(job);
    CHECK(requirements == direct->resource_requirements(job));

    const auto error = api_error_of([&] { proxied->set_resource_requirements(job, requirements); });
    CHECK(error.status == 405);
    CHECK_THAT(error.what(), Catch::Contains("cluster yarn/application_1716900000000_0002: PUT /jobs/" + job));
    CHECK_THAT(error.what(), Catch::Contains("use flink-access: auto or direct"));

    // With the rescale connection straight to the JobManager (flink-access auto) the same PUT works.
    auto split = make_rest_flink_api("yarn/application_1716900000000_0002", connection_to(proxy),
                                     connection_to(yarn_sim().url(1)));
    CHECK_NOTHROW(split->set_resource_requirements(job, requirements));
    CHECK(split->resource_requirements(job) == requirements);
}
