// SPDX-License-Identifier: Apache-2.0
//
// How much CPU one job cycle of the scaling core costs (collect -> evaluate -> decide), for
// pipelines of several widths and metric windows of several lengths, and how large the job's
// state is when serialised. Prints a table; asserts nothing.
//
//   ./build/bench/core-cycle-bench [--quick]
#include "synthetic_job.hpp"

#include "flinkscaler/cycle.hpp"
#include "flinkscaler/job_state.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace flinkscaler;
using Clock = std::chrono::steady_clock;

namespace {

struct Row {
    int vertices;
    int window_samples;
    double micros_per_cycle;
    std::size_t state_bytes;
};

Row measure(int vertices, int window_samples, int cycles) {
    const JobTopology topology(bench::linear_pipeline(vertices));
    Configuration conf{{"job.autoscaler.enabled", "true"},
                       {"job.autoscaler.metrics.window", std::to_string(window_samples * 10) + " s"},
                       {"job.autoscaler.stabilization.interval", "0 s"}};
    const AutoscalerOptions options = AutoscalerOptions::from(conf);
    JobState state;
    const Instant start = instant_from_epoch_ms(1'800'000'000'000);
    // Fill the window first (not measured), then time steady-state cycles.
    int t = 0;
    for (; t < window_samples + 1; ++t)
        run_cycle(options, state, {topology, start, bench::steady_sample(topology, t, t * 10.0), start + std::chrono::seconds(t * 10), {}, {}});
    const auto begin = Clock::now();
    for (int i = 0; i < cycles; ++i, ++t)
        run_cycle(options, state, {topology, start, bench::steady_sample(topology, t, t * 10.0), start + std::chrono::seconds(t * 10), {}, {}});
    const double micros = std::chrono::duration<double, std::micro>(Clock::now() - begin).count() / cycles;
    return {vertices, window_samples, micros, to_json(state).dump().size()};
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const int cycles = quick ? 20 : 200;
    std::printf("core cycle (collect -> evaluate -> decide), steady load, %d timed cycles per row\n\n", cycles);
    std::printf("%8s  %14s  %14s  %14s  %18s\n", "vertices", "window samples", "us per cycle", "state bytes",
                "jobs per core in 10 s");
    for (int vertices : {3, 10, 30}) {
        for (int window : {6, 30, 90}) {
            const Row r = measure(vertices, window, cycles);
            std::printf("%8d  %14d  %14.1f  %14zu  %18.0f\n", r.vertices, r.window_samples, r.micros_per_cycle,
                        r.state_bytes, 10e6 / r.micros_per_cycle);
        }
    }
    std::printf("\nwindow samples = metrics.window / poll interval (90 = the default 15 min at 10 s).\n"
                "The REST calls of a cycle are not included.\n");
    return 0;
}
