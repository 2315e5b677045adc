// SPDX-License-Identifier: Apache-2.0
//
// The metrics a Flink JobManager would hold in its MetricStore for the current model state:
// per-subtask task and operator metrics of every running vertex, job-scope metrics, TaskManager
// and JobManager metrics, and the IO counters of /jobs/:jid. A snapshot is a value: the server
// keeps the last one to reproduce the fetcher's staleness (flink-rest.md §2.1).
#pragma once

#include "sim/model/cluster.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace flinkscaler::sim {

/// One metric of a vertex, one value per subtask. `integer` metrics (counters, long gauges)
/// print as "15000", the others as Java doubles ("702.0").
struct MetricSeries {
    std::string name;
    bool integer = false;
    std::vector<double> values;
    std::vector<char> present;  ///< empty: every subtask has the metric
    bool has(std::size_t subtask) const { return subtask < values.size() && (present.empty() || present[subtask]); }
};

struct ScalarMetric {
    std::string name;
    bool integer = false;
    double value = 0;
};

/// IOMetricsInfo of one vertex (summed over subtasks).
struct IoCounters {
    double read_records = 0, write_records = 0;
    double read_bytes = 0, write_bytes = 0;
    double busy_ms = 0;  ///< NaN when busy time is not measured
    double backpressured_ms = 0, idle_ms = 0;
};

struct VertexSnapshot {
    std::string id;
    int parallelism = 0;
    std::vector<MetricSeries> series;
};

struct JobSnapshot {
    std::uint64_t attempt = 0;
    std::vector<VertexSnapshot> vertices;  ///< empty unless the tasks were running
    std::vector<IoCounters> io;            ///< per vertex, in spec order
    std::vector<ScalarMetric> metrics;     ///< job scope on the JM (numRestarts, uptime, ...)
};

struct TaskManagerSnapshot {
    std::string id;
    std::vector<ScalarMetric> metrics;
};

struct ClusterSnapshot {
    double taken_at_s = 0;
    std::map<std::string, JobSnapshot> jobs;  ///< by job id
    std::vector<TaskManagerSnapshot> taskmanagers;
    std::vector<ScalarMetric> jobmanager;
};

ClusterSnapshot take_snapshot(const Cluster& cluster);

std::vector<MetricSeries> vertex_metrics(const Job& job, std::size_t vertex);
IoCounters io_counters(const Job& job, std::size_t vertex);
std::vector<ScalarMetric> job_metrics(const Cluster& cluster, const Job& job);
std::vector<TaskManagerSnapshot> taskmanager_metrics(const Cluster& cluster);
std::vector<ScalarMetric> jobmanager_metrics(const Cluster& cluster);

/// The operators of a vertex in chain order: the head operator, then the parts of the vertex
/// name after the first " -> ".
std::vector<std::string> chained_operators(const VertexSpec& vertex);

}  // namespace flinkscaler::sim
