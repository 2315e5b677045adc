// SPDX-License-Identifier: Apache-2.0
//
// What collecting costs per job, end to end through flinkscaler's REST client but without
// sockets: N jobs of 10 vertices in one simulated cluster (tests/sim), and for every pass of
// simulated time (15 s apart) discovery (GET /jobs/overview) plus, for each job, its details and
// the metric collector, all through the in-process SimFlinkApi (real request building, real
// parsers, the simulator's REST layer and model). Prints requests per job-pass, CPU per
// job-pass (simulator included: it is the Flink side) and the peak RSS. Asserts nothing.
//
//   ./build/bench/collector-bench [--quick]
#include "flink/collector.hpp"
#include "sim/inprocess/sim_flink_api.hpp"
#include "sim/rest/scenario.hpp"

#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace flinkscaler;

namespace {

constexpr int kVertices = 10;
constexpr double kPassInterval_s = 15;

/// One 1.20 cluster with `jobs` jobs, each a chain of 10 vertices (a source, 8 operators, a sink)
/// at parallelism 2, and enough TaskManagers (4 slots each) for all of them.
std::string scenario_text(int jobs) {
    std::string text = "clusters:\n"
                       "  - name: bench\n"
                       "    flink_version: \"1.20.1\"\n"
                       "    taskmanagers: {count: " + std::to_string((jobs * 2 + 3) / 4) + ", slots: 4}\n"
                       "    jobs:\n";
    for (int j = 0; j < jobs; ++j) {
        text += "      - name: job-" + std::to_string(j) + "\n        vertices:\n";
        text += "          - {name: \"Source: in\", parallelism: 2, capacity: 5000, input_rate: " +
                std::to_string(2000 + 10 * j) + "}\n";
        std::string previous = "\"Source: in\"";
        for (int v = 1; v + 1 < kVertices; ++v) {
            const std::string name = "op-" + std::to_string(v);
            text += "          - {name: " + name + ", parallelism: 2, capacity: " + std::to_string(3000 + 100 * v) +
                    ", inputs: [{from: " + previous + ", ship_strategy: " + (v % 2 ? "HASH" : "FORWARD") + "}]}\n";
            previous = name;
        }
        text += "          - {name: \"Sink: out\", parallelism: 2, capacity: 20000, output_ratio: 0, inputs: [" +
                previous + "]}\n";
    }
    return text;
}

struct Row {
    int jobs = 0;
    int passes = 0;
    double requests_per_job_pass = 0;
    double cpu_ms_per_job_pass = 0;
    long peak_rss_kib = 0;
};

Row measure(int jobs, int passes) {
    const auto scenario = sim::parse_scenario(scenario_text(jobs), "bench.yaml", ".");
    const auto& c = scenario.clusters.at(0);
    sim::ClusterState cluster(c.spec, c.jobs, c.settings, scenario.seed);
    double t_s = 0;
    sim::SimFlinkApi api(cluster, [&] { return cluster.epoch().at(t_s); });
    flink::MetricCollector collector(api);

    // Warm-up pass (not measured): Flink's metric fetcher answers its first requests empty.
    for (const auto& job : api.list_jobs()) {
        try {
            (void)collector.collect(job.id);
        } catch (const flink::MetricNotFound&) {
        }
    }
    const auto requests_before = api.requests();
    const std::clock_t cpu_before = std::clock();
    int collected = 0;
    for (int pass = 1; pass <= passes; ++pass) {
        t_s = pass * kPassInterval_s;
        for (const auto& job : api.list_jobs()) {
            (void)api.job_details(job.id);  // what the daemon reads before deciding to collect
            if (collector.collect(job.id)) ++collected;
        }
    }
    const double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_before) / CLOCKS_PER_SEC;
    if (collected != jobs * passes)
        throw std::runtime_error("only " + std::to_string(collected) + " of " + std::to_string(jobs * passes) +
                                 " job-passes collected");
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double job_passes = static_cast<double>(jobs) * passes;
    return Row{jobs, passes, static_cast<double>(api.requests() - requests_before) / job_passes, cpu_ms / job_passes,
               usage.ru_maxrss};
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const int passes = quick ? 4 : 10;
    const std::vector<int> job_counts = quick ? std::vector<int>{10, 50} : std::vector<int>{10, 100, 300};
    std::printf("collector through SimFlinkApi: %d vertices per job, %d passes %.0f s of simulated time apart\n\n",
                kVertices, passes, kPassInterval_s);
    std::printf("%6s  %7s  %20s  %20s  %14s\n", "jobs", "passes", "requests / job-pass", "CPU ms / job-pass",
                "peak RSS MiB");
    for (const int jobs : job_counts) {
        const Row r = measure(jobs, passes);
        std::printf("%6d  %7d  %20.2f  %20.3f  %14.1f\n", r.jobs, r.passes, r.requests_per_job_pass,
                    r.cpu_ms_per_job_pass, static_cast<double>(r.peak_rss_kib) / 1024.0);
    }
    std::printf("\nCPU covers both sides (client and simulated Flink); discovery is one request per pass for all "
                "jobs.\nPeak RSS is the process's so far (rows run in order, so it only grows).\n");
    return 0;
}
