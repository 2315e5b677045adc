// SPDX-License-Identifier: Apache-2.0
//
// The option key space and the precedence of option layers (architecture.md "Configuration
// precedence"): which keys of a Flink configuration the autoscaler reads, which spellings name one
// option, and how a higher layer is laid over a lower one. Declared once here and used by the
// option parser (options.cpp), the config file reader (src/config) and the commands that read a
// job's Flink configuration (`record`, `probe`).
//
// A key is one of:
//   - an autoscaler option: job.autoscaler.*, or the operator's kubernetes.operator.job.autoscaler.*
//     spelling of it (every option also answers to it, see options.hpp);
//   - a foreign option: one of the few Flink options outside job.autoscaler.* the algorithm reads
//     (algorithm.md §5.5);
//   - a plugin parameter: a key under a plugin instance prefix (algorithm.md §5.2 templates),
//     which flinkscaler accepts from a job's Flink configuration but has no use for (no plugins).
#pragma once

#include "flinkscaler/options.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler {

/// The prefix of every autoscaler option.
inline constexpr std::string_view kAutoscalerPrefix = "job.autoscaler.";
/// The Kubernetes operator's prefix: kubernetes.operator.<key> is a fallback spelling of <key>.
inline constexpr std::string_view kOperatorPrefix = "kubernetes.operator.";

/// The foreign options (algorithm.md §5.5), each named once.
inline constexpr std::string_view kSchedulerKey = "jobmanager.scheduler";
inline constexpr std::string_view kParallelismOverridesKey = "pipeline.jobvertex-parallelism-overrides";
inline constexpr std::string_view kTaskSlotsKey = "taskmanager.numberOfTaskSlots";
inline constexpr std::string_view kProcessMemoryKey = "taskmanager.memory.process.size";
inline constexpr std::array<std::string_view, 4> kForeignOptionKeys = {
    kSchedulerKey,
    kParallelismOverridesKey,
    kTaskSlotsKey,
    kProcessMemoryKey,
};

/// The prefixes under which plugin instances take free-form parameters (algorithm.md §5.2).
inline constexpr std::array<std::string_view, 3> kPluginParameterPrefixes = {
    "job.autoscaler.scaling.parallelism-alignment.mode.",
    "job.autoscaler.metrics.custom-evaluator.",
    "job.autoscaler.scaling.custom-executor.",
};

/// `key` without the operator prefix when it is a kubernetes.operator.job.autoscaler.* key;
/// otherwise `key` itself. A view into `key`.
std::string_view canonical_option_key(std::string_view key);

/// True for a key under a plugin instance prefix (either spelling).
bool is_plugin_parameter(std::string_view key);

/// True for the keys the daemon reads from option maps and from a job's Flink configuration:
/// job.autoscaler.*, kubernetes.operator.job.autoscaler.* and the foreign options.
bool is_autoscaler_key(const std::string& key);

/// The entries of `conf` whose key is_autoscaler_key (a JobManager reports far more).
Configuration autoscaler_relevant(const Configuration& conf);

/// The spelling group of a declared option key: every spelling of one option (main, fallback and
/// deprecated keys) has the same group, and so have the two alignment-mode options (the new key
/// wins over the legacy one whenever it is present). nullopt for a key that is not declared.
std::optional<std::size_t> option_alias_group(std::string_view key);

/// Every key a user may mean when mistyping an option key: every spelling of every declared
/// option and the foreign keys (for "did you mean" hints).
const std::vector<std::string_view>& known_option_keys();

/// `top` laid over `base`, one precedence level up. Setting any spelling of an option (main,
/// fallback or deprecated key, or either of the two alignment-mode keys) removes every other
/// spelling of it from `base` first, so a higher level always wins even when the two levels
/// spell the option differently (present_key would otherwise prefer the main key of `base`).
void overlay(Configuration& base, const Configuration& top);

}  // namespace flinkscaler
