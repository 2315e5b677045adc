// SPDX-License-Identifier: Apache-2.0
//
// `flinkscaler options`: the reference table of every job.autoscaler.* option, generated from
// the declarations in the core so the docs cannot drift from the code.
#include "cli/commands.hpp"

#include "flinkscaler/options.hpp"

#include <iostream>

namespace flinkscaler::cli {

namespace {

std::string join(const std::vector<std::string_view>& keys) {
    std::string out;
    for (auto k : keys) out += (out.empty() ? "" : ", ") + std::string("`") + std::string(k) + "`";
    return out;
}

}  // namespace

Command add_options_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("options", "Print every job.autoscaler.* option with type, default and meaning "
                                              "(Markdown)");
    return {cmd, [] {
        std::cout << "| Key | Type | Default | Also read from | Meaning |\n|---|---|---|---|---|\n";
        for (const auto& spec : autoscaler_option_specs()) {
            std::vector<std::string_view> aliases = spec.fallback_keys;
            aliases.insert(aliases.end(), spec.deprecated_keys.begin(), spec.deprecated_keys.end());
            std::cout << "| `" << spec.key << "` | " << to_string(spec.type) << " | "
                      << (spec.default_value.empty() ? "(none)" : "`" + std::string(spec.default_value) + "`")
                      << " | " << join(aliases) << " | " << spec.description << " |\n";
        }
        return kExitOk;
    }};
}

}  // namespace flinkscaler::cli
