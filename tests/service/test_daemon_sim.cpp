// SPDX-License-Identifier: Apache-2.0
//
// The daemon's closed loop in simulated time: the real Daemon (job policy, cluster registry,
// discovery, worker pool, job passes, SQLite store in a temporary folder, status board, log)
// against in-process simulated Flink clusters (tests/sim, through the real REST response
// parsers), stepped with a SimulatedClock: minutes of daemon time in a few seconds.
//
// The scenarios are the integration suite's (tests/integration/scenarios); the arithmetic of
// each expected parallelism is in the scenario files and above each case.
#include "sim_daemon.hpp"
#include "sim_fleet.hpp"
#include "temp_dir.hpp"

#include "service/daemon.hpp"
#include "service/logging.hpp"

#include "flinkscaler/config_values.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <regex>
#include <sstream>

using namespace std::chrono_literals;
using flinkscaler::Instant;
using flinkscaler::Millis;
using flinkscaler::service::Daemon;
using flinkscaler::service::DaemonSeams;
using flinkscaler::service::JobStatus;
using flinkscaler::service::ServiceOverrides;
using flinkscaler::service::SimulatedClock;
using flinkscaler::testing::SimFleet;
using flinkscaler::testing::TempDir;

namespace {

using flinkscaler::testing::ParallelismWatch;
using flinkscaler::testing::SimDaemon;

// The value of the one sample of `name` whose labels include every `labels` pair, or nullopt.
std::optional<double> metric_value(const std::string& text, const std::string& name,
                                   const std::map<std::string, std::string>& labels) {
    std::istringstream in(text);
    std::optional<double> found;
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with(name + "{") && !line.starts_with(name + " ")) continue;
        bool all = true;
        for (const auto& [key, value] : labels)
            all = all && line.find(key + "=\"" + value + "\"") != std::string::npos;
        if (!all) continue;
        REQUIRE_FALSE(found.has_value());  // the labels must name one sample
        found = std::stod(line.substr(line.rfind(' ') + 1));
    }
    return found;
}

double metric_sum(const std::string& text, const std::string& name, const std::map<std::string, std::string>& labels) {
    std::istringstream in(text);
    double sum = 0;
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with(name + "{")) continue;
        bool all = true;
        for (const auto& [key, value] : labels)
            all = all && line.find(key + "=\"" + value + "\"") != std::string::npos;
        if (all) sum += std::stod(line.substr(line.rfind(' ') + 1));
    }
    return sum;
}

// The vertex named `name` of a job on the board, or null. It points into `job`: a temporary would
// leave it dangling (ASan caught one), so the rvalue overloads are deleted.
const flinkscaler::service::VertexStatus* vertex_of(const JobStatus& job, const std::string& name) {
    for (const auto& v : job.vertices)
        if (v.name == name) return &v;
    return nullptr;
}
const flinkscaler::service::VertexStatus* vertex_of(const std::optional<JobStatus>& job, const std::string& name) {
    return job ? vertex_of(*job, name) : nullptr;
}
const flinkscaler::service::VertexStatus* vertex_of(JobStatus&& job, const std::string& name) = delete;
const flinkscaler::service::VertexStatus* vertex_of(std::optional<JobStatus>&& job, const std::string& name) = delete;

/// [(current, new)] of a vertex's scaling history on the board, oldest first.
std::vector<std::pair<int, int>> history_entries(const JobStatus& job, const std::string& vertex_id) {
    std::vector<std::pair<int, int>> out;
    if (!job.scaling_history.is_object() || !job.scaling_history.contains(vertex_id)) return out;
    for (const auto& [time, entry] : job.scaling_history.at(vertex_id).items())
        out.emplace_back(entry.at("currentParallelism").get<int>(), entry.at("newParallelism").get<int>());
    return out;
}

bool contains_line(const std::string& text, const std::string& pattern) {
    return std::regex_search(text, std::regex(pattern, std::regex::multiline));
}

std::size_t count_matches(const std::string& text, const std::string& pattern) {
    const std::regex re(pattern);
    return static_cast<std::size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

std::string scenario(const std::string& name) { return std::string(FLINKSCALER_INTEGRATION_SCENARIOS) + "/" + name; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// daemon-two-clusters.yaml (formerly daemon_tests.py scales-bottleneck-up-and-down-on-two-clusters)

namespace {

const std::string kJobA = "a0000000000000000000000000000001";  // c120 orders-keyed
const std::string kKeyedA = "a1000000000000000000000000000002";
const std::string kJobC = "a0000000000000000000000000000002";  // c120 legacy-report (disabled)
const std::string kKeyedC = "a2000000000000000000000000000002";
const std::string kJobB = "b0000000000000000000000000000001";  // c118 clicks-enrich
const std::string kSourceB = "b1000000000000000000000000000001";

}  // namespace

// Expected parallelism (utilization.target u = 0.7, band [0.4, 1.0], catch-up.duration 0,
// so a vertex's target capacity is target_rate / 0.7; f = target capacity / true processing
// rate of the vertex; n = ceil(f × p) with f >= 0.4 (scale-down.max-factor 0.6); BALANCED
// alignment: the first q >= n (up to the key-group/partition count N) with N % q == 0 or
// floor(N/q) < floor(N/n); for a scale-down q stops at p, and q == p means no change):
//
// c120/orders-keyed, KeyedAggregate (HASH input, max parallelism 8 → N = 8), 1000 records/s per
// subtask, p = 2:
//   up:   4200 records/s arrive, the vertex runs saturated at 2 × 1000: f = (4200 / 0.7) / 2000
//         = 3, n = ceil(3 × 2) = 6 → 8 % 6 ≠ 0, floor(8/7) = floor(8/6) → 8 divides 8 → 8.
//         (The measured target rate may be off by a few % — the simulator's metric snapshots
//         are up to 1 s older than the samples — which gives 6 or 7, both aligned to 8.)
//         At 8: utilization 4200 / 8000 = 0.53, inside the band; n = ceil(0.75 × 8) = 6 → 8.
//   down: at 70 s the input drops to 2000 records/s: utilization 0.25 < 0.4. The window average
//         falls over 20 s; every recommendation below 8 is 4: n >= ceil(0.4 × 8) = 4 by the max
//         factor, 4 → 4 (divides 8), 5..7 → 8 = p (no change). So after scale-down.interval the
//         vertex goes 8 → 4 (at 4: utilization 0.5, n = ceil(0.71 × 4) = 3 → 4 = p).
//   Source and sink (p = 1, 20000 records/s per subtask) never change: f < 1 gives n = 1.
// c118/clicks-enrich, "Source: clicks" (Kafka, 6 partitions → N = 6), 700 records/s per
// subtask, p = 1, 2200 records/s arrive: f = (2200 / 0.7) / 700 = 4.49, n = ceil(4.49) = 5 →
// 6 % 5 ≠ 0, floor(6/6) < floor(6/5)? no, 6 divides 6 → 6. At 6: utilization 0.52.
// c120/legacy-report is saturated as well (2 × 500 for 2000 records/s) but a `jobs:` override
// matched by the name glob "legacy-*" disables it: phase "disabled", never rescaled.
TEST_CASE("the bottleneck is scaled up, and down after the input drops, on two clusters", "[daemon-sim]") {
    SimFleet fleet(scenario("daemon-two-clusters.yaml"));
    SimDaemon d(fleet, R"(clusters:
  - name: c120
    url: http://c120.sim:8081
  - name: c118
    url: http://c118.sim:8081
jobs:
  - match: {name: "legacy-*"}
    options: {job.autoscaler.enabled: "false"}
)");
    const std::string a_key = "c120/" + kJobA, b_key = "c118/" + kJobB, c_key = "c120/" + kJobC;
    ParallelismWatch a(fleet, "c120", kJobA, "KeyedAggregate");
    ParallelismWatch b(fleet, "c118", kJobB, "Source: clicks");
    ParallelismWatch c(fleet, "c120", kJobC, "KeyedCount");
    std::vector<flinkscaler::flink::ResourceRequirement> c_bounds;
    const auto observe = [&] {
        a.observe();
        b.observe();
        c.observe();
        const auto bound = fleet.requirements("c120", kJobC).at(kKeyedC);
        if (c_bounds.empty() || !(c_bounds.back() == bound)) c_bounds.push_back(bound);
    };

    // --- scale-up on both clusters --------------------------------------------------------------
    REQUIRE(d.run_until([&] { return a.current() == 8 && b.current() == 6; }, 100s, observe));
    INFO("scaled up after " << d.elapsed_s() << " s");
    // One window (20 s) after the first samples, plus the stabilization (5 s) at most.
    CHECK(d.elapsed_s() <= 20 + 5 + 2);
    CHECK(a.sequence() == std::vector<int>{2, 8});
    CHECK(b.sequence() == std::vector<int>{1, 6});
    CHECK(fleet.parallelism("c120", kJobA) ==
          std::map<std::string, int>{{"Source: orders", 1}, {"KeyedAggregate", 8}, {"Sink: totals", 1}});
    CHECK(fleet.parallelism("c118", kJobB) ==
          std::map<std::string, int>{{"Source: clicks", 6}, {"Enrich -> Sink: enriched", 1}});
    // The requirements the daemon PUT: the new parallelism as the upper bound of the bottleneck.
    CHECK(fleet.requirements("c120", kJobA).at(kKeyedA) == flinkscaler::flink::ResourceRequirement{1, 8});

    // The scaling report in the log: the headline and the table row of the vertex.
    auto log = d.log();
    CHECK(contains_line(log, "scaling report for job 'orders-keyed' \\(c120/" + kJobA + "\\): scaled"));
    CHECK(contains_line(log, "^\\s+KeyedAggregate \\(a1000000\\)\\s+2 -> 8\\b"));
    CHECK(contains_line(log, "scaling report for job 'clicks-enrich' \\(c118/" + kJobB + "\\): scaled"));
    CHECK(contains_line(log, "^\\s+Source: clicks \\(b1000000\\)\\s+1 -> 6\\b"));

    // The event table of the state file.
    auto reports = d.events(a_key, "ScalingReport");
    REQUIRE(reports.size() == 1);
    CHECK_THAT(reports[0].second, Catch::Contains(kKeyedA) && Catch::Contains("Parallelism 2 -> 8"));
    const auto b_reports = d.events(b_key, "ScalingReport");
    CHECK(std::any_of(b_reports.begin(), b_reports.end(),
                      [](const auto& e) { return e.second.find("Parallelism 1 -> 6") != std::string::npos; }));

    // The status board, once the pass after the restart ran.
    const auto board_shows = [&](const std::string& key, const std::string& vertex, int value) {
        const auto job = d.job(key);  // kept alive: vertex_of points into it
        const auto* v = vertex_of(job, vertex);
        return v != nullptr && v->parallelism == value;
    };
    REQUIRE(d.run_until([&] { return board_shows(a_key, "KeyedAggregate", 8) && board_shows(b_key, "Source: clicks", 6); },
                        30s, observe));
    const auto job_a = *d.job(a_key);
    REQUIRE_FALSE(history_entries(job_a, kKeyedA).empty());
    CHECK(history_entries(job_a, kKeyedA).back() == std::pair{2, 8});
    CHECK(job_a.rescales == 1);
    const auto job_b = *d.job(b_key);
    REQUIRE_FALSE(history_entries(job_b, kSourceB).empty());
    CHECK(history_entries(job_b, kSourceB).back() == std::pair{1, 6});
    auto text = d.metrics();
    CHECK(metric_value(text, "flinkscaler_vertex_parallelism",
                       {{"cluster", "c120"}, {"job", kJobA}, {"vertex_name", "KeyedAggregate"}}) == 8);
    CHECK(metric_value(text, "flinkscaler_vertex_parallelism",
                       {{"cluster", "c118"}, {"job", kJobB}, {"vertex_name", "Source: clicks"}}) == 6);
    CHECK(metric_value(text, "flinkscaler_rescales_total", {{"cluster", "c120"}, {"result", "applied"}}) == 1);

    // The disabled job.
    REQUIRE(d.job(c_key).has_value());
    CHECK(d.job(c_key)->phase == flinkscaler::service::JobPhase::Disabled);

    // --- scale-down after the input drops at 70 s ------------------------------------------------
    REQUIRE(d.run_until([&] { return a.current() != 8; }, 150s, observe));
    INFO("scaled down after " << d.elapsed_s() << " s");
    CHECK(d.elapsed_s() > 70 + 5);  // not before the drop and the scale-down interval
    REQUIRE(d.run_until([&] { return a.current() == 4; }, 20s, observe));
    CHECK(a.sequence() == std::vector<int>{2, 8, 4});
    CHECK(fleet.parallelism("c120", kJobA) ==
          std::map<std::string, int>{{"Source: orders", 1}, {"KeyedAggregate", 4}, {"Sink: totals", 1}});
    CHECK(contains_line(d.log(), "^\\s+KeyedAggregate \\(a1000000\\)\\s+8 -> 4\\b"));
    reports = d.events(a_key, "ScalingReport");
    REQUIRE(reports.size() == 2);
    CHECK_THAT(reports[1].second, Catch::Contains("Parallelism 8 -> 4"));
    REQUIRE(d.run_until([&] { return board_shows(a_key, "KeyedAggregate", 4); }, 30s, observe));
    CHECK(metric_value(d.metrics(), "flinkscaler_vertex_parallelism",
                       {{"cluster", "c120"}, {"job", kJobA}, {"vertex_name", "KeyedAggregate"}}) == 4);

    // Nothing else moved.
    CHECK(b.sequence() == std::vector<int>{1, 6});
    CHECK(c.sequence() == std::vector<int>{2});
    CHECK(c_bounds == std::vector<flinkscaler::flink::ResourceRequirement>{{1, 2}});
    const auto job_c = *d.job(c_key);
    CHECK(job_c.phase == flinkscaler::service::JobPhase::Disabled);
    CHECK(job_c.rescales == 0);
    CHECK(d.events(c_key).empty());
}

// ---------------------------------------------------------------------------------------------
// daemon-one-job.yaml (formerly daemon_tests.py dry-run-reports-but-never-rescales)

namespace {

const std::string kSoloJob = "c0000000000000000000000000000001";
const std::string kSoloKeyed = "c1000000000000000000000000000002";
const std::string kSoloKey = "solo/" + kSoloJob;

}  // namespace

// Dry run (--dry-run or service.dry-run): the bottleneck of daemon-one-job.yaml gets its decision
// (KeyedAggregate 2 -> 8, arithmetic in that file), reported in the log, on the status board and
// in the event table, but the simulator never sees a rescale.
TEST_CASE("a dry run decides and reports, and never rescales", "[daemon-sim]") {
    SimFleet fleet(scenario("daemon-one-job.yaml"));
    const auto initial_requirements = fleet.requirements("solo", kSoloJob);
    const auto initial_running_since = fleet.running_since("solo", kSoloJob);
    SimDaemon d(fleet, "clusters:\n  - name: solo\n    url: http://solo.sim:8081\n", /*dry_run=*/true);
    ParallelismWatch watch(fleet, "solo", kSoloJob, "KeyedAggregate");
    std::vector<flinkscaler::flink::ResourceRequirement> bounds;
    const auto observe = [&] {
        watch.observe();
        const auto bound = fleet.requirements("solo", kSoloJob).at(kSoloKeyed);
        if (bounds.empty() || !(bounds.back() == bound)) bounds.push_back(bound);
    };

    REQUIRE(d.run_until([&] { return d.job(kSoloKey) && !d.job(kSoloKey)->last_decision.is_null(); }, 60s, observe));
    auto job = *d.job(kSoloKey);
    CHECK(job.dry_run);
    std::map<std::string, nlohmann::json> verdicts;
    for (const auto& v : job.last_decision.at("vertices")) verdicts[v.at("vertex").get<std::string>()] = v;
    REQUIRE(verdicts.count(kSoloKeyed) == 1);
    CHECK(verdicts[kSoloKeyed].at("currentParallelism") == 2);
    CHECK(verdicts[kSoloKeyed].at("newParallelism") == 8);
    REQUIRE(vertex_of(job, "KeyedAggregate") != nullptr);
    CHECK(vertex_of(job, "KeyedAggregate")->recommended == 8);
    for (const auto& [id, v] : verdicts)
        if (id != kSoloKeyed) CHECK((v.at("currentParallelism") == 1 && v.at("newParallelism") == 1));
    const auto log = d.log();
    CHECK(contains_line(log, "scaling report for job 'orders-keyed' \\(" + kSoloKey + "\\)"));
    CHECK(contains_line(log, "^\\s+KeyedAggregate \\(c1000000\\)\\s+2 -> 8\\b"));
    auto reports = d.events(kSoloKey, "ScalingReport");
    REQUIRE(reports.size() == 1);
    CHECK_THAT(reports[0].second, Catch::Contains("Parallelism 2 -> 8"));
    auto text = d.metrics();
    CHECK(metric_value(text, "flinkscaler_vertex_recommended_parallelism",
                       {{"cluster", "solo"}, {"vertex_name", "KeyedAggregate"}}) == 8);

    // Several more passes with the same decision: still nothing changes in Flink.
    const auto decided_at = *job.last_decision_time;
    const double passes_before = metric_sum(text, "flinkscaler_job_passes_total", {{"cluster", "solo"}});
    REQUIRE(d.run_until(
        [&] {
            return *d.job(kSoloKey)->last_decision_time > decided_at &&
                   metric_sum(d.metrics(), "flinkscaler_job_passes_total", {{"cluster", "solo"}}) >= passes_before + 8;
        },
        30s, observe));
    job = *d.job(kSoloKey);
    CHECK(job.rescales == 0);
    CHECK_FALSE(job.last_rescale.has_value());
    text = d.metrics();
    CHECK(metric_value(text, "flinkscaler_rescales_total", {{"cluster", "solo"}, {"result", "applied"}}) == 0);
    // "decided but not sent": once for the one recommendation, not once per pass.
    CHECK(metric_value(text, "flinkscaler_rescales_total", {{"cluster", "solo"}, {"result", "dry_run"}}) == 1);
    CHECK(d.events(kSoloKey, "RescaleApplied").empty());
    CHECK(history_entries(job, kSoloKeyed).empty());
    d.run_for(1s, observe);
    CHECK(watch.sequence() == std::vector<int>{2});
    CHECK(bounds == std::vector<flinkscaler::flink::ResourceRequirement>{{1, 2}});
    CHECK(fleet.requirements("solo", kSoloJob) == initial_requirements);
    CHECK(fleet.running_since("solo", kSoloJob) == initial_running_since);  // never restarted
}

// ---------------------------------------------------------------------------------------------
// daemon-failing-clusters.yaml: the failures of daemon_tests.py one-failing-cluster-does-not-delay-the-others,
// in simulated time. A held request is a timeout at once here (SimFlinkApi waits for nothing),
// so the wall-clock isolation of a slow cluster on the worker pool stays that case's to test.

namespace {

const std::string kGoodJob = "d0000000000000000000000000000001";

}  // namespace

TEST_CASE("clusters that fail do not stop or delay the decisions of another", "[daemon-sim]") {
    SimFleet fleet(scenario("daemon-failing-clusters.yaml"));
    SimDaemon d(fleet, R"(clusters:
  - name: good
    url: http://good.sim:8081
  - name: down
    url: http://down.sim:8081
    connect-timeout: 1s
    request-timeout: 1s
  - name: slow
    url: http://slow.sim:8081
    connect-timeout: 1s
    request-timeout: 1s
    max-concurrent-requests: 2
)");
    const std::string good_key = "good/" + kGoodJob;
    const std::vector<std::string> slow_keys = {"slow/f0000000000000000000000000000001",
                                                "slow/f0000000000000000000000000000002"};
    ParallelismWatch watch(fleet, "good", kGoodJob, "KeyedAggregate");
    const auto observe = [&] { watch.observe(); };

    // The good job's first decision is due one metric window (20 s) after its first sample, and
    // its rescale comes with the pass after that: as without the failing clusters.
    const std::regex summary_re(
        R"((?:stabilizing|window not full): (\d+) sample(?:s|\(s\))(?: collected)?, window full at (\S+)$)");
    std::optional<Instant> full_at;
    REQUIRE(d.run_until(
        [&] {
            std::smatch m;
            const auto job = d.job(good_key);
            if (!job || !std::regex_match(job->summary, m, summary_re)) return false;
            full_at = flinkscaler::parse_instant(m[2].str());
            return true;
        },
        20s, observe));
    CHECK(*full_at - fleet.start() < 20s + 8s);

    REQUIRE(d.run_until([&] { return watch.current() == 8; }, 60s, observe));
    const auto job = *d.job(good_key);
    REQUIRE(job.last_rescale.has_value());
    CHECK(watch.sequence() == std::vector<int>{2, 8});
    CHECK(*job.last_rescale - *full_at < 5s);

    // One pass of the good job every round, whatever the others do.
    d.run_for(5s, observe);
    auto text = d.metrics();
    const double rounds = d.elapsed_s() + 1;
    CHECK(metric_sum(text, "flinkscaler_job_passes_total", {{"cluster", "good"}}) >= rounds - 2);

    // The failures on the board and in the log.
    CHECK(metric_value(text, "flinkscaler_cluster_up", {{"cluster", "down"}}) == 0);
    CHECK(metric_value(text, "flinkscaler_rest_errors_total", {{"cluster", "down"}, {"kind", "no_response"}}) > 0);
    CHECK(metric_value(text, "flinkscaler_rest_errors_total", {{"cluster", "slow"}, {"kind", "no_response"}}) > 0);
    CHECK(metric_value(text, "flinkscaler_cluster_up", {{"cluster", "good"}}) == 1);
    CHECK(metric_value(text, "flinkscaler_cluster_up", {{"cluster", "slow"}}) == 1);
    CHECK(metric_sum(text, "flinkscaler_rest_errors_total", {{"cluster", "good"}}) == 0);
    CHECK(metric_value(text, "flinkscaler_discoveries_total", {{"cluster", "down"}, {"result", "ok"}}) == 0);
    for (const auto& key : slow_keys) {
        const auto slow = d.job(key);
        REQUIRE(slow.has_value());
        CHECK(slow->phase == flinkscaler::service::JobPhase::Error);
        // The held request is a vertex metric query of the job; the error names the cluster and the call.
        CHECK_THAT(slow->last_error, Catch::StartsWith("cluster slow: GET /jobs/" + key.substr(5) + "/vertices/"));
    }
    const auto log = d.log();
    CHECK(count_matches(log, "cannot list jobs: .* cluster=down") == 1);  // logged on change only
    CHECK(watch.sequence() == std::vector<int>{2, 8});
}

// ---------------------------------------------------------------------------------------------
// daemon-guarded.yaml: a rescale Flink refuses, and a cluster that stops answering (issue 11)

namespace {

const std::string kRefusedJob = "f0000000000000000000000000000001";
const std::string kRefusedKey = "refuses/" + kRefusedJob;
const std::string kSteadyKey = "flaky/f0000000000000000000000000000002";

const std::string kGuardedClusters = R"(clusters:
  - name: refuses
    url: http://refuses.sim:8081
  - name: flaky
    url: http://flaky.sim:8081
)";

/// The rescale PUTs a cluster received, as (simulated second, status).
std::vector<std::pair<double, int>> rescale_puts(const SimFleet& fleet, const std::string& cluster) {
    std::vector<std::pair<double, int>> out;
    for (const auto& m : fleet.mutations(cluster))
        if (m.method == "PUT" && m.path.ends_with("/resource-requirements")) out.emplace_back(m.at_s, m.status);
    return out;
}

}  // namespace

// Before: the daemon sent the refused PUT again on every poll (65 times in 130 s) and showed
// "waiting for Flink to apply". Now: a RescaleRejected event with Flink's reason, a backoff of
// 1 min then 2 min, and after the third refusal in a row (service.rescale-failure-limit 3) the
// job is no longer rescaled: phase rescale_blocked, a RescaleBlocked event, nothing more sent.
TEST_CASE("a rescale Flink refuses is backed off and, after three in a row, no longer sent", "[daemon-sim]") {
    SimFleet fleet(scenario("daemon-guarded.yaml"));
    SimDaemon d(fleet, kGuardedClusters);
    using flinkscaler::service::JobPhase;

    // The first decision (KeyedAggregate 2 -> 8) comes after the 20 s window; its PUT is refused.
    REQUIRE(d.run_until([&] { return !rescale_puts(fleet, "refuses").empty(); }, 60s));
    const double first_put = rescale_puts(fleet, "refuses").front().first;
    CHECK(rescale_puts(fleet, "refuses").front().second == 400);
    d.run_for(5s);
    auto job = *d.job(kRefusedKey);
    CHECK(job.phase == JobPhase::RescaleRejected);
    CHECK_THAT(job.last_error, Catch::Contains("Flink refused the new resource requirements"));
    CHECK_THAT(job.summary, Catch::Contains("sent again at"));
    CHECK(job.rescale_failures_in_a_row == 1);
    REQUIRE(job.rescale_retry_at.has_value());
    CHECK(*job.rescale_retry_at - d.now() <= 60s);
    CHECK(job.rescales == 0);
    const auto rejected = d.events(kRefusedKey, "RescaleRejected");
    REQUIRE(rejected.size() == 1);
    // Flink's own reason (the simulator's RestHandlerException text) is carried into the event.
    CHECK_THAT(rejected[0].second, Catch::Contains("Flink refused the new resource requirements") &&
                                       Catch::Contains("simulated fault"));
    // The decision was committed before it was sent: its ScalingReport row exists.
    CHECK(d.events(kRefusedKey, "ScalingReport").size() == 1);

    // Four more minutes: two more attempts (after 1 min and after 2 more), then none.
    d.run_for(240s);
    const auto puts = rescale_puts(fleet, "refuses");
    INFO("PUT times (simulated s): " << [&] {
        std::string t;
        for (const auto& [at, status] : puts) t += std::to_string(at) + " ";
        return t;
    }());
    REQUIRE(puts.size() == 3);
    CHECK(puts[1].first - first_put >= 60);
    CHECK(puts[1].first - first_put < 60 + 3);
    CHECK(puts[2].first - puts[1].first >= 120);
    CHECK(puts[2].first - puts[1].first < 120 + 3);
    job = *d.job(kRefusedKey);
    CHECK(job.phase == JobPhase::RescaleBlocked);
    CHECK_THAT(job.summary, Catch::Contains("change the job's configuration or restart the daemon"));
    CHECK(d.events(kRefusedKey, "RescaleBlocked").size() == 1);
    CHECK(d.events(kRefusedKey, "ScalingReport").size() == 1);  // no new decision meanwhile
    const auto text = d.metrics();
    CHECK(metric_value(text, "flinkscaler_rescales_total", {{"cluster", "refuses"}, {"result", "rejected"}}) == 3);
    CHECK(metric_value(text, "flinkscaler_rescales_total", {{"cluster", "refuses"}, {"result", "applied"}}) == 0);
    CHECK(metric_value(text, "flinkscaler_jobs", {{"phase", "rescale_blocked"}}) == 1);
    CHECK(contains_line(d.log(), "3 rescales in a row were refused or did not land"));
}

// Before: the jobs of a cluster that cannot be listed kept their last phase with last_error null.
TEST_CASE("the jobs of a cluster that cannot be listed show cluster_unreachable with the error and its age",
          "[daemon-sim]") {
    SimFleet fleet(scenario("daemon-guarded.yaml"));
    SimDaemon d(fleet, kGuardedClusters);
    using flinkscaler::service::JobPhase;

    REQUIRE(d.run_until([&] { return d.job(kSteadyKey) && d.job(kSteadyKey)->phase == JobPhase::WindowNotFull; },
                        30s));
    CHECK(d.job(kSteadyKey)->last_error.empty());
    CHECK_FALSE(d.job(kSteadyKey)->error_since.has_value());
    // The port closes at 40 s.
    REQUIRE(d.run_until([&] { return d.elapsed_s() >= 50; }, 60s));
    auto job = *d.job(kSteadyKey);
    CHECK(job.phase == JobPhase::ClusterUnreachable);
    CHECK_THAT(job.last_error, Catch::Contains("cannot list the jobs of the cluster"));
    REQUIRE(job.error_since.has_value());
    const auto since = *job.error_since;
    CHECK(d.now() - since >= 5s);
    CHECK(d.now() - since <= 12s);
    CHECK(metric_value(d.metrics(), "flinkscaler_jobs", {{"phase", "cluster_unreachable"}}) == 1);
    // The error keeps its first time while it lasts, and clears when the cluster answers (100 s).
    REQUIRE(d.run_until([&] { return d.elapsed_s() >= 70; }, 30s));
    CHECK(d.job(kSteadyKey)->error_since == since);
    REQUIRE(d.run_until([&] { return d.job(kSteadyKey)->phase != JobPhase::ClusterUnreachable; }, 60s));
    CHECK(d.elapsed_s() >= 100);
    CHECK(d.job(kSteadyKey)->last_error.empty());
    CHECK_FALSE(d.job(kSteadyKey)->error_since.has_value());
}
