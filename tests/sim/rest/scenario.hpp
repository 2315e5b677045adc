// SPDX-License-Identifier: Apache-2.0
//
// The YAML scenario format of flink-sim (documented key by key in tests/sim/README.md). Loading
// validates everything, including what the model would refuse (cycles, jobs that do not fit
// the slots), and reports the first problem as a ScenarioError with file, line and key.
#pragma once

#include "sim/model/cluster_spec.hpp"
#include "sim/rest/cluster_settings.hpp"
#include "sim/rest/yaml_field.hpp"
#include "sim/rest/yarn_spec.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flinkscaler::sim {

struct ClusterScenario {
    ClusterSpec spec;
    std::vector<JobSpec> jobs;
    ClusterSettings settings;
};

struct Scenario {
    double time_scale = 1.0;                    ///< simulated seconds per wall-clock second
    std::optional<std::int64_t> start_epoch_ms; ///< unset: wall clock when the simulator starts
    std::uint64_t seed = 1;
    std::vector<ClusterScenario> clusters;
    std::optional<YarnSpec> yarn;  ///< the optional `yarn:` section (ResourceManagers, applications)
};

/// Read and validate a scenario file. Trace files are read relative to its directory.
Scenario load_scenario(const std::string& path);
/// Same from text (`file_name` is used in messages, `base_dir` for trace files).
Scenario parse_scenario(const std::string& text, const std::string& file_name, const std::string& base_dir);

/// The `yarn:` section, validated against the clusters read before it (scenario_yarn.cpp).
YarnSpec parse_yarn_section(const YamlField& section, const std::vector<ClusterScenario>& clusters);

}  // namespace flinkscaler::sim
