// SPDX-License-Identifier: Apache-2.0
//
// Every job.autoscaler.* option of the reference (algorithm.md §5), declared once as data
// (key, type, default, fallback and deprecated keys, description) and parsed from Flink-style
// strings into one typed struct.
//
//   Configuration conf{{"job.autoscaler.enabled", "true"}, {"job.autoscaler.metrics.window", "5 min"}};
//   AutoscalerOptions options = AutoscalerOptions::from(conf);   // throws OptionError on a bad value
#pragma once

#include "flinkscaler/time.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler {

/// A Flink configuration: key -> raw string value, exactly as Flink stores it.
using Configuration = std::map<std::string, std::string>;

/// A value that cannot be parsed. what() names the key actually used and quotes the value.
struct OptionError : std::invalid_argument {
    std::string key;
    std::string value;
    OptionError(std::string key, std::string value, const std::string& problem);
};

enum class OptionType { Boolean, Integer, Double, Duration, MemorySize, String, StringList, Enum };
std::string_view to_string(OptionType t);

/// The declaration of one option. Templates (`<name>` keys of plugins) are not listed: flinkscaler
/// has no plugin mechanism (docs/deviations.md).
struct OptionSpec {
    std::string_view key;
    OptionType type;
    /// Default as Flink would print it; empty when the option has no default.
    std::string_view default_value;
    std::vector<std::string_view> fallback_keys;    ///< checked after `key`, in order
    std::vector<std::string_view> deprecated_keys;  ///< checked after the fallback keys
    std::vector<std::string_view> enum_values;      ///< allowed values of an Enum (case-insensitive)
    std::string_view description;
};

/// All job.autoscaler.* options, in the order of algorithm.md §5.2.
const std::vector<OptionSpec>& autoscaler_option_specs();

/// The first key of `spec` (main, fallback, deprecated) present in `conf`, if any.
std::optional<std::string> present_key(const OptionSpec& spec, const Configuration& conf);

enum class BusyTimeAggregator { AVG, MAX, MIN };
/// The built-in alignment modes, and the legacy blocking modes of the deprecated key.
enum class AlignmentMode { BALANCED, EVENLY_SPREAD, OFF, LEGACY_EVENLY_SPREAD, LEGACY_MAXIMIZE_UTILISATION };
std::string_view to_string(AlignmentMode m);

/// The typed options of one job. Field defaults are the reference defaults; `from` fills
/// every field from a configuration.
struct AutoscalerOptions {
    bool enabled = false;
    bool scaling_enabled = true;
    Millis metrics_window = std::chrono::minutes(15);
    Millis stabilization_interval = std::chrono::minutes(5);
    std::vector<std::string> excluded_periods;
    double utilization_target = 0.7;
    double utilization_boundary = 0.3;
    std::optional<double> utilization_max;
    std::optional<double> utilization_min;
    Millis scale_down_interval = std::chrono::hours(1);
    int vertex_min_parallelism = 1;
    int vertex_max_parallelism = 200;
    double scale_down_max_factor = 0.6;
    double scale_up_max_factor = 100000.0;
    Millis catch_up_duration = std::chrono::minutes(30);
    Millis restart_time = std::chrono::minutes(5);
    bool restart_time_tracking_enabled = false;
    Millis restart_time_tracking_limit = std::chrono::minutes(15);
    Millis backlog_lag_threshold = std::chrono::minutes(5);
    Millis observed_tpr_lag_threshold = std::chrono::seconds(30);
    double observed_tpr_switch_threshold = 0.15;
    int observed_tpr_min_observations = 2;
    bool effectiveness_detection_enabled = false;
    double effectiveness_threshold = 0.1;
    double gc_pressure_threshold = 1.0;
    double heap_usage_threshold = 1.0;
    bool memory_tuning_enabled = false;
    bool memory_tuning_scale_down_compensation = true;
    double memory_tuning_overhead = 0.2;
    bool memory_tuning_maximize_managed_memory = false;
    int history_max_count = 3;
    Millis history_max_age = std::chrono::hours(24);
    BusyTimeAggregator busy_time_aggregator = BusyTimeAggregator::MAX;
    std::vector<std::string> vertex_exclude_ids;
    Millis event_interval = std::chrono::minutes(30);
    Millis rest_client_timeout = std::chrono::seconds(10);
    std::optional<std::int64_t> quota_memory_bytes;
    std::optional<double> quota_cpu;
    /// Resolved per algorithm.md §4.5 (new key, then the deprecated key, then BALANCED).
    AlignmentMode alignment_mode = AlignmentMode::BALANCED;
    /// A custom alignment mode name that was configured but cannot be honoured (no plugins):
    /// non-empty means a warning is due; BALANCED is used instead.
    std::string unsupported_alignment_mode;
    bool observed_scalability_enabled = false;
    int observed_scalability_min_observations = 3;
    double observed_scalability_coefficient_min = 0.5;
    std::vector<std::string> custom_evaluators;
    std::vector<std::string> custom_executors;

    // Foreign Flink options the algorithm consults (§5.5).
    std::string scheduler;  ///< jobmanager.scheduler ("" when unset)
    std::map<std::string, int> user_parallelism_overrides;  ///< pipeline.jobvertex-parallelism-overrides
    int slots_per_task_manager = 1;                         ///< taskmanager.numberOfTaskSlots
    std::optional<std::int64_t> task_manager_memory_bytes;  ///< taskmanager.memory.process.size

    /// Parses every option from `conf`; throws OptionError naming the key and value.
    static AutoscalerOptions from(const Configuration& conf);

    /// Upper edge of the utilization band without backlog (utilization.max or target+boundary).
    double utilization_upper() const;
    /// Lower edge of the utilization band without backlog (utilization.min or target-boundary).
    double utilization_lower() const;
    bool is_excluded_vertex(const std::string& vertex) const;
};

/// A rule of algorithm.md §5.6 the options break: the option it is about (its main key) and the
/// message, which names that key and its value.
struct OptionViolation {
    std::string key;
    std::string message;
};

/// The first violated rule of algorithm.md §5.6, in the order of the spec, or nullopt when the
/// options are valid. Also checks that every excluded period parses.
std::optional<OptionViolation> first_violation(const AutoscalerOptions& options);

/// The message of first_violation, for callers that only report it.
std::optional<std::string> validate(const AutoscalerOptions& options);

/// A job.autoscaler.* key (either spelling) that is not an option: a typo, with the main key of
/// the closest option when one is close enough to be what was meant.
struct UnknownKey {
    std::string key;
    std::optional<std::string> suggestion;
};

/// The job.autoscaler.* keys in `conf` that are not options, in key order. Plugin parameters
/// (option_layers.hpp) and keys outside job.autoscaler.* are not reported.
std::vector<UnknownKey> unknown_autoscaler_keys(const Configuration& conf);

/// Why `key` cannot be given as an option (in a config's option map, or `evaluate --set`): not
/// an autoscaler option, a plugin parameter, or an unknown job.autoscaler.* key — each with a
/// "did you mean" when a known key is close; "" when the key is accepted.
std::string option_key_problem(const std::string& key);

}  // namespace flinkscaler
