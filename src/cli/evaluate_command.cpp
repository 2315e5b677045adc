// SPDX-License-Identifier: Apache-2.0
//
// `flinkscaler evaluate FILE.json [--set key=value ...] [--format table|json]`: replays a
// recorded job through the scaling core and prints the evaluated metrics and the decision.
#include "cli/commands.hpp"

#include "flinkscaler/job_state.hpp"
#include "flinkscaler/numeric.hpp"
#include "flinkscaler/options.hpp"
#include "replay/replay.hpp"
#include "flinkscaler/report.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace flinkscaler::cli {

namespace {

struct EvaluateArgs {
    std::string file;
    std::vector<std::string> settings;
    std::string format = "table";
    bool all_cycles = false;
    std::string state_out;
};

Configuration parse_settings(const std::vector<std::string>& settings) {
    Configuration overrides;
    for (const auto& setting : settings) {
        const auto eq = setting.find('=');
        if (eq == std::string::npos || eq == 0)
            throw std::invalid_argument("--set expects key=value, got \"" + setting + "\"");
        const std::string key = setting.substr(0, eq);
        // The same check and wording as check-config: an unknown key is a typo, never a no-op.
        if (const auto problem = option_key_problem(key); !problem.empty())
            throw std::invalid_argument("--set " + key + ": " + problem);
        overrides[key] = setting.substr(eq + 1);
    }
    return overrides;
}

nlohmann::json read_json_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error(path + ": not valid JSON: " + e.what());
    }
}

void print_events(std::ostream& out, const Events& events, const std::string& indent) {
    for (const auto& e : events) out << indent << to_string(e.type) << " " << e.reason << ": " << e.message << "\n";
}

void print_table(const ReplayInput& input, const ReplayRun& run, bool all_cycles) {
    auto& out = std::cout;
    out << "job: " << (input.job_name.empty() ? "(unnamed)" : input.job_name) << ", " << input.samples.size()
        << " samples, window " << std::chrono::duration_cast<std::chrono::seconds>(run.options.metrics_window).count()
        << " s, target utilization " << run.options.utilization_target << "\n\ncycles:\n";
    const ReplayCycle* last_evaluated = nullptr;
    std::size_t last_index = 0;
    const auto topology_at = [&](std::size_t i) { return JobTopology(input.samples[i].vertices); };
    for (std::size_t i = 0; i < run.cycles.size(); ++i) {
        const auto& cycle = run.cycles[i];
        out << "  " << format_instant(cycle.timestamp) << "  ";
        if (!cycle.error.empty()) {
            out << "error: " << cycle.error << "\n";
            continue;
        }
        out << to_string(cycle.result->stage) << "  " << cycle.result->summary << "\n";
        if (cycle.result->evaluated) {
            last_evaluated = &cycle;
            last_index = i;
        }
        if (all_cycles && cycle.result->decision) {
            const auto topology = topology_at(i);
            out << render_report_table(*cycle.result->evaluated, *cycle.result->decision, &topology);
        }
    }
    if (last_evaluated == nullptr) {
        out << "\nno cycle could be evaluated (at least two samples are needed)\n";
        return;
    }
    const CycleResult& r = *last_evaluated->result;
    const auto topology = topology_at(last_index);
    out << "\nlast evaluated cycle: " << format_instant(last_evaluated->timestamp) << "\n";
    if (r.decision) {
        out << render_report_table(*r.evaluated, *r.decision, &topology);
        if (!r.decision->events.empty()) {
            out << "events:\n";
            print_events(out, r.decision->events, "  ");
        }
    } else {
        ScalingDecision pending;
        pending.outcome = DecisionOutcome::NoChange;
        pending.reason = "no decision yet: " + r.summary;
        for (const auto& [vertex, metrics] : r.evaluated->vertex_metrics) {
            const int p = to_int(current_of(metrics, ScalingMetric::PARALLELISM));
            pending.vertices.push_back({vertex, p, p, false, r.excluded_this_cycle.count(vertex) > 0, ""});
        }
        out << render_report_table(*r.evaluated, pending, &topology);
    }
}

void print_json(const ReplayRun& run) {
    nlohmann::json cycles = nlohmann::json::array();
    for (const auto& cycle : run.cycles) {
        nlohmann::json c = {{"timestamp", format_instant(cycle.timestamp)}};
        if (!cycle.error.empty()) {
            c["error"] = cycle.error;
        } else {
            const auto& r = *cycle.result;
            c["stage"] = std::string(to_string(r.stage));
            c["summary"] = r.summary;
            c["stabilizing"] = r.stabilizing;
            c["restartDetected"] = r.restart_detected;
            c["windowFullAt"] = format_instant(r.window_full_at);
            c["restartTimeSeconds"] = r.restart_time.count();
            if (r.gated)
                c["gated"] = {{"gate", to_string(r.gated->gate)}, {"vertex", r.gated->vertex},
                              {"value", r.gated->value.name()}, {"path", cycle.gated_at}, {"reason", r.gated->reason}};
            if (r.evaluated) c["evaluated"] = evaluated_metrics_json(*r.evaluated);
            if (r.decision) c["decision"] = report_json(*r.evaluated, *r.decision);
        }
        cycles.push_back(std::move(c));
    }
    std::cout << nlohmann::json{{"cycles", cycles}, {"state", to_json(run.final_state)}}.dump(2) << "\n";
}

int run_evaluate(const EvaluateArgs& args) {
    try {
        const ReplayInput input = parse_replay(read_json_file(args.file));
        const ReplayRun run = run_replay(input, parse_settings(args.settings));
        if (args.format == "json") print_json(run);
        else print_table(input, run, args.all_cycles);
        if (!args.state_out.empty()) {
            std::ofstream out(args.state_out);
            out << to_json(run.final_state).dump(2) << "\n";
            if (!out) throw std::runtime_error("cannot write " + args.state_out);
        }
        return kExitOk;
    } catch (const std::exception& e) {
        std::cerr << "flinkscaler evaluate: " << args.file << ": " << e.what() << "\n";
        return kExitInputError;
    }
}

}  // namespace

Command add_evaluate_command(CLI::App& app) {
    auto args = std::make_shared<EvaluateArgs>();
    auto* cmd = app.add_subcommand("evaluate", "Replay a recorded job (docs/replay-format.md) through the scaling "
                                               "algorithm and print the evaluated metrics and the decision");
    cmd->add_option("file", args->file, "Replay file (JSON)")->required();
    cmd->add_option("--set", args->settings, "Override an option, e.g. --set job.autoscaler.utilization.target=0.5")
        ->take_all();
    cmd->add_option("--format", args->format, "Output format")->check(CLI::IsMember({"table", "json"}));
    cmd->add_flag("--all-cycles", args->all_cycles, "Print the report table of every decided cycle (table format)");
    cmd->add_option("--state-out", args->state_out, "Write the job state after the last cycle to this file (JSON)");
    return {cmd, [args] { return run_evaluate(*args); }};
}

}  // namespace flinkscaler::cli
