// SPDX-License-Identifier: Apache-2.0
#include "config/config_problem.hpp"

namespace flinkscaler::config {

std::string ConfigProblem::to_string() const {
    std::string out = file;
    if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    out += ": ";
    if (!key.empty()) out += "key '" + key + "': ";
    return out + message;
}

namespace {

std::string describe_problems(const std::vector<ConfigProblem>& problems) {
    if (problems.empty()) return "invalid configuration";
    std::string out;
    for (const auto& p : problems) out += (out.empty() ? "" : "\n") + p.to_string();
    return out;
}

}  // namespace

ConfigError::ConfigError(std::vector<ConfigProblem> problems_)
    : std::runtime_error(describe_problems(problems_)), problems(std::move(problems_)) {}

}  // namespace flinkscaler::config
