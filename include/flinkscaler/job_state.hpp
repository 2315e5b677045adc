// SPDX-License-Identifier: Apache-2.0
//
// The persisted per-job state of algorithm.md §7.1 as plain structs, each with a JSON form that
// round-trips NaN/Infinity (as "NaN"/"Infinity"/"-Infinity" strings) and exact millisecond
// timestamps (ISO-8601 map keys).
#pragma once

#include "flinkscaler/metrics.hpp"
#include "flinkscaler/options.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <vector>

namespace flinkscaler {

/// One committed decision for one vertex.
struct ScalingSummary {
    int current_parallelism = 0;
    int new_parallelism = 0;
    EvaluatedVertexMetrics metrics;
    bool operator==(const ScalingSummary&) const = default;
};

/// timestamp -> decision, oldest first.
using VertexScalingHistory = std::map<Instant, ScalingSummary>;
/// vertex -> its decisions.
using ScalingHistory = std::map<VertexId, VertexScalingHistory>;

/// Restart-duration tracking (§1.4): scaling start -> observed restart duration (empty until seen).
struct ScalingTracking {
    std::map<Instant, std::optional<Millis>> records;
    bool operator==(const ScalingTracking&) const = default;
};

/// Delayed scale-down (§4.8): per vertex, when it first wanted to scale down and a monotonic
/// queue (strictly decreasing parallelism from head to tail) of its recommendations.
struct DelayedScaleDown {
    struct Recommendation {
        Instant trigger_time;
        int parallelism = 0;
        bool outside_utilization_bound = false;
        bool operator==(const Recommendation&) const = default;
    };
    struct VertexEntry {
        Instant first_trigger_time;
        std::vector<Recommendation> recommendations;
        bool operator==(const VertexEntry&) const = default;
    };
    std::map<VertexId, VertexEntry> vertices;
    /// Set by every mutation; the owner persists the state when it is true and resets it.
    bool updated = false;

    /// Records a scale-down wish at `t`; returns the vertex entry.
    const VertexEntry& trigger(const VertexId& vertex, Instant t, int parallelism, bool outside);
    /// Drops recommendations older than `start` and returns the largest remaining one.
    /// Precondition: the vertex has an entry (triggered in the same cycle).
    Recommendation max_recommended(const VertexId& vertex, Instant start);
    void clear_vertex(const VertexId& vertex);
    void clear_all();
    bool operator==(const DelayedScaleDown& o) const { return vertices == o.vertices; }
};

/// Everything the autoscaler keeps for one job between cycles.
struct JobState {
    MetricHistory metric_history;
    ScalingHistory scaling_history;
    ScalingTracking scaling_tracking;
    DelayedScaleDown delayed_scale_down;
    /// vertex -> parallelism of the last committed decision (every vertex of the job then).
    std::map<VertexId, int> parallelism_overrides;
    bool operator==(const JobState&) const = default;
};

// ---- retention (§7.1) --------------------------------------------------------------------

/// Keeps per vertex the entries with ts >= now - history.max.age, then at most
/// history.max.count newest; removes vertices left empty. Returns true if anything was dropped.
bool trim_scaling_history(ScalingHistory& history, const AutoscalerOptions& options, Instant now);
/// Drops records strictly older than now - history.max.age, then the oldest beyond
/// history.max.count, always keeping the newest record.
void trim_scaling_tracking(ScalingTracking& tracking, const AutoscalerOptions& options, Instant now);
/// The restart time the algorithm assumes (§1.4): the configured restart.time unless tracking is
/// enabled and a duration was observed; then the max observed (whole seconds), capped.
Seconds effective_restart_time(const ScalingTracking& tracking, const AutoscalerOptions& options);

// ---- JSON --------------------------------------------------------------------------------

/// A double as JSON: a number, or the string "NaN"/"Infinity"/"-Infinity".
nlohmann::json double_to_json(double x);
/// Accepts a number or one of those strings; throws std::invalid_argument otherwise.
double double_from_json(const nlohmann::json& j);

/// One sample of the metric history: {"vertexMetrics": {vertex: {METRIC: value}},
/// "globalMetrics": {METRIC: value}}. The history is {ISO-8601 timestamp: sample} of these, and
/// the state store keeps one such object per row.
nlohmann::json to_json(const CollectedSample& s);
nlohmann::json to_json(const MetricHistory& h);
nlohmann::json to_json(const EvaluatedVertexMetrics& m);
nlohmann::json to_json(const ScalingHistory& h);
nlohmann::json to_json(const ScalingTracking& t);
nlohmann::json to_json(const DelayedScaleDown& d);
nlohmann::json to_json(const JobState& s);

/// Readers throw StateFormatError with the JSON path of the problem (e.g.
/// "$.scalingHistory.ab12.2026-01-01T00:00:00.000Z.newParallelism: expected an integer").
struct StateFormatError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};
CollectedSample collected_sample_from_json(const nlohmann::json& j, const std::string& path = "$");
MetricHistory metric_history_from_json(const nlohmann::json& j, const std::string& path = "$");
EvaluatedVertexMetrics evaluated_metrics_from_json(const nlohmann::json& j, const std::string& path = "$");
ScalingHistory scaling_history_from_json(const nlohmann::json& j, const std::string& path = "$");
ScalingTracking scaling_tracking_from_json(const nlohmann::json& j, const std::string& path = "$");
DelayedScaleDown delayed_scale_down_from_json(const nlohmann::json& j, const std::string& path = "$");
std::map<VertexId, int> parallelism_overrides_from_json(const nlohmann::json& j, const std::string& path = "$");
JobState job_state_from_json(const nlohmann::json& j, const std::string& path = "$");

}  // namespace flinkscaler
