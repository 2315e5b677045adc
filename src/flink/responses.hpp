// SPDX-License-Identifier: Apache-2.0
//
// Typed views of the Flink REST responses flinkscaler reads (../shared/spec/flink-rest.md), and
// the pure parsers that build them from response bodies. Parsers are tolerant where Flink is
// (unknown fields ignored, numbers given as "NaN"/"Infinity" strings accepted) and strict where
// a wrong value would mislead the algorithm; every problem is a ResponseError that names the
// endpoint and the JSON path.
#pragma once

#include "flinkscaler/options.hpp"
#include "flinkscaler/sample.hpp"
#include "flinkscaler/time.hpp"
#include "flinkscaler/topology.hpp"

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler::flink {

/// A body that does not have the documented shape. The parsers' messages start with the JSON
/// path ("$.jobs[2].state: missing", "$: not JSON: ..."); the client prefixes cluster, job
/// and endpoint.
struct ResponseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// `flink-version` parsed leniently: "1.20.1", "2.0-SNAPSHOT", "1.18.1-vendor" -> major.minor.
struct FlinkVersion {
    int major = 0;
    int minor = 0;
    std::string text;
    bool at_least(int major_, int minor_) const { return major > major_ || (major == major_ && minor >= minor_); }
    /// Whether `agg=skew` exists (1.20+).
    bool supports_skew() const { return at_least(1, 20); }
};
FlinkVersion parse_flink_version(std::string_view text);

/// GET /config (dashboard configuration).
struct DashboardConfig {
    FlinkVersion version;
    std::int64_t refresh_interval_ms = 3000;
};
DashboardConfig parse_dashboard_config(std::string_view body);

/// GET /overview.
struct ClusterOverview {
    FlinkVersion version;
    int task_managers = 0;
    int slots_total = 0;
    int slots_available = 0;
};
ClusterOverview parse_cluster_overview(std::string_view body);

/// One entry of GET /jobs/overview.
struct JobOverview {
    std::string id;
    std::string name;
    std::string state;  ///< JobStatus as Flink wrote it (RUNNING, FINISHED, ...)
    int tasks_total = 0;
    int tasks_running = 0;
    int tasks_finished = 0;
    /// algorithm.md §1.1 step 3: RUNNING with some task not yet running counts as CREATED.
    std::string effective_state() const;
};
std::vector<JobOverview> parse_jobs_overview(std::string_view body);

/// A vertex of GET /jobs/:jid.
struct VertexDetails {
    VertexId id;
    std::string name;
    int parallelism = 1;
    int max_parallelism = 128;
    std::string status;  ///< aggregated ExecutionState, e.g. RUNNING, FINISHED
    std::optional<std::string> slot_sharing_group;  ///< 1.20+
    IoCounters io;
};

/// One node of the job plan (DAG with ship strategies).
struct PlanNode {
    VertexId id;
    int parallelism = 1;
    /// Upstream vertex id -> ship strategy text as Flink wrote it. Absent key = source.
    std::vector<std::pair<VertexId, std::string>> inputs;
};

/// GET /jobs/:jid.
struct JobDetails {
    std::string id;
    std::string name;
    std::string state;
    /// `timestamps.RUNNING`; absent when 0 (never entered) or missing.
    std::optional<Instant> running_since;
    std::vector<VertexDetails> vertices;
    std::vector<PlanNode> plan;
    /// INITIALIZING placeholder graphs have no vertices or no plan: not ready, not an error.
    bool ready() const { return !vertices.empty() && !plan.empty(); }
    /// The algorithm's topology: plan edges, vertex parallelism/max parallelism/status/slot
    /// sharing group from `vertices`, partition counts from `source_partitions` (defined in
    /// topology_mapping.cpp: a translation to the core's model, not parsing).
    /// Throws ResponseError when plan and vertices disagree, TopologyError on a cyclic graph.
    JobTopology topology(const std::map<VertexId, int>& source_partitions = {}) const;
    /// IO counters per vertex (finished vertices report 0, 0, 0: algorithm.md §2.2).
    std::map<VertexId, IoCounters> io_counters() const;
};
JobDetails parse_job_details(std::string_view body);

/// GET /jobs/:jid/jobmanager/config and GET /jobmanager/config: [{key, value}, ...].
Configuration parse_jobmanager_config(std::string_view body);

/// GET .../subtasks/metrics or /taskmanagers/metrics without `get`: [{id}, ...].
std::vector<std::string> parse_metric_names(std::string_view body);

/// GET .../subtasks/metrics?get=... or /taskmanagers/metrics?get=...: [{id, min, max, avg, sum, skew}].
/// Aggregates left out by the server stay NaN. Values may be numbers or "NaN"/"Infinity" strings.
std::map<std::string, AggregatedMetric> parse_aggregated_metrics(std::string_view body);

/// GET /jobmanager/metrics?get=... (values are strings): name -> value; a value that does not
/// parse as a number is left out.
std::map<std::string, double> parse_metric_values(std::string_view body);

/// Flink's error body {"errors": [...]}; empty when the body is not of that shape.
std::vector<std::string> parse_error_messages(std::string_view body);

}  // namespace flinkscaler::flink
