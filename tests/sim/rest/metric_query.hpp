// SPDX-License-Identifier: Apache-2.0
//
// The metric handlers' semantics over a set of components (subtasks, TaskManagers, ...):
// listing, aggregation with Flink's "one unknown name empties the answer" rule, and raw values
// with unknown names silently dropped (flink-rest.md §2.3, §2.4). Pure functions.
#pragma once

#include "sim/model/version.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flinkscaler::sim {

/// The metrics of one component: (name, (value, is integer)).
struct MetricComponent {
    std::vector<std::pair<std::string, std::pair<double, bool>>> entries;
    const std::pair<double, bool>* find(std::string_view name) const {
        for (const auto& e : entries)
            if (e.first == name) return &e.second;
        return nullptr;
    }
};

/// Names a fault removes from listings and values.
using HiddenMetric = std::function<bool(std::string_view name)>;

struct Aggregations {
    bool min = false, max = false, avg = false, sum = false, skew = false;
};

/// `agg` parameter: case-insensitive min/max/avg/sum and (1.20+) skew. Absent = all the
/// version supports. On an unknown value returns nullopt and sets `error` to the text that
/// follows "Bad request, could not parse parameters: ".
std::optional<Aggregations> parse_aggregations(const std::optional<std::string>& agg, const Version& version,
                                               std::string& error);
/// `subtasks` parameter: "0,2,5-7".
std::optional<std::vector<int>> parse_subtask_ranges(std::string_view text, std::string& error);
/// `get` parameter: names separated by ',' (already URL-decoded), empty parts dropped.
std::vector<std::string> split_names(std::string_view text);

/// `[{"id": name}, ...]`: the union of names over the components, in first-seen order.
nlohmann::ordered_json list_names(const std::vector<MetricComponent>& components, const HiddenMetric& hidden);
/// `[{"id", "min", "max", "avg", "sum", "skew"}, ...]` in request order, or `[]` when one
/// requested name has no value in any component.
nlohmann::ordered_json aggregate(const std::vector<MetricComponent>& components, const std::vector<std::string>& names,
                                 const Aggregations& aggregations, const HiddenMetric& hidden);
/// `[{"id", "value"}, ...]` with values as strings; unknown names are left out.
nlohmann::ordered_json raw_values(const MetricComponent& component, const std::vector<std::string>& names,
                                  const HiddenMetric& hidden);

/// A double as Flink's Jackson writes it: a number, or "NaN"/"Infinity"/"-Infinity".
nlohmann::ordered_json json_number(double value);

}  // namespace flinkscaler::sim
