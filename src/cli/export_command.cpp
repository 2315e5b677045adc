// SPDX-License-Identifier: Apache-2.0
//
// `flinkscaler export (--config FILE | --database PATH) --job KEY [--since DURATION] [--out FILE]`: writes the raw
// samples the daemon recorded for one job as a replay document (docs/replay-format.md), so
// `flinkscaler evaluate` shows what the daemon decided and what other options would have done.
// The database is opened read-only: the daemon may keep running (WAL lets readers in). It is opened
// through the store registry, so --database also takes a store location (sqlite:PATH).
#include "cli/commands.hpp"
#include "store/export_replay.hpp"
#include "config/config_loader.hpp"
#include "store/open_store.hpp"

#include "flinkscaler/config_values.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>

namespace flinkscaler::cli {

namespace {

struct ExportArgs {
    std::string config;
    std::string database;
    std::string job;
    std::string since;
    std::string out;
};

int run_export(const ExportArgs& args) {
    try {
        Instant since = instant_from_epoch_ms(std::numeric_limits<std::int64_t>::min());
        if (!args.since.empty()) {
            Millis window{};
            try {
                window = parse_duration(args.since);
            } catch (const std::exception& e) {
                throw std::runtime_error("--since " + args.since + ": " + e.what());
            }
            if (window < Millis::zero()) throw std::runtime_error("--since " + args.since + ": must not be negative");
            since = std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()) - window;
        }
        if (args.database.empty() == args.config.empty())
            throw std::runtime_error("give either --config FILE or --database PATH");
        std::string database = args.database;
        if (database.empty()) database = config::load_service_config(args.config).service.state_database;
        auto db = store::open_state_reader(store::parse_store_location(database));
        const store::ReplayExport exported = store::export_replay(*db, args.job, since);
        for (const auto& note : exported.notes) std::cerr << "flinkscaler export: note: " << note << "\n";

        const std::string text = exported.document().dump(1) + "\n";
        if (args.out.empty()) {
            std::cout << text << std::flush;
            if (!std::cout) throw std::runtime_error("cannot write to standard output");
        } else {
            std::ofstream out(args.out);
            out << text;
            out.close();
            if (!out) throw std::runtime_error("cannot write " + args.out);
        }
        const auto& samples = exported.input.samples;
        std::cerr << "exported " << samples.size() << " sample(s) of " << args.job << " ("
                  << format_instant(samples.front().timestamp) << " to " << format_instant(samples.back().timestamp)
                  << ")" << (args.out.empty() ? "" : " to " + args.out) << "\n";
        return kExitOk;
    } catch (const std::exception& e) {
        std::cerr << "flinkscaler export: " << e.what() << "\n";
        return kExitInputError;
    }
}

}  // namespace

Command add_export_command(CLI::App& app) {
    auto args = std::make_shared<ExportArgs>();
    auto* cmd = app.add_subcommand("export", "Write the samples the daemon recorded for one job in the replay "
                                             "format (docs/replay-format.md), for `flinkscaler evaluate`");
    auto* database = cmd->add_option("--database", args->database, "The daemon's state database (opened read-only)");
    auto* config = cmd->add_option("--config,-c", args->config,
                                   "The daemon's config file: its service.state-database is read");
    database->excludes(config);
    cmd->add_option("--job", args->job, "Job key: <cluster>/<job id>")->required();
    cmd->add_option("--since", args->since,
                    "Only the samples of this last period, e.g. '2 h' or '30 min' (Flink duration syntax; "
                    "default: every recorded sample)");
    cmd->add_option("--out", args->out, "File to write (default: standard output)");
    return {cmd, [args] { return run_export(*args); }};
}

}  // namespace flinkscaler::cli
