// SPDX-License-Identifier: Apache-2.0
//
// `flinkscaler record URL --job ID --out FILE`: collects samples of one running job at a fixed
// interval and writes them in the replay format, so `flinkscaler evaluate` can replay real
// history with any options.
#include "cli/cluster_options.hpp"
#include "flink/collector.hpp"
#include "cli/commands.hpp"

#include "flinkscaler/config_values.hpp"
#include "flinkscaler/option_layers.hpp"
#include "replay/replay.hpp"

#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

namespace flinkscaler::cli {

namespace {

struct RecordArgs {
    ClusterFlags cluster;
    std::string job;
    int samples = 10;
    std::string interval = "10 s";
    std::string out;
};

volatile std::sig_atomic_t g_stop = 0;

int run_record(const RecordArgs& args) {
    try {
        const Millis interval = parse_duration(args.interval);
        auto connection = std::make_shared<http::Connection>(args.cluster.settings());
        auto api = flink::make_rest_flink_api(args.cluster.url, connection);
        flink::MetricCollector collector(*api);

        ReplayInput recording;
        // Only what the algorithm reads goes into the recording (the JM configuration holds much more).
        recording.options = autoscaler_relevant(api->job_configuration(args.job));
        std::string name;
        for (const auto& job : api->list_jobs())
            if (job.id == args.job) name = job.name;
        if (name.empty()) throw std::runtime_error("job " + args.job + " is not listed by " + args.cluster.url);

        std::signal(SIGINT, [](int) { g_stop = 1; });
        std::signal(SIGTERM, [](int) { g_stop = 1; });
        for (int i = 0; i < args.samples && !g_stop; ++i) {
            if (i > 0) {
                for (auto slept = Millis::zero(); slept < interval && !g_stop; slept += Millis(100))
                    std::this_thread::sleep_for(Millis(100));
                if (g_stop) break;
            }
            const auto now = std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
            try {
                auto collected = collector.collect(args.job);
                if (!collected) {
                    std::cerr << "sample " << i + 1 << ": job not ready, skipped\n";
                    continue;
                }
                recording.samples.push_back({now, collected->running_since,
                                             std::vector<VertexInfo>(), std::move(collected->metrics)});
                for (const auto& [id, v] : collected->topology.vertices()) recording.samples.back().vertices.push_back(v);
                std::cerr << "sample " << i + 1 << "/" << args.samples << " at " << format_instant(now) << "\n";
            } catch (const flink::MetricNotFound& e) {
                std::cerr << "sample " << i + 1 << ": skipped: " << e.what() << "\n";
            }
        }
        if (recording.samples.empty()) throw std::runtime_error("no sample could be collected");
        std::ofstream out(args.out);
        out << replay_document(recording, {{"cluster", args.cluster.url}, {"jobId", args.job}, {"name", name}}).dump(1)
            << "\n";
        if (!out) throw std::runtime_error("cannot write " + args.out);
        std::cerr << "wrote " << recording.samples.size() << " samples to " << args.out << "\n";
        return kExitOk;
    } catch (const std::exception& e) {
        std::cerr << "flinkscaler record: " << e.what() << "\n";
        return kExitInputError;
    }
}

}  // namespace

Command add_record_command(CLI::App& app) {
    auto args = std::make_shared<RecordArgs>();
    auto* cmd = app.add_subcommand("record", "Record samples of one running job in the replay format "
                                             "(docs/replay-format.md)");
    args->cluster.add_to(*cmd);
    cmd->add_option("--job", args->job, "Job id")->required();
    cmd->add_option("--samples", args->samples, "Number of samples")->check(CLI::Range(1, 100000));
    cmd->add_option("--interval", args->interval, "Time between samples (Flink duration syntax)");
    cmd->add_option("--out", args->out, "Replay file to write")->required();
    return {cmd, [args] { return run_record(*args); }};
}

}  // namespace flinkscaler::cli
