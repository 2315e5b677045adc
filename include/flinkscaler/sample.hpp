// SPDX-License-Identifier: Apache-2.0
//
// From raw Flink metrics to one collected sample (algorithm.md §2.4-2.7, §3.1-3.2).
// The collector (I/O) fetches RawJobMetrics over REST; everything from there on is pure.
#pragma once

#include "flinkscaler/metrics.hpp"
#include "flinkscaler/numeric.hpp"
#include "flinkscaler/options.hpp"
#include "flinkscaler/topology.hpp"

#include <map>
#include <optional>
#include <set>

namespace flinkscaler {

/// The logical Flink metrics read per vertex (§2.3).
enum class FlinkMetric {
    BUSY_TIME_PER_SEC,
    BACKPRESSURE_TIME_PER_SEC,
    NUM_RECORDS_IN_PER_SEC,
    SOURCE_TASK_NUM_RECORDS_IN_PER_SEC,
    SOURCE_TASK_NUM_RECORDS_IN,
    SOURCE_TASK_NUM_RECORDS_OUT,
    PENDING_RECORDS,
};
std::string_view to_string(FlinkMetric m);
std::optional<FlinkMetric> flink_metric_from_string(std::string_view name);

/// A metric aggregated across subtasks or TaskManagers; NaN = the aggregate was not returned.
struct AggregatedMetric {
    double min = kNaN;
    double max = kNaN;
    double avg = kNaN;
    double sum = kNaN;
    /// Merge of several names mapping to the same logical metric (§2.4): min of mins, max of
    /// maxes, sum of sums, avg unknown.
    static AggregatedMetric merge(const AggregatedMetric& a, const AggregatedMetric& b);
};

/// Vertex IO counters from the job details (`read-records`, `write-records`,
/// `accumulated-busy-time`), summed over subtasks.
struct IoCounters {
    double num_records_in = 0.0;
    double num_records_out = 0.0;
    double accumulated_busy_time = kNaN;
    /// `read-records-complete` / `write-records-complete`: false when Flink summed the counter over
    /// only some subtasks (the others had not reported to its metric store yet). Absent = complete,
    /// so recordings without the flags read as before. Flink has no such flag for busy time.
    bool num_records_in_complete = true;
    bool num_records_out_complete = true;
};

struct RawVertexMetrics {
    std::map<FlinkMetric, AggregatedMetric> metrics;  ///< absent = not queried / not found
    IoCounters io;
};

/// TaskManager aggregates (`agg=min,max,avg`) and JobManager slot gauges (§2.5).
struct RawGlobalMetrics {
    std::optional<AggregatedMetric> heap_max;
    std::optional<AggregatedMetric> heap_used;
    std::optional<AggregatedMetric> managed_used;
    std::optional<AggregatedMetric> metaspace_used;
    std::optional<AggregatedMetric> gc_time_ms_per_second;
    std::optional<double> task_slots_total;
    std::optional<double> task_slots_available;
};

/// Everything fetched from Flink for one job in one cycle.
struct RawJobMetrics {
    std::map<VertexId, RawVertexMetrics> vertices;
    RawGlobalMetrics global;
};

/// Where NUM_RECORDS_IN of a vertex comes from (algorithm.md §3.1.4): the first of `read-records`,
/// then for a source whose value so far is 0 the source operator's records-in, then its records-out.
enum class RecordsInOrigin { ReadRecords, SourceTaskRecordsIn, SourceTaskRecordsOut };
struct RecordsIn {
    double value;  ///< before the final max(0, ·)
    RecordsInOrigin origin;
};
RecordsIn records_in(bool is_source, const RawVertexMetrics& raw);

/// Computes the collected sample of one cycle (§3.1 for every vertex of the topology, §3.2).
/// `previous` is the history before this sample (for the OBSERVED_TPR carry-forward).
/// A finished vertex gets the synthetic values of §2.7. A vertex whose busy time is unknown
/// gets LOAD = NaN and is added to `excluded_this_cycle` (when non-null). A vertex of the
/// topology without raw metrics is treated as having returned nothing.
CollectedSample compute_sample(const JobTopology& topology, const RawJobMetrics& raw, const MetricHistory& previous,
                               const AutoscalerOptions& options, std::set<VertexId>* excluded_this_cycle);

}  // namespace flinkscaler
