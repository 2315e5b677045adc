// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/options.hpp"

#include "flinkscaler/option_layers.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using flinkscaler::AlignmentMode;
using flinkscaler::AutoscalerOptions;
using flinkscaler::autoscaler_option_specs;
using flinkscaler::BusyTimeAggregator;
using flinkscaler::Configuration;
using flinkscaler::OptionError;
using flinkscaler::OptionSpec;
using flinkscaler::OptionType;
using flinkscaler::present_key;
using flinkscaler::unknown_autoscaler_keys;
using flinkscaler::validate;

namespace {

// ---- rendering typed fields as text, so one table can describe every option -------------------

std::string show(double x) {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::fixed);
    return std::string(buffer, end);
}
std::string show(bool b) { return b ? "true" : "false"; }
std::string show(int i) { return std::to_string(i); }
std::string show(std::int64_t v) { return std::to_string(v); }
std::string show(flinkscaler::Millis d) { return std::to_string(d.count()) + "ms"; }
std::string show(const std::vector<std::string>& list) {
    std::string out = "[";
    for (std::size_t i = 0; i < list.size(); ++i) out += (i ? "|" : "") + list[i];
    return out + "]";
}
template <typename T>
std::string show(const std::optional<T>& v) {
    return v ? show(*v) : "none";
}
std::string show(BusyTimeAggregator a) {
    switch (a) {
        case BusyTimeAggregator::AVG: return "AVG";
        case BusyTimeAggregator::MAX: return "MAX";
        case BusyTimeAggregator::MIN: return "MIN";
    }
    return "?";
}
std::string show_alignment(const AutoscalerOptions& o) {
    std::string out(flinkscaler::to_string(o.alignment_mode));
    if (!o.unsupported_alignment_mode.empty()) out += " / unsupported " + o.unsupported_alignment_mode;
    return out;
}

// One concrete option of algorithm.md §5.2: its type, the typed default the spec gives, and a
// non-default value with the typed result it must produce (pins key -> field).
struct Row {
    const char* key;
    OptionType type;
    std::string spec_default;  // rendered typed default from the spec table
    const char* other_input;   // a Flink-syntax value different from the default
    std::string other_result;  // its rendered typed value
    std::function<std::string(const AutoscalerOptions&)> field;
};

using O = AutoscalerOptions;
using T = OptionType;

const std::vector<Row>& rows() {
    static const std::vector<Row> table = {
        {"job.autoscaler.enabled", T::Boolean, "false", "true", "true", [](const O& o) { return show(o.enabled); }},
        {"job.autoscaler.scaling.enabled", T::Boolean, "true", "false", "false",
         [](const O& o) { return show(o.scaling_enabled); }},
        {"job.autoscaler.metrics.window", T::Duration, "900000ms", "5 min", "300000ms",
         [](const O& o) { return show(o.metrics_window); }},
        {"job.autoscaler.stabilization.interval", T::Duration, "300000ms", "1 min", "60000ms",
         [](const O& o) { return show(o.stabilization_interval); }},
        {"job.autoscaler.excluded.periods", T::StringList, "[]", "9:00-10:00;* * 9-11 * * ?",
         "[9:00-10:00|* * 9-11 * * ?]", [](const O& o) { return show(o.excluded_periods); }},
        {"job.autoscaler.utilization.target", T::Double, "0.7", "0.5", "0.5",
         [](const O& o) { return show(o.utilization_target); }},
        {"job.autoscaler.target.utilization.boundary", T::Double, "0.3", "0.1", "0.1",
         [](const O& o) { return show(o.utilization_boundary); }},
        {"job.autoscaler.utilization.max", T::Double, "none", "0.9", "0.9",
         [](const O& o) { return show(o.utilization_max); }},
        {"job.autoscaler.utilization.min", T::Double, "none", "0.2", "0.2",
         [](const O& o) { return show(o.utilization_min); }},
        {"job.autoscaler.scale-down.interval", T::Duration, "3600000ms", "0", "0ms",
         [](const O& o) { return show(o.scale_down_interval); }},
        {"job.autoscaler.vertex.min-parallelism", T::Integer, "1", "2", "2",
         [](const O& o) { return show(o.vertex_min_parallelism); }},
        {"job.autoscaler.vertex.max-parallelism", T::Integer, "200", "50", "50",
         [](const O& o) { return show(o.vertex_max_parallelism); }},
        {"job.autoscaler.scale-down.max-factor", T::Double, "0.6", "1.0", "1",
         [](const O& o) { return show(o.scale_down_max_factor); }},
        {"job.autoscaler.scale-up.max-factor", T::Double, "100000", "2.5", "2.5",
         [](const O& o) { return show(o.scale_up_max_factor); }},
        {"job.autoscaler.catch-up.duration", T::Duration, "1800000ms", "0", "0ms",
         [](const O& o) { return show(o.catch_up_duration); }},
        {"job.autoscaler.restart.time", T::Duration, "300000ms", "1 s", "1000ms",
         [](const O& o) { return show(o.restart_time); }},
        {"job.autoscaler.restart.time-tracking.enabled", T::Boolean, "false", "true", "true",
         [](const O& o) { return show(o.restart_time_tracking_enabled); }},
        {"job.autoscaler.restart.time-tracking.limit", T::Duration, "900000ms", "10 min", "600000ms",
         [](const O& o) { return show(o.restart_time_tracking_limit); }},
        {"job.autoscaler.backlog-processing.lag-threshold", T::Duration, "300000ms", "1 s", "1000ms",
         [](const O& o) { return show(o.backlog_lag_threshold); }},
        {"job.autoscaler.observed-true-processing-rate.lag-threshold", T::Duration, "30000ms", "1 min", "60000ms",
         [](const O& o) { return show(o.observed_tpr_lag_threshold); }},
        {"job.autoscaler.observed-true-processing-rate.switch-threshold", T::Double, "0.15", "0.2", "0.2",
         [](const O& o) { return show(o.observed_tpr_switch_threshold); }},
        {"job.autoscaler.observed-true-processing-rate.min-observations", T::Integer, "2", "3", "3",
         [](const O& o) { return show(o.observed_tpr_min_observations); }},
        {"job.autoscaler.scaling.effectiveness.detection.enabled", T::Boolean, "false", "true", "true",
         [](const O& o) { return show(o.effectiveness_detection_enabled); }},
        {"job.autoscaler.scaling.effectiveness.threshold", T::Double, "0.1", "0.3", "0.3",
         [](const O& o) { return show(o.effectiveness_threshold); }},
        {"job.autoscaler.memory.gc-pressure.threshold", T::Double, "1", "0.3", "0.3",
         [](const O& o) { return show(o.gc_pressure_threshold); }},
        {"job.autoscaler.memory.heap-usage.threshold", T::Double, "1", "0.9", "0.9",
         [](const O& o) { return show(o.heap_usage_threshold); }},
        {"job.autoscaler.memory.tuning.enabled", T::Boolean, "false", "true", "true",
         [](const O& o) { return show(o.memory_tuning_enabled); }},
        {"job.autoscaler.memory.tuning.scale-down-compensation.enabled", T::Boolean, "true", "false", "false",
         [](const O& o) { return show(o.memory_tuning_scale_down_compensation); }},
        {"job.autoscaler.memory.tuning.overhead", T::Double, "0.2", "0.5", "0.5",
         [](const O& o) { return show(o.memory_tuning_overhead); }},
        {"job.autoscaler.memory.tuning.maximize-managed-memory", T::Boolean, "false", "true", "true",
         [](const O& o) { return show(o.memory_tuning_maximize_managed_memory); }},
        {"job.autoscaler.history.max.count", T::Integer, "3", "5", "5",
         [](const O& o) { return show(o.history_max_count); }},
        {"job.autoscaler.history.max.age", T::Duration, "86400000ms", "1 h", "3600000ms",
         [](const O& o) { return show(o.history_max_age); }},
        {"job.autoscaler.metrics.busy-time.aggregator", T::Enum, "MAX", "AVG", "AVG",
         [](const O& o) { return show(o.busy_time_aggregator); }},
        {"job.autoscaler.vertex.exclude.ids", T::StringList, "[]", "a;b", "[a|b]",
         [](const O& o) { return show(o.vertex_exclude_ids); }},
        {"job.autoscaler.scaling.event.interval", T::Duration, "1800000ms", "10 min", "600000ms",
         [](const O& o) { return show(o.event_interval); }},
        {"job.autoscaler.flink.rest-client.timeout", T::Duration, "10000ms", "30 s", "30000ms",
         [](const O& o) { return show(o.rest_client_timeout); }},
        {"job.autoscaler.quota.memory", T::MemorySize, "none", "2g", "2147483648",
         [](const O& o) { return show(o.quota_memory_bytes); }},
        {"job.autoscaler.quota.cpu", T::Double, "none", "4.5", "4.5", [](const O& o) { return show(o.quota_cpu); }},
        {"job.autoscaler.scaling.key-group.partitions.adjust.mode", T::Enum, "BALANCED", "MAXIMIZE_UTILISATION",
         "MAXIMIZE_UTILISATION (legacy)", show_alignment},
        {"job.autoscaler.scaling.parallelism-alignment.mode", T::String, "BALANCED", "OFF", "OFF", show_alignment},
        {"job.autoscaler.observed-scalability.enabled", T::Boolean, "false", "true", "true",
         [](const O& o) { return show(o.observed_scalability_enabled); }},
        {"job.autoscaler.observed-scalability.min-observations", T::Integer, "3", "5", "5",
         [](const O& o) { return show(o.observed_scalability_min_observations); }},
        {"job.autoscaler.observed-scalability.coefficient-min", T::Double, "0.5", "0.7", "0.7",
         [](const O& o) { return show(o.observed_scalability_coefficient_min); }},
        {"job.autoscaler.metrics.custom-evaluators", T::StringList, "[]", "e1;e2", "[e1|e2]",
         [](const O& o) { return show(o.custom_evaluators); }},
        {"job.autoscaler.scaling.custom-executors", T::StringList, "[]", "x1", "[x1]",
         [](const O& o) { return show(o.custom_executors); }},
    };
    return table;
}

const OptionSpec& spec_of(std::string_view key) {
    for (const auto& s : autoscaler_option_specs())
        if (s.key == key) return s;
    FAIL("no spec for " << key);
    throw std::logic_error("unreachable");
}

// what() of the OptionError that parsing `conf` throws.
std::string option_error(const Configuration& conf) {
    try {
        (void)AutoscalerOptions::from(conf);
    } catch (const OptionError& e) {
        return e.what();
    }
    return "<no OptionError thrown>";
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

constexpr const char* kWindow = "job.autoscaler.metrics.window";
constexpr const char* kTarget = "job.autoscaler.utilization.target";
constexpr const char* kAlignment = "job.autoscaler.scaling.parallelism-alignment.mode";
constexpr const char* kLegacyAdjust = "job.autoscaler.scaling.key-group.partitions.adjust.mode";

}  // namespace

// ---------------------------------------------------------------------------------------------
// Declarations and defaults (§5.2)

TEST_CASE("option specs list exactly the 45 concrete options of §5.2 with their types", "[options]") {
    const auto& specs = autoscaler_option_specs();
    std::set<std::string> declared;
    for (const auto& s : specs) declared.insert(std::string(s.key));
    std::set<std::string> expected;
    for (const auto& r : rows()) expected.insert(r.key);
    CHECK(specs.size() == 45);
    CHECK(rows().size() == 45);
    CHECK(declared == expected);
    for (const auto& r : rows()) {
        INFO(r.key);
        CHECK(spec_of(r.key).type == r.type);
    }
}

TEST_CASE("a default-constructed and an empty-configuration AutoscalerOptions hold the spec defaults",
          "[options]") {
    const AutoscalerOptions constructed;
    const AutoscalerOptions parsed = AutoscalerOptions::from({});
    for (const auto& r : rows()) {
        INFO(r.key);
        CHECK(r.field(constructed) == r.spec_default);
        CHECK(r.field(parsed) == r.spec_default);
    }
    CHECK(constructed.unsupported_alignment_mode.empty());
    // Foreign options (§5.5) when unset.
    CHECK(constructed.scheduler.empty());
    CHECK(constructed.user_parallelism_overrides.empty());
    CHECK(constructed.slots_per_task_manager == 1);
    CHECK_FALSE(constructed.task_manager_memory_bytes.has_value());
}

TEST_CASE("each option key sets its own field and no other", "[options]") {
    const AutoscalerOptions defaults;
    for (const auto& r : rows()) {
        INFO(r.key << " = " << r.other_input);
        const auto parsed = AutoscalerOptions::from({{r.key, r.other_input}});
        CHECK(r.field(parsed) == r.other_result);
        for (const auto& other : rows()) {
            if (other.field(parsed) == other.field(defaults)) continue;
            // The two alignment keys share one resolved field.
            const bool same_field = std::string(other.key) == kAlignment || std::string(other.key) == kLegacyAdjust;
            const bool is_alignment_key = std::string(r.key) == kAlignment || std::string(r.key) == kLegacyAdjust;
            CHECK((other.key == r.key || (same_field && is_alignment_key)));
        }
    }
}

TEST_CASE("every declared default value parses back to the struct default", "[options]") {
    const AutoscalerOptions defaults;
    std::set<std::string> without_default;
    for (const auto& spec : autoscaler_option_specs()) {
        if (spec.default_value.empty()) {
            without_default.insert(std::string(spec.key));
            continue;
        }
        INFO(spec.key << " = \"" << spec.default_value << "\"");
        const auto parsed = AutoscalerOptions::from({{std::string(spec.key), std::string(spec.default_value)}});
        for (const auto& r : rows()) {
            if (spec.key == kLegacyAdjust && (std::string(r.key) == kLegacyAdjust || std::string(r.key) == kAlignment))
                continue;  // checked below: explicitly setting the legacy key selects the legacy mode
            INFO(r.key);
            CHECK(r.field(parsed) == r.field(defaults));
        }
    }
    // §4.5 step 2: the deprecated key, once explicitly set (even to its default), selects the
    // legacy blocking EVENLY_SPREAD instead of BALANCED.
    CHECK(AutoscalerOptions::from({{kLegacyAdjust, "EVENLY_SPREAD"}}).alignment_mode ==
          AlignmentMode::LEGACY_EVENLY_SPREAD);
    // The options without a default in §5.2 ("empty" lists and "none" values).
    CHECK(without_default == std::set<std::string>{"job.autoscaler.excluded.periods",
                                                   "job.autoscaler.utilization.max",
                                                   "job.autoscaler.utilization.min",
                                                   "job.autoscaler.vertex.exclude.ids",
                                                   "job.autoscaler.quota.memory",
                                                   "job.autoscaler.quota.cpu",
                                                   "job.autoscaler.metrics.custom-evaluators",
                                                   "job.autoscaler.scaling.custom-executors"});
}

TEST_CASE("every option declares kubernetes.operator.<key> as fallback and the §5.3 deprecated keys",
          "[options]") {
    for (const auto& spec : autoscaler_option_specs()) {
        INFO(spec.key);
        const std::string operator_key = "kubernetes.operator." + std::string(spec.key);
        bool has_operator_key = false;
        for (auto k : spec.fallback_keys) has_operator_key = has_operator_key || k == operator_key;
        CHECK(has_operator_key);
        if (spec.key == kTarget) {
            CHECK(spec.deprecated_keys == std::vector<std::string_view>{"job.autoscaler.target.utilization"});
        } else if (spec.key == "job.autoscaler.scale-down.interval") {
            CHECK(spec.deprecated_keys == std::vector<std::string_view>{"job.autoscaler.scale-up.grace-period"});
        } else {
            CHECK(spec.deprecated_keys.empty());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Value syntax and key resolution (§5.1, §5.3)

TEST_CASE("durations accept Flink and ISO-8601 syntax, plain numbers are milliseconds", "[options]") {
    for (const char* text : {"5 min", "5m", "5min", "PT5M", "300 s", "300s", "300000", "300000 ms"}) {
        INFO(text);
        CHECK(AutoscalerOptions::from({{kWindow, text}}).metrics_window == 5min);
    }
}

TEST_CASE("doubles, booleans, enums and ';' lists are parsed with Flink conventions", "[options]") {
    const auto o = AutoscalerOptions::from({
        {kTarget, "0.7"},
        {"job.autoscaler.scale-up.max-factor", "1e3"},
        {"job.autoscaler.scaling.enabled", "FALSE"},
        {"job.autoscaler.enabled", "true"},
        {"job.autoscaler.metrics.busy-time.aggregator", "min"},
        {"job.autoscaler.vertex.exclude.ids", "0a448493b4782967b150582570326227; bc764cd8ddf7a0cff126f51c16239658"},
        {"job.autoscaler.excluded.periods", "9:00-17:00;* * 0-6 ? * SAT,SUN"},
        {"job.autoscaler.quota.memory", "512 mb"},
    });
    CHECK(o.utilization_target == 0.7);
    CHECK(o.scale_up_max_factor == 1000.0);
    CHECK_FALSE(o.scaling_enabled);
    CHECK(o.enabled);
    CHECK(o.busy_time_aggregator == BusyTimeAggregator::MIN);
    CHECK(o.vertex_exclude_ids ==
          std::vector<std::string>{"0a448493b4782967b150582570326227", "bc764cd8ddf7a0cff126f51c16239658"});
    CHECK(o.is_excluded_vertex("bc764cd8ddf7a0cff126f51c16239658"));
    CHECK_FALSE(o.is_excluded_vertex("bc764cd8"));
    CHECK(o.excluded_periods == std::vector<std::string>{"9:00-17:00", "* * 0-6 ? * SAT,SUN"});
    CHECK(o.quota_memory_bytes == 512LL * 1024 * 1024);
}

TEST_CASE("kubernetes.operator.<key> is used when the main key is absent", "[options]") {
    CHECK(AutoscalerOptions::from({{"kubernetes.operator.job.autoscaler.metrics.window", "1 min"}}).metrics_window ==
          1min);
    CHECK(AutoscalerOptions::from({{"kubernetes.operator.job.autoscaler.enabled", "true"}}).enabled);
    CHECK(AutoscalerOptions::from({{"kubernetes.operator.job.autoscaler.quota.cpu", "8"}}).quota_cpu == 8.0);
    // main key wins over the fallback
    CHECK(AutoscalerOptions::from({{kWindow, "2 min"}, {"kubernetes.operator.job.autoscaler.metrics.window", "1 min"}})
              .metrics_window == 2min);
}

TEST_CASE("deprecated target.utilization and scale-up.grace-period apply, after main and fallback keys",
          "[options]") {
    CHECK(AutoscalerOptions::from({{"job.autoscaler.target.utilization", "0.5"}}).utilization_target == 0.5);
    CHECK(AutoscalerOptions::from({{"job.autoscaler.scale-up.grace-period", "10 min"}}).scale_down_interval == 10min);

    // main > fallback > deprecated
    Configuration all{{kTarget, "0.6"},
                      {"kubernetes.operator.job.autoscaler.utilization.target", "0.55"},
                      {"kubernetes.operator.job.autoscaler.target.utilization", "0.52"},
                      {"job.autoscaler.target.utilization", "0.5"}};
    CHECK(AutoscalerOptions::from(all).utilization_target == 0.6);
    all.erase(kTarget);
    CHECK(AutoscalerOptions::from(all).utilization_target == 0.55);  // fallbacks in listed order
    all.erase("kubernetes.operator.job.autoscaler.utilization.target");
    CHECK(AutoscalerOptions::from(all).utilization_target == 0.52);
    all.erase("kubernetes.operator.job.autoscaler.target.utilization");
    CHECK(AutoscalerOptions::from(all).utilization_target == 0.5);

    Configuration interval{{"job.autoscaler.scale-down.interval", "1 min"},
                           {"kubernetes.operator.job.autoscaler.scale-down.interval", "2 min"},
                           {"job.autoscaler.scale-up.grace-period", "3 min"}};
    CHECK(AutoscalerOptions::from(interval).scale_down_interval == 1min);
    CHECK(present_key(spec_of("job.autoscaler.scale-down.interval"), interval) == "job.autoscaler.scale-down.interval");
    interval.erase("job.autoscaler.scale-down.interval");
    CHECK(AutoscalerOptions::from(interval).scale_down_interval == 2min);
    CHECK(present_key(spec_of("job.autoscaler.scale-down.interval"), interval) ==
          "kubernetes.operator.job.autoscaler.scale-down.interval");
    interval.erase("kubernetes.operator.job.autoscaler.scale-down.interval");
    CHECK(AutoscalerOptions::from(interval).scale_down_interval == 3min);
    CHECK(present_key(spec_of("job.autoscaler.scale-down.interval"), interval) ==
          "job.autoscaler.scale-up.grace-period");
    interval.erase("job.autoscaler.scale-up.grace-period");
    CHECK_FALSE(present_key(spec_of("job.autoscaler.scale-down.interval"), interval).has_value());
}

TEST_CASE("utilization band edges default to target +- boundary unless utilization.max/min are set",
          "[options]") {
    const AutoscalerOptions defaults;
    CHECK(defaults.utilization_upper() == Approx(1.0));
    CHECK(defaults.utilization_lower() == Approx(0.4));

    const auto moved = AutoscalerOptions::from({{kTarget, "0.8"}, {"job.autoscaler.target.utilization.boundary", "0.1"}});
    CHECK(moved.utilization_upper() == Approx(0.9));
    CHECK(moved.utilization_lower() == Approx(0.7));

    const auto explicit_band = AutoscalerOptions::from(
        {{kTarget, "0.8"}, {"job.autoscaler.utilization.max", "0.85"}, {"job.autoscaler.utilization.min", "0.6"}});
    CHECK(explicit_band.utilization_upper() == 0.85);
    CHECK(explicit_band.utilization_lower() == 0.6);

    // Only one edge set: the other keeps target +- boundary.
    const auto only_max = AutoscalerOptions::from({{kTarget, "0.5"}, {"job.autoscaler.utilization.max", "0.95"}});
    CHECK(only_max.utilization_upper() == 0.95);
    CHECK(only_max.utilization_lower() == Approx(0.2));
    const auto only_min = AutoscalerOptions::from({{kTarget, "0.5"}, {"job.autoscaler.utilization.min", "0.45"}});
    CHECK(only_min.utilization_upper() == Approx(0.8));
    CHECK(only_min.utilization_lower() == 0.45);
}

// ---------------------------------------------------------------------------------------------
// Alignment mode resolution (§4.5)

TEST_CASE("alignment mode: the new key selects the built-in modes and wins over the legacy key", "[options]") {
    CHECK(AutoscalerOptions::from({{kAlignment, "BALANCED"}}).alignment_mode == AlignmentMode::BALANCED);
    CHECK(AutoscalerOptions::from({{kAlignment, "EVENLY_SPREAD"}}).alignment_mode == AlignmentMode::EVENLY_SPREAD);
    CHECK(AutoscalerOptions::from({{kAlignment, "OFF"}}).alignment_mode == AlignmentMode::OFF);
    CHECK(AutoscalerOptions::from({{"kubernetes.operator." + std::string(kAlignment), "OFF"}}).alignment_mode ==
          AlignmentMode::OFF);
    const auto both = AutoscalerOptions::from({{kAlignment, "EVENLY_SPREAD"}, {kLegacyAdjust, "MAXIMIZE_UTILISATION"}});
    CHECK(both.alignment_mode == AlignmentMode::EVENLY_SPREAD);
    CHECK(both.unsupported_alignment_mode.empty());
}

TEST_CASE("alignment mode: the legacy key selects the blocking modes only when explicitly set", "[options]") {
    CHECK(AutoscalerOptions::from({}).alignment_mode == AlignmentMode::BALANCED);
    CHECK(AutoscalerOptions::from({{kLegacyAdjust, "EVENLY_SPREAD"}}).alignment_mode ==
          AlignmentMode::LEGACY_EVENLY_SPREAD);
    CHECK(AutoscalerOptions::from({{kLegacyAdjust, "MAXIMIZE_UTILISATION"}}).alignment_mode ==
          AlignmentMode::LEGACY_MAXIMIZE_UTILISATION);
    // an Enum option: case-insensitive
    CHECK(AutoscalerOptions::from({{kLegacyAdjust, "maximize_utilisation"}}).alignment_mode ==
          AlignmentMode::LEGACY_MAXIMIZE_UTILISATION);
    CHECK(AutoscalerOptions::from({{"kubernetes.operator." + std::string(kLegacyAdjust), "MAXIMIZE_UTILISATION"}})
              .alignment_mode == AlignmentMode::LEGACY_MAXIMIZE_UTILISATION);
}

TEST_CASE("alignment mode: a case-mismatched or custom mode name falls back to BALANCED and is reported",
          "[options]") {
    // The new key is a String compared case-sensitively: "balanced" names a custom mode.
    const auto lower = AutoscalerOptions::from({{kAlignment, "balanced"}});
    CHECK(lower.alignment_mode == AlignmentMode::BALANCED);
    CHECK(lower.unsupported_alignment_mode == "balanced");
    const auto off_lower = AutoscalerOptions::from({{kAlignment, "off"}});
    CHECK(off_lower.alignment_mode == AlignmentMode::BALANCED);
    CHECK(off_lower.unsupported_alignment_mode == "off");
    // An explicitly set custom mode still shadows the legacy key.
    const auto custom = AutoscalerOptions::from({{kAlignment, "myMode"}, {kLegacyAdjust, "MAXIMIZE_UTILISATION"}});
    CHECK(custom.alignment_mode == AlignmentMode::BALANCED);
    CHECK(custom.unsupported_alignment_mode == "myMode");
}

// ---------------------------------------------------------------------------------------------
// Malformed values

TEST_CASE("a malformed value throws OptionError naming the key and quoting the value", "[options]") {
    struct Case {
        const char* key;
        const char* value;
    };
    const Case cases[] = {
        {"job.autoscaler.metrics.window", "5 minutes please"},            // Duration
        {"job.autoscaler.utilization.target", "high"},                    // Double
        {"job.autoscaler.vertex.max-parallelism", "2.5"},                 // Integer
        {"job.autoscaler.enabled", "yes"},                                // Boolean
        {"job.autoscaler.metrics.busy-time.aggregator", "MEDIAN"},        // Enum
        {"job.autoscaler.quota.memory", "lots"},                          // MemorySize
        {"job.autoscaler.scaling.key-group.partitions.adjust.mode", "X"}, // legacy Enum
    };
    for (const auto& c : cases) {
        INFO(c.key << " = " << c.value);
        try {
            (void)AutoscalerOptions::from({{c.key, c.value}});
            FAIL("no OptionError thrown");
        } catch (const OptionError& e) {
            CHECK(e.key == c.key);
            CHECK(e.value == c.value);
            const std::string what = e.what();
            CHECK(contains(what, c.key));
            CHECK(contains(what, "\"" + std::string(c.value) + "\""));
        }
    }
}

TEST_CASE("OptionError names the key actually used: fallback, deprecated or foreign", "[options]") {
    const auto deprecated = option_error({{"job.autoscaler.target.utilization", "abc"}});
    CHECK(contains(deprecated, "job.autoscaler.target.utilization"));
    CHECK_FALSE(contains(deprecated, "job.autoscaler.utilization.target"));
    CHECK(contains(deprecated, "\"abc\""));

    const auto fallback = option_error({{"kubernetes.operator.job.autoscaler.restart.time", "soon"}});
    CHECK(contains(fallback, "kubernetes.operator.job.autoscaler.restart.time"));
    CHECK(contains(fallback, "\"soon\""));

    const auto slots = option_error({{"taskmanager.numberOfTaskSlots", "two"}});
    CHECK(contains(slots, "taskmanager.numberOfTaskSlots"));
    CHECK(contains(slots, "\"two\""));

    const auto overrides = option_error({{"pipeline.jobvertex-parallelism-overrides", "a:x"}});
    CHECK(contains(overrides, "pipeline.jobvertex-parallelism-overrides"));
    CHECK(contains(overrides, "\"a:x\""));
}

// ---------------------------------------------------------------------------------------------
// Foreign options (§5.5)

TEST_CASE("foreign Flink options are read: scheduler, user overrides, slots per TM, TM process size", "[options]") {
    const auto o = AutoscalerOptions::from({
        {"jobmanager.scheduler", "adaptive"},
        {"pipeline.jobvertex-parallelism-overrides", "0a448493b4782967b150582570326227:2,bc764cd8ddf7a0cff126f51c16239658:4"},
        {"taskmanager.numberOfTaskSlots", "4"},
        {"taskmanager.memory.process.size", "2g"},
    });
    CHECK(o.scheduler == "adaptive");
    CHECK(o.user_parallelism_overrides ==
          std::map<std::string, int>{{"0a448493b4782967b150582570326227", 2}, {"bc764cd8ddf7a0cff126f51c16239658", 4}});
    CHECK(o.slots_per_task_manager == 4);
    CHECK(o.task_manager_memory_bytes == 2LL * 1024 * 1024 * 1024);
}

// ---------------------------------------------------------------------------------------------
// Validation (§5.6)

TEST_CASE("validate accepts the defaults and the inclusive edges of every range", "[options][validate]") {
    CHECK_FALSE(validate(AutoscalerOptions{}).has_value());

    AutoscalerOptions edges;
    edges.scale_down_max_factor = 0.0;
    edges.scale_up_max_factor = 0.0;
    edges.utilization_target = 1.0;
    edges.utilization_boundary = 0.0;
    edges.utilization_max = 1.0;
    edges.utilization_min = 0.0;
    edges.gc_pressure_threshold = 0.0;
    edges.heap_usage_threshold = 1.0;
    edges.observed_scalability_enabled = true;
    edges.observed_scalability_coefficient_min = 0.01;
    edges.effectiveness_detection_enabled = true;
    edges.effectiveness_threshold = 1.0;
    edges.memory_tuning_enabled = true;
    edges.memory_tuning_overhead = 0.0;
    edges.excluded_periods = {"9:00-17:00", "* * 9-11,14-16 * * ?", "9:00-17:00 && * * * ? * MON-FRI"};
    CHECK(validate(edges) == std::nullopt);

    AutoscalerOptions max_equals_target;
    max_equals_target.utilization_target = 0.6;
    max_equals_target.utilization_max = 0.6;
    max_equals_target.utilization_min = 0.6;
    CHECK(validate(max_equals_target) == std::nullopt);
}

TEST_CASE("validate checks conditional rules only when their feature is enabled", "[options][validate]") {
    AutoscalerOptions o;
    o.observed_scalability_coefficient_min = 0.001;
    o.effectiveness_threshold = 1.5;
    o.memory_tuning_overhead = 1.5;
    CHECK(validate(o) == std::nullopt);
    o.observed_scalability_enabled = true;
    CHECK(contains(validate(o).value_or(""), "job.autoscaler.observed-scalability.coefficient-min"));
    o.observed_scalability_enabled = false;
    o.effectiveness_detection_enabled = true;
    CHECK(contains(validate(o).value_or(""), "job.autoscaler.scaling.effectiveness.threshold"));
    o.effectiveness_detection_enabled = false;
    o.memory_tuning_enabled = true;
    CHECK(contains(validate(o).value_or(""), "job.autoscaler.memory.tuning.overhead"));
}

TEST_CASE("validate reports the first violated rule, in the order of §5.6", "[options][validate]") {
    // Every rule violated at once; fixing them one at a time must reveal them in spec order.
    AutoscalerOptions o;
    o.scale_down_max_factor = -0.1;
    o.scale_up_max_factor = -1.0;
    o.utilization_target = 1.5;
    o.utilization_boundary = -0.1;
    o.utilization_max = 0.5;  // below the (fixed) target 0.7
    o.utilization_min = 0.8;  // above the (fixed) target 0.7
    o.gc_pressure_threshold = 1.5;
    o.heap_usage_threshold = -0.5;
    o.observed_scalability_enabled = true;
    o.observed_scalability_coefficient_min = 0.009;
    o.effectiveness_detection_enabled = true;
    o.effectiveness_threshold = -0.1;
    o.memory_tuning_enabled = true;
    o.memory_tuning_overhead = 1.01;
    o.excluded_periods = {"9:00-17:00", "not-a-period"};

    struct Step {
        const char* key;
        std::function<void(AutoscalerOptions&)> fix;
    };
    const std::vector<Step> steps = {
        {"job.autoscaler.scale-down.max-factor", [](auto& x) { x.scale_down_max_factor = 0.5; }},
        {"job.autoscaler.scale-up.max-factor", [](auto& x) { x.scale_up_max_factor = 2.0; }},
        {"job.autoscaler.utilization.target", [](auto& x) { x.utilization_target = 0.7; }},
        {"job.autoscaler.target.utilization.boundary", [](auto& x) { x.utilization_boundary = 0.2; }},
        {"job.autoscaler.utilization.max", [](auto& x) { x.utilization_max = 0.9; }},
        {"job.autoscaler.utilization.min", [](auto& x) { x.utilization_min = 0.5; }},
        {"job.autoscaler.memory.gc-pressure.threshold", [](auto& x) { x.gc_pressure_threshold = 0.5; }},
        {"job.autoscaler.memory.heap-usage.threshold", [](auto& x) { x.heap_usage_threshold = 0.5; }},
        {"job.autoscaler.observed-scalability.coefficient-min",
         [](auto& x) { x.observed_scalability_coefficient_min = 0.01; }},
        {"job.autoscaler.scaling.effectiveness.threshold", [](auto& x) { x.effectiveness_threshold = 0.0; }},
        {"job.autoscaler.memory.tuning.overhead", [](auto& x) { x.memory_tuning_overhead = 1.0; }},
        {"job.autoscaler.excluded.periods", [](auto& x) { x.excluded_periods = {"9:00-17:00"}; }},
    };
    for (const auto& step : steps) {
        INFO("expected rule: " << step.key);
        const auto message = validate(o);
        REQUIRE(message.has_value());
        CHECK(contains(*message, step.key));
        step.fix(o);
    }
    CHECK(validate(o) == std::nullopt);
}

TEST_CASE("validate rejects values outside each range on both sides", "[options][validate]") {
    struct Case {
        const char* key;
        std::function<void(AutoscalerOptions&)> set;
    };
    const std::vector<Case> cases = {
        {"job.autoscaler.utilization.target", [](auto& o) { o.utilization_target = -0.01; }},
        {"job.autoscaler.utilization.target", [](auto& o) { o.utilization_target = 1.01; }},
        {"job.autoscaler.utilization.max", [](auto& o) { o.utilization_max = 1.01; }},
        {"job.autoscaler.utilization.max", [](auto& o) { o.utilization_max = 0.69; }},
        {"job.autoscaler.utilization.min", [](auto& o) { o.utilization_min = -0.01; }},
        {"job.autoscaler.utilization.min", [](auto& o) { o.utilization_min = 0.71; }},
        {"job.autoscaler.memory.gc-pressure.threshold", [](auto& o) { o.gc_pressure_threshold = -0.1; }},
        {"job.autoscaler.memory.heap-usage.threshold", [](auto& o) { o.heap_usage_threshold = 1.1; }},
        {"job.autoscaler.observed-scalability.coefficient-min",
         [](auto& o) {
             o.observed_scalability_enabled = true;
             o.observed_scalability_coefficient_min = 1.01;
         }},
        {"job.autoscaler.scaling.effectiveness.threshold",
         [](auto& o) {
             o.effectiveness_detection_enabled = true;
             o.effectiveness_threshold = 1.01;
         }},
        {"job.autoscaler.memory.tuning.overhead",
         [](auto& o) {
             o.memory_tuning_enabled = true;
             o.memory_tuning_overhead = -0.01;
         }},
    };
    for (const auto& c : cases) {
        AutoscalerOptions o;
        c.set(o);
        INFO(c.key);
        CHECK(contains(validate(o).value_or("<valid>"), c.key));
    }
}

TEST_CASE("an excluded period that does not parse is a validation error naming the option and the expression",
          "[options][validate]") {
    const auto o = AutoscalerOptions::from({{"job.autoscaler.excluded.periods", "9:00-17:00;25:00-26:00"}});
    const auto message = validate(o);
    REQUIRE(message.has_value());
    CHECK(contains(*message, "job.autoscaler.excluded.periods"));
    CHECK(contains(*message, "25:00-26:00"));

    AutoscalerOptions two_ranges;
    two_ranges.excluded_periods = {"9:00-10:00 && 11:00-12:00"};  // two daily ranges in one expression
    CHECK(contains(validate(two_ranges).value_or(""), "job.autoscaler.excluded.periods"));
}

// ---------------------------------------------------------------------------------------------
// Unknown keys

TEST_CASE("unknown_autoscaler_keys reports typos with a suggestion and ignores known, template and foreign keys",
          "[options]") {
    const Configuration conf{
        {"job.autoscaler.metrics.windw", "5 min"},
        {"kubernetes.operator.job.autoscaler.stabilisation.interval", "1 min"},
        {"job.autoscaler.something.completely.different.entirely", "x"},
        {"job.autoscaler.metrics.window", "5 min"},
        {"kubernetes.operator.job.autoscaler.enabled", "true"},
        {"job.autoscaler.target.utilization", "0.5"},
        {"job.autoscaler.scaling.parallelism-alignment.mode.mine.class", "com.example.Mine"},
        {"job.autoscaler.metrics.custom-evaluator.ev.threshold", "3"},
        {"job.autoscaler.scaling.custom-executor.ex.class", "com.example.Ex"},
        {"taskmanager.numberOfTaskSlots", "2"},
        {"jobmanager.scheduler", "adaptive"},
    };
    const auto unknown = unknown_autoscaler_keys(conf);
    REQUIRE(unknown.size() == 3);
    std::set<std::string> reported;
    for (const auto& u : unknown) reported.insert(u.key + (u.suggestion ? " (did you mean " + *u.suggestion + "?)" : ""));
    CHECK(reported.count("job.autoscaler.metrics.windw (did you mean job.autoscaler.metrics.window?)") == 1);
    CHECK(reported.count("kubernetes.operator.job.autoscaler.stabilisation.interval (did you mean "
                         "job.autoscaler.stabilization.interval?)") == 1);
    CHECK(reported.count("job.autoscaler.something.completely.different.entirely") == 1);
    CHECK(unknown_autoscaler_keys({{"job.autoscaler.enabled", "true"}}).empty());
}

// ---------------------------------------------------------------------------------------------
// Key space and precedence of layers (option_layers.hpp)

TEST_CASE("overlay, is_autoscaler_key and autoscaler_relevant", "[options][precedence]") {
    using flinkscaler::autoscaler_relevant;
    using flinkscaler::is_autoscaler_key;
    using flinkscaler::overlay;
    CHECK(is_autoscaler_key("job.autoscaler.anything"));
    CHECK(is_autoscaler_key("kubernetes.operator.job.autoscaler.enabled"));
    CHECK(is_autoscaler_key("pipeline.jobvertex-parallelism-overrides"));
    CHECK(is_autoscaler_key("taskmanager.memory.process.size"));
    CHECK_FALSE(is_autoscaler_key("taskmanager.memory.flink.size"));
    CHECK_FALSE(is_autoscaler_key("kubernetes.operator.reconcile.interval"));
    CHECK(autoscaler_relevant({{"a.b", "1"}, {"jobmanager.scheduler", "adaptive"}}) ==
          Configuration{{"jobmanager.scheduler", "adaptive"}});
    Configuration base = {{"job.autoscaler.scale-down.interval", "1h"}, {"x.y", "1"}};
    overlay(base, {{"job.autoscaler.scale-up.grace-period", "2h"}});
    CHECK(base == Configuration{{"job.autoscaler.scale-up.grace-period", "2h"}, {"x.y", "1"}});
}

TEST_CASE("first_violation names the option a rule is about, as data", "[options][validate]") {
    using flinkscaler::first_violation;
    CHECK_FALSE(first_violation(AutoscalerOptions{}).has_value());
    AutoscalerOptions o;
    o.utilization_max = 0.5;  // below the target 0.7
    auto violation = first_violation(o);
    REQUIRE(violation.has_value());
    CHECK(violation->key == "job.autoscaler.utilization.max");
    CHECK(violation->message == validate(o));
    o = AutoscalerOptions::from({{"job.autoscaler.excluded.periods", "job.autoscaler.enabled"}});
    violation = first_violation(o);
    REQUIRE(violation.has_value());
    // The key comes from the rule, not from reading the message (which quotes the user's text).
    CHECK(violation->key == "job.autoscaler.excluded.periods");
    o = AutoscalerOptions::from({{"kubernetes.operator.job.autoscaler.target.utilization.boundary", "-1"}});
    CHECK(first_violation(o)->key == "job.autoscaler.target.utilization.boundary");
}

TEST_CASE("unknown_autoscaler_keys returns each typo with the main key it is closest to", "[options]") {
    const auto unknown = unknown_autoscaler_keys({
        {"kubernetes.operator.job.autoscaler.metrics.windw", "1"},
        {"job.autoscaler.zzz", "1"},
        {"job.autoscaler.scaling.custom-executor.ex.class", "x"},
        {"kubernetes.operator.reconcile.interval", "1"},
    });
    REQUIRE(unknown.size() == 2);
    CHECK(unknown[0].key == "job.autoscaler.zzz");
    CHECK_FALSE(unknown[0].suggestion.has_value());
    CHECK(unknown[1].key == "kubernetes.operator.job.autoscaler.metrics.windw");
    CHECK(unknown[1].suggestion == "job.autoscaler.metrics.window");
}

TEST_CASE("option key space: canonical keys, plugin parameters, alias groups, known keys", "[options][precedence]") {
    using flinkscaler::canonical_option_key;
    using flinkscaler::is_plugin_parameter;
    using flinkscaler::known_option_keys;
    using flinkscaler::option_alias_group;
    CHECK(canonical_option_key("kubernetes.operator.job.autoscaler.enabled") == "job.autoscaler.enabled");
    CHECK(canonical_option_key("kubernetes.operator.reconcile.interval") == "kubernetes.operator.reconcile.interval");
    CHECK(is_plugin_parameter("kubernetes.operator.job.autoscaler.metrics.custom-evaluator.ev.x"));
    CHECK_FALSE(is_plugin_parameter("job.autoscaler.metrics.custom-evaluators"));
    CHECK(option_alias_group("job.autoscaler.utilization.target") ==
          option_alias_group("job.autoscaler.target.utilization"));
    CHECK(option_alias_group("job.autoscaler.scaling.parallelism-alignment.mode") ==
          option_alias_group("job.autoscaler.scaling.key-group.partitions.adjust.mode"));
    CHECK(option_alias_group("job.autoscaler.enabled") != option_alias_group("job.autoscaler.scaling.enabled"));
    CHECK_FALSE(option_alias_group("jobmanager.scheduler").has_value());
    const auto& known = known_option_keys();
    CHECK(std::find(known.begin(), known.end(), "taskmanager.numberOfTaskSlots") != known.end());
    CHECK(std::find(known.begin(), known.end(), "kubernetes.operator.job.autoscaler.enabled") != known.end());
}
