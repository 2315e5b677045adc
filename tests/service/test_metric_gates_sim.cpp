// SPDX-License-Identifier: Apache-2.0
//
// Metric-quality gates in the daemon's closed loop (issue 11, case 5): the real Daemon against
// an in-process simulated cluster whose job vanishes from the JobManager for 30 s and comes back
// (the simulator's `job_vanish` fault: a failover at its start). Its first sample back is read
// from Flink's metric store before that holds the new execution attempt: every IO counter of the
// job details is 0 and flagged `*-complete: false`, and the next sample counts every record since
// the restart. Used as a window, those two samples are a burst that never happened.
#include "sim_daemon.hpp"

#include "service/job_vocabulary.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using flinkscaler::service::JobPhase;
using flinkscaler::testing::ParallelismWatch;
using flinkscaler::testing::SimDaemon;
using flinkscaler::testing::SimFleet;
using flinkscaler::testing::TempDir;

namespace {

const std::string kJob = "e0000000000000000000000000000001";
const std::string kProcess = "e1000000000000000000000000000002";
const std::string kKey = "fo/" + kJob;

// One Flink 1.20 cluster (adaptive scheduler, metric fetcher every second) with one job whose
// keyed stage runs at 70 % load: 2800 records/s on 4 × 1000. With utilization.target 0.7 and
// catch-up.duration 0 its target capacity is 2800 / 0.7 = 4000 = its true processing rate, so
// the right decision is "no change" at every full window. The job vanishes at 60 s (a failover)
// and is listed again at 90 s. While it is away records keep arriving and the records read since
// the last checkpoint go back to the backlog, so it comes back with a real backlog that the keyed
// stage drains at 100 % busy: 4000 records/s processed, the backlog shrinking by 1200 records/s,
// target rate 4000 - 1200 = 2800 — still "no change".
const std::string kScenario = R"(time_scale: 1
seed: 5
clusters:
  - name: fo
    port: 0
    flink_version: "1.20.1"
    scheduler: adaptive
    taskmanagers: {count: 3, slots: 4}
    metrics: {update_interval: 1s}
    rescale: {cooldown: 2s}
    jobs:
      - name: orders-returning
        id: e0000000000000000000000000000001
        start: -10m
        checkpoint_interval: 10s
        vertices:
          - name: "Source: orders"
            id: e1000000000000000000000000000001
            parallelism: 1
            capacity: 20000
            input_rate: 2800
          - name: Process
            id: e1000000000000000000000000000002
            parallelism: 4
            max_parallelism: 120
            capacity: 1000
            inputs: [{from: "Source: orders", ship_strategy: HASH}]
          - name: "Sink: out"
            id: e1000000000000000000000000000003
            parallelism: 1
            capacity: 20000
            output_ratio: 0
            inputs: [Process]
    faults:
      - {kind: job_vanish, job: orders-returning, from: 60s, until: 90s}
)";

}  // namespace

TEST_CASE("a job that vanishes for 30 s and comes back is not scaled on the gap", "[daemon-sim][gates]") {
    TempDir scenario_dir;
    SimFleet fleet(scenario_dir.write("vanish.yaml", kScenario).string());
    SimDaemon d(fleet, "clusters:\n  - name: fo\n    url: http://fo.sim:8081\n");
    ParallelismWatch watch(fleet, "fo", kJob, "Process");
    // The distinct phases of the job on the status board, in order, with the summary of each.
    std::vector<std::pair<std::string, std::string>> phases;
    const auto observe = [&] {
        watch.observe();
        const auto job = d.job(kKey);
        if (!job) return;
        const std::string phase(to_string(job->phase));
        if (phases.empty() || phases.back().first != phase) phases.emplace_back(phase, job->summary);
    };

    // Before the vanish: full windows, 70 % load, no change.
    REQUIRE(d.run_until([&] { return d.elapsed_s() >= 58; }, 70s, observe));
    REQUIRE(d.job(kKey).has_value());
    CHECK(d.job(kKey)->phase == JobPhase::Decided);
    CHECK(watch.sequence() == std::vector<int>{4});

    // The vanish (60-90 s), the return, and two full windows after it. Without the gates the
    // first window after the return is anchored on the all-zero sample and Process goes 4 -> 10
    // (then 10 -> 5 once the window holds only real samples).
    const std::size_t before_vanish = phases.size();
    d.run_for(90s, observe);
    std::string trail;
    for (const auto& [phase, summary] : phases) trail += "\n  " + phase + ": " + summary;
    INFO("phases:" << trail);
    CHECK(watch.sequence() == std::vector<int>{4});
    CHECK(d.events(kKey, "RescaleApplied").empty());
    CHECK(d.events(kKey, "ScalingReport").empty());

    // The first sample back is gated, and the window restarts with the next one: one full window
    // of good samples before the next decision.
    std::vector<std::string> after;
    for (std::size_t i = before_vanish; i < phases.size(); ++i) after.push_back(phases[i].first);
    CHECK(after == std::vector<std::string>{"metrics_gated", "collecting", "window_not_full", "decided"});
    const auto gated =
        std::find_if(phases.begin(), phases.end(), [](const auto& p) { return p.first == "metrics_gated"; });
    REQUIRE(gated != phases.end());
    CHECK_THAT(gated->second, Catch::StartsWith("sample gated: vertex e1000000000000000000000000000001 read-records is "
                                                "incomplete (read-records-complete: false") &&
                                  Catch::EndsWith("; metric window restarts with the next good sample"));
    const auto job = d.job(kKey);
    REQUIRE(job.has_value());
    CHECK(job->phase == JobPhase::Decided);
    CHECK(job->skipped_passes.at(JobPhase::MetricsGated) == 1);
}
