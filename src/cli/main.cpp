// SPDX-License-Identifier: Apache-2.0
#include "cli/commands.hpp"

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"flinkscaler: a standalone autoscaler for Apache Flink (FLIP-271)"};
    app.set_version_flag("--version", std::string("flinkscaler ") + FLINKSCALER_VERSION);
    app.require_subcommand(1);

    const flinkscaler::cli::Command commands[] = {
        flinkscaler::cli::add_check_config_command(app),
        flinkscaler::cli::add_evaluate_command(app),
        flinkscaler::cli::add_export_command(app),
        flinkscaler::cli::add_options_command(app),
        flinkscaler::cli::add_probe_command(app),
        flinkscaler::cli::add_record_command(app),
        flinkscaler::cli::add_run_command(app),
        flinkscaler::cli::add_store_command(app),
    };

    CLI11_PARSE(app, argc, argv);
    for (const auto& command : commands)
        if (command.app->parsed()) return command.run();
    return 0;
}
