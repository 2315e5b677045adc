// SPDX-License-Identifier: Apache-2.0
//
// `flinkscaler check-config FILE [--quiet]`: validates the daemon's config file exactly as
// `flinkscaler run` (and a SIGHUP reload) would read it, and lists every problem at once, one
// `FILE:LINE:COLUMN: key 'KEY': MESSAGE` per line, so an editor or CI can jump to each.
// `--reference` and `--json-schema` print what the key tables generate: the reference tables of
// docs/configuration.md and schema/config/flinkscaler-config.schema.json.
#include "cli/commands.hpp"

#include "config/config_loader.hpp"
#include "config/config_reference.hpp"

#include <iostream>
#include <memory>

namespace flinkscaler::cli {

namespace {

struct CheckConfigArgs {
    std::string file;
    bool quiet = false;
    bool reference = false;
    bool json_schema = false;
};

std::string count(std::size_t n, const std::string& singular, const std::string& plural) {
    return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

int run_check_config(const CheckConfigArgs& args) {
    if (args.reference) {
        std::cout << config::config_reference_markdown();
        return kExitOk;
    }
    if (args.json_schema) {
        std::cout << config::config_json_schema();
        return kExitOk;
    }
    try {
        const auto config = config::load_service_config(args.file);
        if (!args.quiet)
            std::cout << args.file << ": OK (" << count(config.clusters.size(), "cluster", "clusters") << ", "
                      << count(config.jobs.size(), "job override", "job overrides") << ")\n";
        return kExitOk;
    } catch (const config::ConfigError& e) {
        for (const auto& problem : e.problems) std::cerr << problem.to_string() << "\n";
        std::cerr << args.file << ": " << count(e.problems.size(), "problem", "problems") << "\n";
        return kExitInputError;
    } catch (const std::exception& e) {
        // The file cannot be read at all: one line, already naming the file.
        std::cerr << e.what() << "\n";
        return kExitInputError;
    }
}

}  // namespace

Command add_check_config_command(CLI::App& app) {
    auto args = std::make_shared<CheckConfigArgs>();
    auto* cmd = app.add_subcommand("check-config", "Validate a daemon config file (docs/configuration.md) and list "
                                                   "every problem with its line, column and key");
    auto* file = cmd->add_option("file", args->file, "Config file (YAML)");
    cmd->add_flag("--quiet,-q", args->quiet, "Print nothing when the file is valid (problems are still listed)");
    auto* reference = cmd->add_flag("--reference", args->reference,
                                    "Print the Markdown reference tables of every config key (docs/configuration.md)")
                          ->excludes(file);
    cmd->add_flag("--json-schema", args->json_schema,
                  "Print the JSON Schema of the config file (schema/config/flinkscaler-config.schema.json)")
        ->excludes(file)
        ->excludes(reference);
    // The file is required unless a generated document is asked for (the same error as before).
    cmd->callback([args] {
        if (args->file.empty() && !args->reference && !args->json_schema) throw CLI::RequiredError("file");
    });
    return {cmd, [args] { return run_check_config(*args); }};
}

}  // namespace flinkscaler::cli
