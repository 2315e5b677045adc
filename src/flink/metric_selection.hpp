// SPDX-License-Identifier: Apache-2.0
//
// Which Flink metric names to ask for, and how the answers map back to the algorithm's logical
// metrics (algorithm.md §2.3-2.5, flink-rest.md §2.3 and §2.6). Pure: no I/O.
#pragma once

#include "http/text.hpp"
#include "flinkscaler/sample.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler::flink {

/// The names to request for one vertex, each with the logical metric it feeds.
struct VertexMetricSelection {
    std::vector<std::pair<std::string, FlinkMetric>> names;
    /// Required logical metrics with no matching name (busy time; for sources also backpressure,
    /// records-in and records-in-per-second). Non-empty means "metric not found" (§1.3 step 7).
    std::vector<FlinkMetric> missing_required;
    /// A source without any *.pendingRecords name (legacy or idle source: no backlog known).
    bool source_without_backlog = false;

    std::vector<std::string> request_names() const;
};

/// Applies the matching rules of §2.3 to the names a vertex lists. Where several names match a
/// single-name rule, the smallest name is taken (deterministic; the reference takes any).
VertexMetricSelection select_vertex_metrics(const std::vector<std::string>& available, bool is_source);

/// Maps an aggregated-metrics answer back to logical metrics; several names of one logical
/// metric (e.g. two *.pendingRecords) are merged (§2.4).
std::map<FlinkMetric, AggregatedMetric> to_logical_metrics(const VertexMetricSelection& selection,
                                                           const std::map<std::string, AggregatedMetric>& answer);

/// Metric names go into `get=` percent-encoded (only A-Z a-z 0-9 - _ . ~ stay as they are).
using http::percent_encode;

/// The `get=` values for `names`: each name encoded, joined with ',', split so that no value is
/// longer than `max_bytes` (Netty's request-line limit, flink-rest.md §2.6).
std::vector<std::string> get_parameters(const std::vector<std::string>& names, std::size_t max_bytes = 3000);

// ---- TaskManager and JobManager metrics (§2.5) --------------------------------------------

inline constexpr std::string_view kHeapMax = "Status.JVM.Memory.Heap.Max";
inline constexpr std::string_view kHeapUsed = "Status.JVM.Memory.Heap.Used";
inline constexpr std::string_view kManagedUsed = "Status.Flink.Memory.Managed.Used";
inline constexpr std::string_view kMetaspaceUsed = "Status.JVM.Memory.Metaspace.Used";
inline constexpr std::string_view kGcTimePerSecond = "Status.JVM.GarbageCollector.All.TimeMsPerSecond";
inline constexpr std::string_view kTaskSlotsTotal = "taskSlotsTotal";
inline constexpr std::string_view kTaskSlotsAvailable = "taskSlotsAvailable";

/// The TaskManager names to request: the four memory gauges, plus the GC gauge when `with_gc`.
std::vector<std::string> task_manager_metric_names(bool with_gc);

/// Builds the global raw metrics from the TaskManager aggregates and JobManager values.
RawGlobalMetrics to_global_metrics(const std::map<std::string, AggregatedMetric>& task_managers,
                                   const std::map<std::string, double>& job_manager);

}  // namespace flinkscaler::flink
