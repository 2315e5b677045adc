// SPDX-License-Identifier: Apache-2.0
//
// `flinkscaler store check (PATH | --config FILE)`: the full integrity check of a state store, its
// schema version, its rows per table and every stored value decoded (docs/state-store.md). Exit 0
// when sound, 1 when not, 2 on usage errors. Read-only and without the owner lock: it runs beside
// the daemon.
//
// `flinkscaler store recover (PATH | --config FILE) --out NEW`: copies every row still readable
// into the new store NEW, then checks NEW. Exit 0 when NEW is sound, 1 when the recovery failed or
// NEW is not sound, 2 on usage errors.
#include "cli/commands.hpp"

#include "config/config_loader.hpp"
#include "store/open_store.hpp"

#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace flinkscaler::cli {

namespace {

struct StoreArgs {
    CLI::App* check = nullptr;
    CLI::App* recover = nullptr;
    std::string path;
    std::string config;
    std::string out;
};

/// The store the arguments name, or nullopt after printing why they name none (usage error).
std::optional<store::StoreSettings> store_of(const std::string& command, const StoreArgs& args) {
    const std::string prefix = "flinkscaler store " + command + ": ";
    if (args.path.empty() == args.config.empty()) {
        std::cerr << prefix << "give the store's path or --config FILE (one of the two)\n";
        return std::nullopt;
    }
    try {
        if (!args.path.empty()) return store::parse_store_location(args.path);
        const auto config = config::load_service_config(args.config);
        store::StoreSettings settings = store::StoreSettings::sqlite_file(config.service.state_database);
        settings.backend = config.service.state_store_backend;
        return settings;
    } catch (const config::ConfigError& e) {
        for (const auto& problem : e.problems) std::cerr << problem.to_string() << "\n";
        std::cerr << prefix << args.config << " has " << e.problems.size() << " problem(s)\n";
    } catch (const std::exception& e) {
        std::cerr << prefix << e.what() << "\n";
    }
    return std::nullopt;
}

void print_check(const store::StoreCheckReport& report) {
    std::cout << "state store " << report.location << "\n";
    if (report.integrity == std::vector<std::string>{"ok"}) {
        std::cout << "integrity check: ok\n";
    } else if (!report.integrity.empty()) {
        std::cout << "integrity check: " << report.integrity.size() << " problem(s)"
                  << (static_cast<int>(report.integrity.size()) >= store::kIntegrityCheckProblems ? " or more" : "")
                  << "\n";
        for (const auto& line : report.integrity) std::cout << "  " << line << "\n";
    }
    if (report.schema_version)
        std::cout << "schema version: " << *report.schema_version << " (this build: " << report.latest_schema_version
                  << ")\n";
    for (const auto& table : report.tables) {
        std::cout << "table " << table.table << ": ";
        if (table.rows) std::cout << *table.rows << " row(s)\n";
        else std::cout << "cannot count: " << table.error << "\n";
    }
    if (!report.tables.empty()) {
        std::cout << "values decoded: " << report.values_decoded << ", unreadable: " << report.unreadable_count << "\n";
        for (const auto& line : report.unreadable) std::cout << "  " << line << "\n";
        if (report.unreadable_count > static_cast<std::int64_t>(report.unreadable.size()))
            std::cout << "  ... (" << report.unreadable_count - static_cast<std::int64_t>(report.unreadable.size())
                      << " more)\n";
    }
    if (report.last_owner)
        std::cout << "last owner: " << report.last_owner->describe()
                  << " (its lock file; the lock is held only while that process runs)\n";
    if (report.sound()) {
        std::cout << "sound\n";
    } else {
        std::cout << "NOT SOUND:\n";
        for (const auto& problem : report.problems) std::cout << "  " << problem << "\n";
    }
}

int run_check(const StoreArgs& args) {
    const auto settings = store_of("check", args);
    if (!settings) return kExitUsageError;
    try {
        const store::StoreCheckReport report = store::check_state_store(*settings);
        print_check(report);
        if (!report.sound())
            std::cerr << "flinkscaler store check: " << report.location
                      << " is not sound; `flinkscaler store recover` copies what is readable into a new store "
                         "(docs/state-store.md)\n";
        return report.sound() ? kExitOk : kExitInputError;
    } catch (const std::exception& e) {
        std::cerr << "flinkscaler store check: " << e.what() << "\n";
        return kExitInputError;
    }
}

int run_recover(const StoreArgs& args) {
    if (args.out.empty()) {
        std::cerr << "flinkscaler store recover: --out NEW is required (the new store to write)\n";
        return kExitUsageError;
    }
    const auto settings = store_of("recover", args);
    if (!settings) return kExitUsageError;
    try {
        const store::StoreSettings out = store::parse_store_location(args.out);
        const store::RecoveryReport report = store::recover_state_store(*settings, out);
        std::cout << "recovered " << (settings->backend == "sqlite" ? settings->path : settings->url) << " into "
                  << args.out << "\n";
        for (const auto& table : report.tables)
            std::cout << "table " << table.table << ": " << table.copied << " row(s) copied, " << table.skipped
                      << " skipped\n";
        for (const auto& why : report.skipped) std::cout << "  skipped: " << why << "\n";
        std::cout << "\ncheck of the new store:\n";
        print_check(report.check);
        if (!report.check.sound()) {
            std::cerr << "flinkscaler store recover: the new store " << args.out << " is not sound\n";
            return kExitInputError;
        }
        return kExitOk;
    } catch (const std::exception& e) {
        std::cerr << "flinkscaler store recover: " << e.what() << "\n";
        return kExitInputError;
    }
}

}  // namespace

Command add_store_command(CLI::App& app) {
    auto args = std::make_shared<StoreArgs>();
    auto* cmd = app.add_subcommand("store", "Check a state store, or recover what is readable of a damaged one "
                                            "(docs/state-store.md)");
    // Not require_subcommand(): CLI11 would exit 106; a missing subcommand is a usage error (2).
    cmd->require_subcommand(0, 1);

    args->check = cmd->add_subcommand("check", "Full integrity check, schema version, rows per table and every "
                                               "stored value decoded; exit 0 when sound, 1 when not (read-only: "
                                               "runs beside the daemon)");
    args->check->add_option("path", args->path, "The store: a SQLite file (or sqlite:PATH)");
    args->check->add_option("--config,-c", args->config, "The daemon's config file: its state store is checked");

    args->recover = cmd->add_subcommand("recover", "Copy every readable row of a damaged store into a new store, "
                                                   "then check it");
    args->recover->add_option("path", args->path, "The damaged store: a SQLite file (or sqlite:PATH)");
    args->recover->add_option("--config,-c", args->config, "The daemon's config file: its state store is read");
    args->recover->add_option("--out,-o", args->out, "The new store to write (must not exist)");

    return {cmd, [args] {
                if (args->check->parsed()) return run_check(*args);
                if (args->recover->parsed()) return run_recover(*args);
                std::cerr << "flinkscaler store: give a subcommand: check or recover (flinkscaler store --help)\n";
                return kExitUsageError;
            }};
}

}  // namespace flinkscaler::cli
