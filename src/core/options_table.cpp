// SPDX-License-Identifier: Apache-2.0
//
// The table of every job.autoscaler.* option (algorithm.md §5.2): key, type, default, fallback
// and deprecated keys, allowed values, description, and where the parsed value goes. Data only:
// parsing is options.cpp, the rules between options are option_rules.cpp.
#include "option_table.hpp"

#include "flinkscaler/config_values.hpp"
#include "flinkscaler/option_layers.hpp"

#include <stdexcept>

namespace flinkscaler::detail {

namespace {

// One entry per option; the fallback key kubernetes.operator.<key> is added by `entries()`.
std::vector<OptionEntry> declare_entries() {
    using T = OptionType;
    using O = AutoscalerOptions;
    return {
        {{"job.autoscaler.enabled", T::Boolean, "false", {}, {}, {},
          "Master switch; when false all autoscaler state of the job is deleted every cycle."},
         [](O& o, const std::string& v) { o.enabled = parse_boolean(v); }},
        {{"job.autoscaler.scaling.enabled", T::Boolean, "true", {}, {}, {},
          "When false, only collect and evaluate metrics and report recommendations (metrics-only mode)."},
         [](O& o, const std::string& v) { o.scaling_enabled = parse_boolean(v); }},
        {{"job.autoscaler.metrics.window", T::Duration, "15 min", {}, {}, {},
          "Length of the metric window used for rates and averages."},
         [](O& o, const std::string& v) { o.metrics_window = parse_duration(v); }},
        {{"job.autoscaler.stabilization.interval", T::Duration, "5 min", {}, {}, {},
          "Time after the job (re)enters RUNNING before samples count toward the window."},
         [](O& o, const std::string& v) { o.stabilization_interval = parse_duration(v); }},
        {{"job.autoscaler.excluded.periods", T::StringList, "", {}, {}, {},
          "Daily time ranges (H:mm[:ss]-H:mm[:ss]) and/or Quartz cron expressions, joined by && within one "
          "period and separated by ;, during which scaling is not executed."},
         [](O& o, const std::string& v) { o.excluded_periods = parse_list(v); }},
        {{"job.autoscaler.utilization.target",
          T::Double,
          "0.7",
          {"kubernetes.operator.job.autoscaler.utilization.target",
           "kubernetes.operator.job.autoscaler.target.utilization"},
          {"job.autoscaler.target.utilization"},
          {},
          "Target busy ratio used to size vertices."},
         [](O& o, const std::string& v) { o.utilization_target = parse_double(v); }},
        {{"job.autoscaler.target.utilization.boundary", T::Double, "0.3", {}, {}, {},
          "Deprecated: half-width of the no-scaling band when utilization.max/min are not set."},
         [](O& o, const std::string& v) { o.utilization_boundary = parse_double(v); }},
        {{"job.autoscaler.utilization.max", T::Double, "", {}, {}, {},
          "Upper edge of the no-scaling band (default: target + boundary)."},
         [](O& o, const std::string& v) { o.utilization_max = parse_double(v); }},
        {{"job.autoscaler.utilization.min", T::Double, "", {}, {}, {},
          "Lower edge of the no-scaling band (default: target - boundary)."},
         [](O& o, const std::string& v) { o.utilization_min = parse_double(v); }},
        {{"job.autoscaler.scale-down.interval",
          T::Duration,
          "1 h",
          {"kubernetes.operator.job.autoscaler.scale-up.grace-period",
           "kubernetes.operator.job.autoscaler.scale-down.interval"},
          {"job.autoscaler.scale-up.grace-period"},
          {},
          "Delay (and merge window) for scale-downs; <= 0 disables the delay."},
         [](O& o, const std::string& v) { o.scale_down_interval = parse_duration(v); }},
        {{"job.autoscaler.vertex.min-parallelism", T::Integer, "1", {}, {}, {},
          "Lowest parallelism the autoscaler will set."},
         [](O& o, const std::string& v) { o.vertex_min_parallelism = parse_int(v); }},
        {{"job.autoscaler.vertex.max-parallelism", T::Integer, "200", {}, {}, {},
          "Highest parallelism the autoscaler will set (also capped by the vertex max parallelism)."},
         [](O& o, const std::string& v) { o.vertex_max_parallelism = parse_int(v); }},
        {{"job.autoscaler.scale-down.max-factor", T::Double, "0.6", {}, {}, {},
          "Max relative decrease per decision (the factor never goes below 1 - value)."},
         [](O& o, const std::string& v) { o.scale_down_max_factor = parse_double(v); }},
        {{"job.autoscaler.scale-up.max-factor", T::Double, "100000.0", {}, {}, {},
          "Max relative increase per decision (the factor never goes above 1 + value)."},
         [](O& o, const std::string& v) { o.scale_up_max_factor = parse_double(v); }},
        {{"job.autoscaler.catch-up.duration", T::Duration, "30 min", {}, {}, {},
          "Time budget to drain the backlog after scaling; 0 disables the backlog terms."},
         [](O& o, const std::string& v) { o.catch_up_duration = parse_duration(v); }},
        {{"job.autoscaler.restart.time", T::Duration, "5 min", {}, {}, {},
          "Assumed restart duration (backlog built up while restarting)."},
         [](O& o, const std::string& v) { o.restart_time = parse_duration(v); }},
        {{"job.autoscaler.restart.time-tracking.enabled", T::Boolean, "false", {}, {}, {},
          "Use the max observed restart duration instead of restart.time."},
         [](O& o, const std::string& v) { o.restart_time_tracking_enabled = parse_boolean(v); }},
        {{"job.autoscaler.restart.time-tracking.limit", T::Duration, "15 min", {}, {}, {},
          "Cap for the observed restart duration."},
         [](O& o, const std::string& v) { o.restart_time_tracking_limit = parse_duration(v); }},
        {{"job.autoscaler.backlog-processing.lag-threshold", T::Duration, "5 min", {}, {}, {},
          "Backlog (in time of input) above which the job is in backlog mode (no scale-down)."},
         [](O& o, const std::string& v) { o.backlog_lag_threshold = parse_duration(v); }},
        {{"job.autoscaler.observed-true-processing-rate.lag-threshold", T::Duration, "30 s", {}, {}, {},
          "Backlog (in time of input) above which a source's observed processing rate is measured."},
         [](O& o, const std::string& v) { o.observed_tpr_lag_threshold = parse_duration(v); }},
        {{"job.autoscaler.observed-true-processing-rate.switch-threshold", T::Double, "0.15", {}, {}, {},
          "Switch to the observed rate when the busy-time rate exceeds it by more than this fraction."},
         [](O& o, const std::string& v) { o.observed_tpr_switch_threshold = parse_double(v); }},
        {{"job.autoscaler.observed-true-processing-rate.min-observations", T::Integer, "2", {}, {}, {},
          "Minimum finite observed-rate samples before they are used."},
         [](O& o, const std::string& v) { o.observed_tpr_min_observations = parse_int(v); }},
        {{"job.autoscaler.scaling.effectiveness.detection.enabled", T::Boolean, "false", {}, {}, {},
          "Block further scale-ups after an ineffective one."},
         [](O& o, const std::string& v) { o.effectiveness_detection_enabled = parse_boolean(v); }},
        {{"job.autoscaler.scaling.effectiveness.threshold", T::Double, "0.1", {}, {}, {},
          "Fraction of the expected processing-rate gain that must materialise to count as effective."},
         [](O& o, const std::string& v) { o.effectiveness_threshold = parse_double(v); }},
        {{"job.autoscaler.memory.gc-pressure.threshold", T::Double, "1.0", {}, {}, {},
          "Block scaling when the max TaskManager GC time ratio exceeds this."},
         [](O& o, const std::string& v) { o.gc_pressure_threshold = parse_double(v); }},
        {{"job.autoscaler.memory.heap-usage.threshold", T::Double, "1.0", {}, {}, {},
          "Block scaling when the window-average heap usage ratio exceeds this."},
         [](O& o, const std::string& v) { o.heap_usage_threshold = parse_double(v); }},
        {{"job.autoscaler.memory.tuning.enabled", T::Boolean, "false", {}, {}, {},
          "Produce and apply TaskManager memory configuration changes (not implemented by flinkscaler)."},
         [](O& o, const std::string& v) { o.memory_tuning_enabled = parse_boolean(v); }},
        {{"job.autoscaler.memory.tuning.scale-down-compensation.enabled", T::Boolean, "true", {}, {}, {},
          "Increase TaskManager memory when the TaskManager count shrinks (memory tuning)."},
         [](O& o, const std::string& v) { o.memory_tuning_scale_down_compensation = parse_boolean(v); }},
        {{"job.autoscaler.memory.tuning.overhead", T::Double, "0.2", {}, {}, {},
          "Head-room added to the observed memory usage (memory tuning)."},
         [](O& o, const std::string& v) { o.memory_tuning_overhead = parse_double(v); }},
        {{"job.autoscaler.memory.tuning.maximize-managed-memory", T::Boolean, "false", {}, {}, {},
          "Give memory saved elsewhere to managed memory (memory tuning)."},
         [](O& o, const std::string& v) { o.memory_tuning_maximize_managed_memory = parse_boolean(v); }},
        {{"job.autoscaler.history.max.count", T::Integer, "3", {}, {}, {},
          "Scaling decisions kept per vertex (also limits restart tracking records)."},
         [](O& o, const std::string& v) { o.history_max_count = parse_int(v); }},
        {{"job.autoscaler.history.max.age", T::Duration, "24 h", {}, {}, {},
          "Maximum age of kept scaling decisions and tracking records."},
         [](O& o, const std::string& v) { o.history_max_age = parse_duration(v); }},
        {{"job.autoscaler.metrics.busy-time.aggregator", T::Enum, "MAX", {}, {}, {"AVG", "MAX", "MIN"},
          "How subtask busy times are combined (and which processing-rate formula is used)."},
         [](O& o, const std::string& v) { o.busy_time_aggregator = parse_busy_time_aggregator(v); }},
        {{"job.autoscaler.vertex.exclude.ids", T::StringList, "", {}, {}, {},
          "Vertex ids (hex) never rescaled by the autoscaler."},
         [](O& o, const std::string& v) { o.vertex_exclude_ids = parse_list(v); }},
        {{"job.autoscaler.scaling.event.interval", T::Duration, "30 min", {}, {}, {},
          "Interval within which repeated identical events are folded into one."},
         [](O& o, const std::string& v) { o.event_interval = parse_duration(v); }},
        {{"job.autoscaler.flink.rest-client.timeout", T::Duration, "10 s", {}, {}, {},
          "Timeout of Flink REST calls (whole seconds)."},
         [](O& o, const std::string& v) { o.rest_client_timeout = parse_duration(v); }},
        {{"job.autoscaler.quota.memory", T::MemorySize, "", {}, {}, {},
          "Memory quota for the job's TaskManagers; scaling beyond it is blocked."},
         [](O& o, const std::string& v) { o.quota_memory_bytes = parse_memory_size(v); }},
        {{"job.autoscaler.quota.cpu", T::Double, "", {}, {}, {},
          "CPU quota for the job's TaskManagers; scaling beyond it is blocked."},
         [](O& o, const std::string& v) { o.quota_cpu = parse_double(v); }},
        {{"job.autoscaler.scaling.key-group.partitions.adjust.mode", T::Enum, "EVENLY_SPREAD", {}, {},
          {"EVENLY_SPREAD", "MAXIMIZE_UTILISATION"},
          "Deprecated legacy (blocking) alignment; only used when explicitly set and the alignment mode is not."},
         nullptr},
        {{"job.autoscaler.scaling.parallelism-alignment.mode", T::String, "BALANCED", {}, {}, {},
          "Parallelism alignment to key groups / source partitions: BALANCED, EVENLY_SPREAD or OFF."},
         nullptr},
        {{"job.autoscaler.observed-scalability.enabled", T::Boolean, "false", {}, {}, {},
          "Correct the scale factor by a scalability coefficient fitted on past decisions."},
         [](O& o, const std::string& v) { o.observed_scalability_enabled = parse_boolean(v); }},
        {{"job.autoscaler.observed-scalability.min-observations", T::Integer, "3", {}, {}, {},
          "Scaling history entries needed before the coefficient is fitted."},
         [](O& o, const std::string& v) { o.observed_scalability_min_observations = parse_int(v); }},
        {{"job.autoscaler.observed-scalability.coefficient-min", T::Double, "0.5", {}, {}, {},
          "Lower clamp of the scalability coefficient."},
         [](O& o, const std::string& v) { o.observed_scalability_coefficient_min = parse_double(v); }},
        {{"job.autoscaler.metrics.custom-evaluators", T::StringList, "", {}, {}, {},
          "Names of custom evaluator instances (plugins are not supported by flinkscaler; ignored with a warning)."},
         [](O& o, const std::string& v) { o.custom_evaluators = parse_list(v); }},
        {{"job.autoscaler.scaling.custom-executors", T::StringList, "", {}, {}, {},
          "Names of custom scaling-executor instances (plugins are not supported by flinkscaler; ignored with a "
          "warning)."},
         [](O& o, const std::string& v) { o.custom_executors = parse_list(v); }},
    };
}

}  // namespace

const std::vector<OptionEntry>& option_entries() {
    static const std::vector<OptionEntry> all = [] {
        auto declared = declare_entries();
        // Every option also answers to kubernetes.operator.<key>, checked before deprecated keys.
        // The string storage lives as long as the table (static).
        static std::vector<std::string> operator_keys;
        operator_keys.reserve(declared.size());
        for (auto& e : declared) operator_keys.push_back(std::string(kOperatorPrefix) + std::string(e.spec.key));
        for (std::size_t i = 0; i < declared.size(); ++i) {
            auto& fallbacks = declared[i].spec.fallback_keys;
            if (fallbacks.empty()) fallbacks.push_back(operator_keys[i]);  // explicit lists already name it
        }
        return declared;
    }();
    return all;
}

const OptionEntry& option_entry(std::string_view key) {
    for (const auto& e : option_entries())
        if (e.spec.key == key) return e;
    throw std::logic_error("undeclared option " + std::string(key));
}

}  // namespace flinkscaler::detail

namespace flinkscaler {

const std::vector<OptionSpec>& autoscaler_option_specs() {
    static const std::vector<OptionSpec> specs = [] {
        std::vector<OptionSpec> out;
        for (const auto& e : detail::option_entries()) out.push_back(e.spec);
        return out;
    }();
    return specs;
}

}  // namespace flinkscaler
