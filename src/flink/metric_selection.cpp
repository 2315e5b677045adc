// SPDX-License-Identifier: Apache-2.0
#include "flink/metric_selection.hpp"

#include <algorithm>
#include <optional>

namespace flinkscaler::flink {

namespace {

bool is_source_operator_metric(std::string_view name, std::string_view suffix) {
    return name.starts_with("Source__") && name.ends_with(suffix);
}

std::optional<std::string> smallest_matching(const std::vector<std::string>& sorted,
                                             bool (*matches)(std::string_view)) {
    for (const auto& name : sorted)
        if (matches(name)) return name;
    return std::nullopt;
}

}  // namespace

std::vector<std::string> VertexMetricSelection::request_names() const {
    std::vector<std::string> out;
    for (const auto& [name, metric] : names) out.push_back(name);
    return out;
}

VertexMetricSelection select_vertex_metrics(const std::vector<std::string>& available, bool is_source) {
    std::vector<std::string> sorted = available;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());

    VertexMetricSelection selection;
    const auto pick = [&](FlinkMetric metric, bool required, bool (*matches)(std::string_view)) {
        if (auto name = smallest_matching(sorted, matches)) selection.names.emplace_back(*name, metric);
        else if (required) selection.missing_required.push_back(metric);
    };

    pick(FlinkMetric::BUSY_TIME_PER_SEC, true, [](std::string_view n) { return n == "busyTimeMsPerSecond"; });
    if (is_source) {
        pick(FlinkMetric::BACKPRESSURE_TIME_PER_SEC, true,
             [](std::string_view n) { return n == "backPressuredTimeMsPerSecond"; });
        pick(FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC, true,
             [](std::string_view n) { return is_source_operator_metric(n, ".numRecordsInPerSecond"); });
        pick(FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN, true,
             [](std::string_view n) { return is_source_operator_metric(n, ".numRecordsIn"); });
        pick(FlinkMetric::SOURCE_TASK_NUM_RECORDS_OUT, false,
             [](std::string_view n) { return is_source_operator_metric(n, ".numRecordsOut"); });
        bool any_pending = false;
        for (const auto& name : sorted) {
            if (std::string_view(name).ends_with(".pendingRecords")) {
                selection.names.emplace_back(name, FlinkMetric::PENDING_RECORDS);
                any_pending = true;
            }
        }
        selection.source_without_backlog = !any_pending;
    } else {
        pick(FlinkMetric::NUM_RECORDS_IN_PER_SEC, false,
             [](std::string_view n) { return n == "numRecordsInPerSecond"; });
    }
    return selection;
}

std::map<FlinkMetric, AggregatedMetric> to_logical_metrics(const VertexMetricSelection& selection,
                                                           const std::map<std::string, AggregatedMetric>& answer) {
    std::map<FlinkMetric, AggregatedMetric> out;
    for (const auto& [name, metric] : selection.names) {
        auto it = answer.find(name);
        if (it == answer.end()) continue;
        auto [existing, inserted] = out.try_emplace(metric, it->second);
        if (!inserted) existing->second = AggregatedMetric::merge(existing->second, it->second);
    }
    return out;
}

std::vector<std::string> get_parameters(const std::vector<std::string>& names, std::size_t max_bytes) {
    std::vector<std::string> batches;
    std::string current;
    for (const auto& name : names) {
        const std::string encoded = percent_encode(name);
        if (!current.empty() && current.size() + 1 + encoded.size() > max_bytes) {
            batches.push_back(std::move(current));
            current.clear();
        }
        if (!current.empty()) current.push_back(',');
        current += encoded;
    }
    if (!current.empty()) batches.push_back(std::move(current));
    return batches;
}

std::vector<std::string> task_manager_metric_names(bool with_gc) {
    std::vector<std::string> names{std::string(kHeapMax), std::string(kHeapUsed), std::string(kManagedUsed),
                                   std::string(kMetaspaceUsed)};
    if (with_gc) names.emplace_back(kGcTimePerSecond);
    return names;
}

RawGlobalMetrics to_global_metrics(const std::map<std::string, AggregatedMetric>& task_managers,
                                   const std::map<std::string, double>& job_manager) {
    const auto tm = [&](std::string_view name) -> std::optional<AggregatedMetric> {
        auto it = task_managers.find(std::string(name));
        if (it == task_managers.end()) return std::nullopt;
        return it->second;
    };
    const auto jm = [&](std::string_view name) -> std::optional<double> {
        auto it = job_manager.find(std::string(name));
        if (it == job_manager.end()) return std::nullopt;
        return it->second;
    };
    RawGlobalMetrics g;
    g.heap_max = tm(kHeapMax);
    g.heap_used = tm(kHeapUsed);
    g.managed_used = tm(kManagedUsed);
    g.metaspace_used = tm(kMetaspaceUsed);
    g.gc_time_ms_per_second = tm(kGcTimePerSecond);
    g.task_slots_total = jm(kTaskSlotsTotal);
    g.task_slots_available = jm(kTaskSlotsAvailable);
    return g;
}

}  // namespace flinkscaler::flink
