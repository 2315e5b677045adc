// SPDX-License-Identifier: Apache-2.0
#include "sim/rest/metric_query.hpp"

#include "sim/rest/java_format.hpp"

#include "flinkscaler/config_values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

namespace flinkscaler::sim {

namespace {

using flinkscaler::to_lower;

// Java's Math.min/max propagate NaN; std::min/max do not.
double java_min(double a, double b) { return std::isnan(a) || std::isnan(b) ? std::nan("") : std::min(a, b); }
double java_max(double a, double b) { return std::isnan(a) || std::isnan(b) ? std::nan("") : std::max(a, b); }

std::optional<int> to_int(std::string_view text) {
    int value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size() || value < 0) return std::nullopt;
    return value;
}

}  // namespace

nlohmann::ordered_json json_number(double value) {
    if (std::isfinite(value)) return value;
    return java_double(value);
}

std::optional<Aggregations> parse_aggregations(const std::optional<std::string>& agg, const Version& version,
                                               std::string& error) {
    Aggregations a;
    if (!agg) {
        a.min = a.max = a.avg = a.sum = true;
        a.skew = version.has_skew();
        return a;
    }
    for (const auto& part : split_names(*agg)) {
        const std::string v = to_lower(part);
        if (v == "min") a.min = true;
        else if (v == "max") a.max = true;
        else if (v == "avg") a.avg = true;
        else if (v == "sum") a.sum = true;
        else if (v == "skew" && version.has_skew()) a.skew = true;
        else {
            error = "Cannot resolve query parameter (agg) from value \"" + part + "\".";
            return std::nullopt;
        }
    }
    return a;
}

std::optional<std::vector<int>> parse_subtask_ranges(std::string_view text, std::string& error) {
    std::vector<int> out;
    for (const auto& part : split_names(text)) {
        const auto dash = part.find('-');
        const auto first = to_int(std::string_view(part).substr(0, dash));
        const auto last = dash == std::string::npos ? first : to_int(std::string_view(part).substr(dash + 1));
        if (!first || !last || *last < *first) {
            error = "Cannot resolve query parameter (subtasks) from value \"" + std::string(text) + "\".";
            return std::nullopt;
        }
        for (int i = *first; i <= *last && out.size() < 100000; ++i) out.push_back(i);
    }
    return out;
}

std::vector<std::string> split_names(std::string_view text) {
    std::vector<std::string> out;
    while (true) {
        const auto comma = text.find(',');
        const auto part = text.substr(0, comma);
        if (!part.empty()) out.emplace_back(part);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

nlohmann::ordered_json list_names(const std::vector<MetricComponent>& components, const HiddenMetric& hidden) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    std::set<std::string_view> seen;
    for (const auto& c : components)
        for (const auto& [name, value] : c.entries)
            if (!(hidden && hidden(name)) && seen.insert(name).second) out.push_back({{"id", name}});
    return out;
}

nlohmann::ordered_json aggregate(const std::vector<MetricComponent>& components, const std::vector<std::string>& names,
                                 const Aggregations& agg, const HiddenMetric& hidden) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& name : names) {
        std::vector<double> values;
        if (!(hidden && hidden(name)))
            for (const auto& c : components)
                if (const auto* v = c.find(name)) values.push_back(v->first);
        if (values.empty()) return nlohmann::ordered_json::array();  // Flink: one unknown name empties all
        double mn = values.front(), mx = values.front(), sum = 0;
        for (const double v : values) {
            mn = java_min(mn, v);
            mx = java_max(mx, v);
            sum += v;
        }
        const double avg = sum / static_cast<double>(values.size());
        nlohmann::ordered_json entry = {{"id", name}};
        if (agg.min) entry["min"] = json_number(mn);
        if (agg.max) entry["max"] = json_number(mx);
        if (agg.avg) entry["avg"] = json_number(avg);
        if (agg.sum) entry["sum"] = json_number(sum);
        if (agg.skew) {
            // Mean absolute deviation relative to the mean, in percent, capped at 100.
            double skew = 0;
            if (avg != 0 && std::isfinite(avg)) {
                double deviation = 0;
                for (const double v : values) deviation += std::fabs(v - avg);
                deviation /= static_cast<double>(values.size());
                skew = std::min(100.0, deviation / std::fabs(avg) * 100.0);
            } else if (std::isnan(avg)) {
                skew = avg;
            }
            entry["skew"] = json_number(skew);
        }
        out.push_back(std::move(entry));
    }
    return out;
}

nlohmann::ordered_json raw_values(const MetricComponent& component, const std::vector<std::string>& names,
                                  const HiddenMetric& hidden) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& name : names) {
        if (hidden && hidden(name)) continue;
        if (const auto* v = component.find(name))
            out.push_back({{"id", name}, {"value", metric_value_text(v->first, v->second)}});
    }
    return out;
}

}  // namespace flinkscaler::sim
