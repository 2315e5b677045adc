// SPDX-License-Identifier: Apache-2.0
//
// `flinkscaler probe URL [--job ID]`: connects to one Flink cluster the way the daemon will and
// shows what the autoscaler sees: version, slots, jobs with their effective state, scheduler and
// autoscaler options, and for running jobs the topology and one round of collected metrics.
#include "cli/cluster_options.hpp"
#include "flink/collector.hpp"
#include "cli/commands.hpp"
#include "flink/rescaler.hpp"

#include "flinkscaler/numeric.hpp"

#include <iostream>

namespace flinkscaler::cli {

namespace {

struct ProbeArgs {
    ClusterFlags cluster;
    std::string job;
};

std::string number(double x) {
    char buffer[64];
    return std::string(format_2_decimals(x, buffer));
}

void print_job(flink::FlinkApi& api, flink::MetricCollector& collector, const flink::JobOverview& job) {
    auto& out = std::cout;
    const Configuration conf = api.job_configuration(job.id);
    const AutoscalerOptions options = AutoscalerOptions::from(conf);
    out << "  scheduler: " << (options.scheduler.empty() ? "default" : options.scheduler)
        << (flink::uses_adaptive_scheduler(options) ? " (in-place rescaling possible)"
                                                    : " (in-place rescaling NOT possible: needs adaptive)")
        << "\n  job.autoscaler.enabled: " << (options.enabled ? "true" : "false") << "\n";
    if (job.effective_state() != "RUNNING") return;
    const auto collected = collector.collect(job.id);
    if (!collected) {
        out << "  not ready (no execution graph yet)\n";
        return;
    }
    out << "  running since " << format_instant(collected->running_since) << "\n";
    for (const auto& id : collected->topology.topological_order()) {
        const VertexInfo& v = collected->topology.get(id);
        const auto& raw = collected->metrics.vertices.at(id);
        const auto metric = [&](FlinkMetric m, double AggregatedMetric::*field) {
            auto it = raw.metrics.find(m);
            return it == raw.metrics.end() ? std::string("-") : number(it->second.*field);
        };
        out << "  - " << (v.name.empty() ? id : v.name) << " (" << id << ")\n"
            << "      parallelism " << v.parallelism << ", max parallelism " << v.max_parallelism;
        if (v.num_source_partitions > 0) out << ", source partitions " << v.num_source_partitions;
        for (const auto& [input, strategy] : v.inputs) out << ", input " << input.substr(0, 8) << " " << to_string(strategy);
        out << "\n      busy max " << metric(FlinkMetric::BUSY_TIME_PER_SEC, &AggregatedMetric::max) << " ms/s, records in "
            << number(raw.io.num_records_in) << ", out " << number(raw.io.num_records_out);
        if (collected->topology.is_source(id))
            out << ", backpressure avg " << metric(FlinkMetric::BACKPRESSURE_TIME_PER_SEC, &AggregatedMetric::avg)
                << " ms/s, pending " << metric(FlinkMetric::PENDING_RECORDS, &AggregatedMetric::sum);
        out << "\n";
    }
    for (const auto& warning : collected->warnings) out << "  warning: " << warning << "\n";
    if (flink::uses_adaptive_scheduler(options)) {
        out << "  resource requirements:";
        for (const auto& [vertex, r] : api.resource_requirements(job.id))
            out << " " << vertex.substr(0, 8) << "=[" << r.lower_bound << "," << r.upper_bound << "]";
        out << "\n";
    }
}

int run_probe(const ProbeArgs& args) {
    try {
        auto connection = std::make_shared<http::Connection>(args.cluster.settings());
        auto api = flink::make_rest_flink_api(args.cluster.url, connection);
        flink::MetricCollector collector(*api);
        const auto overview = api->overview();
        std::cout << "cluster " << args.cluster.url << ": Flink " << overview.version.text << ", "
                  << overview.task_managers << " TaskManager(s), " << overview.slots_total << " slots ("
                  << overview.slots_available << " free)\n";
        int failures = 0;
        for (const auto& job : api->list_jobs()) {
            if (!args.job.empty() && job.id != args.job) continue;
            std::cout << "job " << job.id << " \"" << job.name << "\": " << job.state;
            if (job.effective_state() != job.state) std::cout << " (effective " << job.effective_state() << ")";
            std::cout << "\n";
            try {
                print_job(*api, collector, job);
            } catch (const flink::MetricNotFound& e) {
                // Usual for a few seconds after a (re)start: Flink's metric fetcher has not
                // published the new tasks' metrics yet. Not a problem of the cluster.
                std::cout << "  not ready: " << e.what() << " (RUNNING since " << format_instant(e.running_since)
                          << "; Flink publishes task metrics some seconds after that, probe again)\n";
                ++failures;
            } catch (const std::exception& e) {  // one bad job must not hide the others
                std::cout << "  error: " << e.what() << "\n";
                ++failures;
            }
        }
        return failures == 0 ? kExitOk : kExitInputError;
    } catch (const std::exception& e) {
        std::cerr << "flinkscaler probe: " << e.what() << "\n";
        return kExitInputError;
    }
}

}  // namespace

Command add_probe_command(CLI::App& app) {
    auto args = std::make_shared<ProbeArgs>();
    auto* cmd = app.add_subcommand("probe", "Show what the autoscaler sees of one Flink cluster: jobs, scheduler, "
                                            "topology and one round of metrics");
    args->cluster.add_to(*cmd);
    cmd->add_option("--job", args->job, "Only this job id");
    return {cmd, [args] { return run_probe(*args); }};
}

}  // namespace flinkscaler::cli
