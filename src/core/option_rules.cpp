// SPDX-License-Identifier: Apache-2.0
//
// The rules between options (algorithm.md §5.6) and the detection of mistyped option keys. Both
// return data (the key a violation is about, the suggestion for a typo), so a caller places and
// phrases its message without reading ours back.
#include "flinkscaler/options.hpp"

#include "option_table.hpp"

#include "flinkscaler/excluded_periods.hpp"
#include "flinkscaler/option_layers.hpp"
#include "flinkscaler/text.hpp"

#include <algorithm>

namespace flinkscaler {

namespace {

OptionViolation range_violation(std::string_view key, double value, double low, double high) {
    return {std::string(key), "option " + std::string(key) + " is " + std::to_string(value) +
                                  ", it must lie within [" + std::to_string(low) + ", " + std::to_string(high) + "]"};
}

OptionViolation negative(std::string_view key, double value) {
    return {std::string(key), "option " + std::string(key) + " is " + std::to_string(value) + ", it must be >= 0"};
}

}  // namespace

std::optional<OptionViolation> first_violation(const AutoscalerOptions& o) {
    const auto outside = [](double v, double low, double high) { return !(v >= low && v <= high); };
    if (!(o.scale_down_max_factor >= 0.0)) return negative("job.autoscaler.scale-down.max-factor", o.scale_down_max_factor);
    if (!(o.scale_up_max_factor >= 0.0)) return negative("job.autoscaler.scale-up.max-factor", o.scale_up_max_factor);
    if (outside(o.utilization_target, 0.0, 1.0))
        return range_violation("job.autoscaler.utilization.target", o.utilization_target, 0.0, 1.0);
    if (!(o.utilization_boundary >= 0.0))
        return negative("job.autoscaler.target.utilization.boundary", o.utilization_boundary);
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
        // The message already names the key and the expression.
        return OptionViolation{"job.autoscaler.excluded.periods", e.what()};
    }
    return std::nullopt;
}

std::optional<std::string> validate(const AutoscalerOptions& options) {
    if (auto violation = first_violation(options)) return std::move(violation->message);
    return std::nullopt;
}

std::vector<UnknownKey> unknown_autoscaler_keys(const Configuration& conf) {
    std::vector<std::string_view> main_keys;
    for (const auto& e : detail::option_entries()) main_keys.push_back(e.spec.key);
    std::vector<UnknownKey> unknown;
    for (const auto& [key, value] : conf) {
        const std::string_view canonical = canonical_option_key(key);
        if (!canonical.starts_with(kAutoscalerPrefix)) continue;
        if (option_alias_group(key) || is_plugin_parameter(key)) continue;
        const auto best = closest_match(canonical, main_keys);
        unknown.push_back({key, best ? std::optional<std::string>(*best) : std::nullopt});
    }
    return unknown;
}

std::string option_key_problem(const std::string& key) {
    if (!is_autoscaler_key(key)) {
        // "job.autoscaler.*, kubernetes.operator.job.autoscaler.*, a, b and c"
        std::string accepted = std::string(kAutoscalerPrefix) + "*, " + std::string(kOperatorPrefix) +
                               std::string(kAutoscalerPrefix) + "*";
        for (std::size_t i = 0; i < kForeignOptionKeys.size(); ++i)
            accepted += (i + 1 == kForeignOptionKeys.size() ? " and " : ", ") + std::string(kForeignOptionKeys[i]);
        const auto best = closest_match(key, known_option_keys());
        return "not an autoscaler option" + (best ? " (did you mean '" + std::string(*best) + "'?)" : std::string()) +
               "; option maps take " + accepted;
    }
    if (is_plugin_parameter(key))
        return "parameters of plugin instances are not supported: flinkscaler has no plugin mechanism "
               "(docs/deviations.md)";
    const auto unknown = unknown_autoscaler_keys({{key, ""}});
    if (unknown.empty()) return "";
    if (!unknown.front().suggestion) return "unknown autoscaler option (`flinkscaler options` lists them)";
    return "unknown autoscaler option (did you mean '" + *unknown.front().suggestion + "'?)";
}

}  // namespace flinkscaler
