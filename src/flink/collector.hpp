// SPDX-License-Identifier: Apache-2.0
//
// Collects what one cycle of the algorithm needs for one job (algorithm.md §1.3 steps 2-8):
// job details and topology, Kafka/Pulsar partition counts, every vertex's metrics in one request,
// TaskManager memory/GC aggregates and JobManager slot gauges. Metric-name lists are cached per
// job while its vertex set and RUNNING timestamp stay the same (sources are re-listed every
// cycle because pendingRecords appears lazily), so a steady job costs one listing per source,
// one details call and one values call per vertex.
#pragma once

#include "flink/flink_api.hpp"
#include "flink/metric_selection.hpp"

#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace flinkscaler::flink {

/// A required metric (busy time; for sources also backpressure and records-in) is not listed
/// for a vertex. During stabilization this means "not ready yet", afterwards it is an error
/// (algorithm.md §1.3 step 7): the caller decides, so the exception carries the details.
struct MetricNotFound : std::runtime_error {
    MetricNotFound(const std::string& job, const VertexId& vertex, std::vector<FlinkMetric> missing,
                   Instant running_since);
    VertexId vertex;
    std::vector<FlinkMetric> missing;
    /// `timestamps.RUNNING` of the job, so the caller can tell whether it is still stabilizing.
    Instant running_since;
};

struct CollectedJob {
    JobDetails details;
    JobTopology topology;
    Instant running_since;
    RawJobMetrics metrics;
    /// Things an operator should know but that do not stop the cycle (e.g. a source without
    /// pendingRecords, an empty metric answer while Flink's metric fetcher warms up).
    std::vector<std::string> warnings;
};

class MetricCollector {
public:
    explicit MetricCollector(FlinkApi& api) : api_(api) {}

    /// Collects one job. nullopt: the job is not ready (INITIALIZING placeholder graph without
    /// vertices or plan, or no longer RUNNING by the time its details are read). Throws
    /// FlinkApiError, MetricNotFound, or ResponseError when a RUNNING job has no RUNNING timestamp.
    std::optional<CollectedJob> collect(const std::string& job);

    /// Drops every cache of the job (it vanished or was disabled).
    void forget(const std::string& job);

private:
    struct JobCache {
        std::set<VertexId> vertex_set;
        std::optional<Instant> running_since;
        std::map<VertexId, VertexMetricSelection> selections;  ///< non-source vertices only
        std::optional<bool> task_managers_report_gc;
    };

    JobCache cache_of(const std::string& job);
    void store(const std::string& job, JobCache cache);
    RawGlobalMetrics collect_global(JobCache& cache);

    FlinkApi& api_;
    std::mutex mutex_;  ///< guards caches_; REST calls run outside it
    std::map<std::string, JobCache> caches_;
};

}  // namespace flinkscaler::flink
