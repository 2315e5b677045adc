// SPDX-License-Identifier: Apache-2.0
//
// The subcommands of the flinkscaler executable. Each registers itself on the CLI11 app and
// returns the process exit code when run.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace flinkscaler::cli {

/// A registered subcommand: `run` executes it after parsing and returns the exit code.
struct Command {
    CLI::App* app;
    std::function<int()> run;
};

Command add_check_config_command(CLI::App& app);
Command add_evaluate_command(CLI::App& app);
Command add_export_command(CLI::App& app);
Command add_options_command(CLI::App& app);
Command add_probe_command(CLI::App& app);
Command add_record_command(CLI::App& app);
Command add_run_command(CLI::App& app);
Command add_store_command(CLI::App& app);

/// Exit codes shared by all subcommands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInputError = 1;  ///< unreadable or invalid input file, bad option value
inline constexpr int kExitUsageError = 2;  ///< arguments that name nothing to work on (`store`)
inline constexpr int kExitRuntimeError = 3;  ///< the daemon could not run (store or endpoint unavailable)

}  // namespace flinkscaler::cli
