// SPDX-License-Identifier: Apache-2.0
//
// Parsing a Flink configuration into AutoscalerOptions through the option table
// (options_table.cpp): which spelling of a key is present, the alignment-mode special case of
// algorithm.md §4.5, and the foreign options of §5.5.
#include "flinkscaler/options.hpp"

#include "option_table.hpp"

#include "flinkscaler/config_values.hpp"
#include "flinkscaler/option_layers.hpp"

#include <algorithm>
#include <cctype>

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

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

AlignmentMode parse_legacy_adjust_mode(const std::string& v) {
    const auto u = upper(v);
    if (u == "EVENLY_SPREAD") return AlignmentMode::LEGACY_EVENLY_SPREAD;
    if (u == "MAXIMIZE_UTILISATION") return AlignmentMode::LEGACY_MAXIMIZE_UTILISATION;
    throw ValueError("expected one of EVENLY_SPREAD, MAXIMIZE_UTILISATION");
}

template <typename Parse>
void parse_foreign(const Configuration& conf, std::string_view key, Parse&& parse) {
    auto it = conf.find(std::string(key));
    if (it == conf.end()) return;
    try {
        parse(it->second);
    } catch (const ValueError& e) {
        throw OptionError(std::string(key), it->second, e.what());
    }
}

}  // namespace

BusyTimeAggregator detail::parse_busy_time_aggregator(const std::string& v) {
    const auto u = upper(v);
    if (u == "AVG") return BusyTimeAggregator::AVG;
    if (u == "MAX") return BusyTimeAggregator::MAX;
    if (u == "MIN") return BusyTimeAggregator::MIN;
    throw ValueError("expected one of AVG, MAX, MIN");
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
    for (const auto& e : detail::option_entries()) {
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
    const auto& mode_spec = detail::option_entry("job.autoscaler.scaling.parallelism-alignment.mode").spec;
    const auto& legacy_spec = detail::option_entry("job.autoscaler.scaling.key-group.partitions.adjust.mode").spec;
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

    parse_foreign(conf, kSchedulerKey, [&](const std::string& v) { options.scheduler = v; });
    parse_foreign(conf, kParallelismOverridesKey, [&](const std::string& v) {
        for (const auto& [vertex, parallelism] : parse_map(v)) options.user_parallelism_overrides[vertex] = parse_int(parallelism);
    });
    parse_foreign(conf, kTaskSlotsKey, [&](const std::string& v) { options.slots_per_task_manager = parse_int(v); });
    parse_foreign(conf, kProcessMemoryKey,
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

}  // namespace flinkscaler
