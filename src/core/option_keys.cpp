// SPDX-License-Identifier: Apache-2.0
//
// The option key space and the precedence of layers (include/flinkscaler/option_layers.hpp).
#include "flinkscaler/option_layers.hpp"

#include <algorithm>
#include <map>

namespace flinkscaler {

namespace {

constexpr std::string_view kOperatorAutoscalerPrefix = "kubernetes.operator.job.autoscaler.";
constexpr std::string_view kAlignmentModeKey = "job.autoscaler.scaling.parallelism-alignment.mode";
constexpr std::string_view kLegacyAlignmentModeKey = "job.autoscaler.scaling.key-group.partitions.adjust.mode";

// Every spelling of every declared option -> a group number. The new and the legacy alignment-mode
// options share a group: AutoscalerOptions::from lets the new key win whenever it is present, so
// without this a lower level's new key would beat a higher level's legacy key.
struct AliasGroups {
    std::map<std::string, std::size_t, std::less<>> group_of;
    std::vector<std::vector<std::string>> keys;
};

const AliasGroups& alias_groups() {
    static const AliasGroups groups = [] {
        AliasGroups g;
        std::optional<std::size_t> alignment_group;
        for (const auto& spec : autoscaler_option_specs()) {
            const bool alignment = spec.key == kAlignmentModeKey || spec.key == kLegacyAlignmentModeKey;
            std::size_t id = g.keys.size();
            if (alignment && alignment_group) id = *alignment_group;
            else g.keys.emplace_back();
            if (alignment) alignment_group = id;
            auto add = [&](std::string_view key) {
                g.group_of.emplace(std::string(key), id);
                g.keys[id].emplace_back(key);
            };
            add(spec.key);
            for (auto k : spec.fallback_keys) add(k);
            for (auto k : spec.deprecated_keys) add(k);
        }
        return g;
    }();
    return groups;
}

}  // namespace

std::string_view canonical_option_key(std::string_view key) {
    if (key.starts_with(kOperatorAutoscalerPrefix)) key.remove_prefix(kOperatorPrefix.size());
    return key;
}

bool is_plugin_parameter(std::string_view key) {
    const auto canonical = canonical_option_key(key);
    return std::any_of(kPluginParameterPrefixes.begin(), kPluginParameterPrefixes.end(),
                       [&](std::string_view prefix) { return canonical.starts_with(prefix); });
}

bool is_autoscaler_key(const std::string& key) {
    if (key.starts_with(kAutoscalerPrefix) || key.starts_with(kOperatorAutoscalerPrefix)) return true;
    return std::find(kForeignOptionKeys.begin(), kForeignOptionKeys.end(), key) != kForeignOptionKeys.end();
}

Configuration autoscaler_relevant(const Configuration& conf) {
    Configuration kept;
    for (const auto& [key, value] : conf)
        if (is_autoscaler_key(key)) kept.emplace(key, value);
    return kept;
}

std::optional<std::size_t> option_alias_group(std::string_view key) {
    const auto& g = alias_groups();
    const auto it = g.group_of.find(key);
    if (it == g.group_of.end()) return std::nullopt;
    return it->second;
}

const std::vector<std::string_view>& known_option_keys() {
    // The spellings in key order, then the foreign keys: the order decides between equally close
    // candidates of a "did you mean" hint.
    static const std::vector<std::string_view> keys = [] {
        std::vector<std::string_view> out;
        for (const auto& [key, group] : alias_groups().group_of) out.push_back(key);
        out.insert(out.end(), kForeignOptionKeys.begin(), kForeignOptionKeys.end());
        return out;
    }();
    return keys;
}

void overlay(Configuration& base, const Configuration& top) {
    // First drop every spelling of every option `top` sets, then copy: `top` may itself hold two
    // spellings of one option (a job's Flink configuration can), and both must survive so that
    // present_key decides between them exactly as Flink would.
    const auto& groups = alias_groups();
    for (const auto& [key, value] : top)
        if (const auto group = option_alias_group(key))
            for (const auto& alias : groups.keys[*group]) base.erase(alias);
    for (const auto& [key, value] : top) base[key] = value;
}

}  // namespace flinkscaler
