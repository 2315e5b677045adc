// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/options.hpp"

#include "flinkscaler/config_values.hpp"
#include "flinkscaler/excluded_periods.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

namespace flinkscaler {

OptionError::OptionError(std::string key_, std::string value_, const std::string& problem)
    : std::invalid_argument("invalid value \"" + value_ + "\" for option " + key_ + ": " + problem),
      key(std::move(key_)),
      value(std::move(value_)) {}

std::string_view to_string(OptionType t) {
    switch (t) {
        case OptionType::Boolean: return "Boolean";
        case OptionType::Integer: return "Integer";
        case OptionType::Double: return "Double";
        case OptionType::Duration: return "Duration";
        case OptionType::MemorySize: return "MemorySize";
        case OptionType::String: return "String";
        case OptionType::StringList: return "List<String>";
        case OptionType::Enum: return "Enum";
    }
    return "?";
}

std::string_view to_string(AlignmentMode m) {
    switch (m) {
        case AlignmentMode::BALANCED: return "BALANCED";
        case AlignmentMode::EVENLY_SPREAD: return "EVENLY_SPREAD";
        case AlignmentMode::OFF: return "OFF";
        case AlignmentMode::LEGACY_EVENLY_SPREAD: return "EVENLY_SPREAD (legacy)";
        case AlignmentMode::LEGACY_MAXIMIZE_UTILISATION: return "MAXIMIZE_UTILISATION (legacy)";
    }
    return "?";
}

namespace {

constexpr std::string_view kPrefix = "job.autoscaler.";
constexpr std::string_view kOperatorPrefix = "kubernetes.operator.";

// Keys under which plugin instances take free-form parameters (algorithm.md §5.2 templates).
constexpr std::string_view kTemplatePrefixes[] = {
    "job.autoscaler.scaling.parallelism-alignment.mode.",
    "job.autoscaler.metrics.custom-evaluator.",
    "job.autoscaler.scaling.custom-executor.",
};

using Setter = void (*)(AutoscalerOptions&, const std::string&);

struct OptionEntry {
    OptionSpec spec;
    Setter apply;  ///< nullptr: resolved by hand in AutoscalerOptions::from
};

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

BusyTimeAggregator parse_aggregator(const std::string& v) {
    const auto u = upper(v);
    if (u == "AVG") return BusyTimeAggregator::AVG;
    if (u == "MAX") return BusyTimeAggregator::MAX;
    if (u == "MIN") return BusyTimeAggregator::MIN;
    throw ValueError("expected one of AVG, MAX, MIN");
}

AlignmentMode parse_legacy_adjust_mode(const std::string& v) {
    const auto u = upper(v);
    if (u == "EVENLY_SPREAD") return AlignmentMode::LEGACY_EVENLY_SPREAD;
    if (u == "MAXIMIZE_UTILISATION") return AlignmentMode::LEGACY_MAXIMIZE_UTILISATION;
    throw ValueError("expected one of EVENLY_SPREAD, MAXIMIZE_UTILISATION");
}

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
         [](O& o, const std::string& v) { o.busy_time_aggregator = parse_aggregator(v); }},
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

const std::vector<OptionEntry>& entries() {
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

const OptionEntry& entry(std::string_view key) {
    for (const auto& e : entries())
        if (e.spec.key == key) return e;
    throw std::logic_error("undeclared option " + std::string(key));
}

template <typename Parse>
void parse_foreign(const Configuration& conf, const std::string& key, Parse&& parse) {
    auto it = conf.find(key);
    if (it == conf.end()) return;
    try {
        parse(it->second);
    } catch (const ValueError& e) {
        throw OptionError(key, it->second, e.what());
    }
}

std::string range_violation(std::string_view key, double value, double low, double high) {
    return "option " + std::string(key) + " is " + std::to_string(value) + ", it must lie within [" +
           std::to_string(low) + ", " + std::to_string(high) + "]";
}

}  // namespace

const std::vector<OptionSpec>& autoscaler_option_specs() {
    static const std::vector<OptionSpec> specs = [] {
        std::vector<OptionSpec> out;
        for (const auto& e : entries()) out.push_back(e.spec);
        return out;
    }();
    return specs;
}

std::optional<std::string> present_key(const OptionSpec& spec, const Configuration& conf) {
    if (conf.count(std::string(spec.key))) return std::string(spec.key);
    for (auto key : spec.fallback_keys)
        if (conf.count(std::string(key))) return std::string(key);
    for (auto key : spec.deprecated_keys)
        if (conf.count(std::string(key))) return std::string(key);
    return std::nullopt;
}

AutoscalerOptions AutoscalerOptions::from(const Configuration& conf) {
    AutoscalerOptions options;
    for (const auto& e : entries()) {
        if (e.apply == nullptr) continue;
        const auto key = present_key(e.spec, conf);
        if (!key) continue;
        const std::string& value = conf.at(*key);
        try {
            e.apply(options, value);
        } catch (const ValueError& error) {
            throw OptionError(*key, value, error.what());
        }
    }

    // Alignment mode (§4.5): the new string key wins; the deprecated enum key selects the legacy
    // blocking algorithm only when it is explicitly set.
    const auto& mode_spec = entry("job.autoscaler.scaling.parallelism-alignment.mode").spec;
    const auto& legacy_spec = entry("job.autoscaler.scaling.key-group.partitions.adjust.mode").spec;
    if (const auto key = present_key(mode_spec, conf)) {
        const std::string& value = conf.at(*key);
        if (value == "BALANCED") options.alignment_mode = AlignmentMode::BALANCED;
        else if (value == "EVENLY_SPREAD") options.alignment_mode = AlignmentMode::EVENLY_SPREAD;
        else if (value == "OFF") options.alignment_mode = AlignmentMode::OFF;
        else options.unsupported_alignment_mode = value;  // a custom mode: BALANCED with a warning
    } else if (const auto legacy_key = present_key(legacy_spec, conf)) {
        const std::string& value = conf.at(*legacy_key);
        try {
            options.alignment_mode = parse_legacy_adjust_mode(value);
        } catch (const ValueError& error) {
            throw OptionError(*legacy_key, value, error.what());
        }
    }

    parse_foreign(conf, "jobmanager.scheduler", [&](const std::string& v) { options.scheduler = v; });
    parse_foreign(conf, "pipeline.jobvertex-parallelism-overrides", [&](const std::string& v) {
        for (const auto& [vertex, parallelism] : parse_map(v)) options.user_parallelism_overrides[vertex] = parse_int(parallelism);
    });
    parse_foreign(conf, "taskmanager.numberOfTaskSlots",
                  [&](const std::string& v) { options.slots_per_task_manager = parse_int(v); });
    parse_foreign(conf, "taskmanager.memory.process.size",
                  [&](const std::string& v) { options.task_manager_memory_bytes = parse_memory_size(v); });
    return options;
}

double AutoscalerOptions::utilization_upper() const {
    return utilization_max ? *utilization_max : utilization_target + utilization_boundary;
}

double AutoscalerOptions::utilization_lower() const {
    return utilization_min ? *utilization_min : utilization_target - utilization_boundary;
}

bool AutoscalerOptions::is_excluded_vertex(const std::string& vertex) const {
    return std::find(vertex_exclude_ids.begin(), vertex_exclude_ids.end(), vertex) != vertex_exclude_ids.end();
}

std::optional<std::string> validate(const AutoscalerOptions& o) {
    const auto outside = [](double v, double low, double high) { return !(v >= low && v <= high); };
    if (!(o.scale_down_max_factor >= 0.0))
        return "option job.autoscaler.scale-down.max-factor is " + std::to_string(o.scale_down_max_factor) +
               ", it must be >= 0";
    if (!(o.scale_up_max_factor >= 0.0))
        return "option job.autoscaler.scale-up.max-factor is " + std::to_string(o.scale_up_max_factor) +
               ", it must be >= 0";
    if (outside(o.utilization_target, 0.0, 1.0))
        return range_violation("job.autoscaler.utilization.target", o.utilization_target, 0.0, 1.0);
    if (!(o.utilization_boundary >= 0.0))
        return "option job.autoscaler.target.utilization.boundary is " + std::to_string(o.utilization_boundary) +
               ", it must be >= 0";
    if (o.utilization_max && outside(*o.utilization_max, o.utilization_target, 1.0))
        return range_violation("job.autoscaler.utilization.max", *o.utilization_max, o.utilization_target, 1.0);
    if (o.utilization_min && outside(*o.utilization_min, 0.0, o.utilization_target))
        return range_violation("job.autoscaler.utilization.min", *o.utilization_min, 0.0, o.utilization_target);
    if (outside(o.gc_pressure_threshold, 0.0, 1.0))
        return range_violation("job.autoscaler.memory.gc-pressure.threshold", o.gc_pressure_threshold, 0.0, 1.0);
    if (outside(o.heap_usage_threshold, 0.0, 1.0))
        return range_violation("job.autoscaler.memory.heap-usage.threshold", o.heap_usage_threshold, 0.0, 1.0);
    if (o.observed_scalability_enabled && outside(o.observed_scalability_coefficient_min, 0.01, 1.0))
        return range_violation("job.autoscaler.observed-scalability.coefficient-min",
                               o.observed_scalability_coefficient_min, 0.01, 1.0);
    if (o.effectiveness_detection_enabled && outside(o.effectiveness_threshold, 0.0, 1.0))
        return range_violation("job.autoscaler.scaling.effectiveness.threshold", o.effectiveness_threshold, 0.0, 1.0);
    if (o.memory_tuning_enabled && outside(o.memory_tuning_overhead, 0.0, 1.0))
        return range_violation("job.autoscaler.memory.tuning.overhead", o.memory_tuning_overhead, 0.0, 1.0);
    try {
        (void)ExcludedPeriods::parse(o.excluded_periods);
    } catch (const ExcludedPeriodError& e) {
        return std::string(e.what());  // already names the key and the expression
    }
    return std::nullopt;
}

std::vector<std::string> unknown_autoscaler_keys(const Configuration& conf) {
    std::vector<std::string> known;
    for (const auto& e : entries()) {
        known.emplace_back(e.spec.key);
        for (auto k : e.spec.fallback_keys) known.emplace_back(k);
        for (auto k : e.spec.deprecated_keys) known.emplace_back(k);
    }
    std::vector<std::string> unknown;
    for (const auto& [key, value] : conf) {
        std::string_view canonical = key;
        if (canonical.starts_with(kOperatorPrefix)) canonical.remove_prefix(kOperatorPrefix.size());
        if (!canonical.starts_with(kPrefix)) continue;
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        if (std::any_of(std::begin(kTemplatePrefixes), std::end(kTemplatePrefixes),
                        [&](std::string_view p) { return canonical.starts_with(p); }))
            continue;
        std::vector<std::string_view> keys;
        for (const auto& e : entries()) keys.push_back(e.spec.key);
        const std::string best(closest_match(canonical, keys).value_or(""));
        unknown.push_back(best.empty() ? key : key + " (did you mean " + best + "?)");
    }
    return unknown;
}

}  // namespace flinkscaler
