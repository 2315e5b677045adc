// SPDX-License-Identifier: Apache-2.0
//
// Scaling metrics: the per-sample values collected every cycle, the metric history over the
// window, and the evaluated metrics derived from it (algorithm.md §0.4, §3).
#pragma once

#include "flinkscaler/time.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace flinkscaler {

/// Hex JobVertexID (32 lower-case hex characters for real Flink jobs; any string is accepted).
using VertexId = std::string;

/// Every metric the algorithm stores or evaluates. Names (to_string) are the reference's
/// enum names, used in persisted state, JSON reports and the replay format.
enum class ScalingMetric {
    // per-sample vertex metrics
    LOAD,
    ACCUMULATED_BUSY_TIME,
    NUM_RECORDS_IN,
    NUM_RECORDS_OUT,
    NUM_RECORDS_IN_PER_SECOND,
    LAG,
    OBSERVED_TPR,
    // evaluated vertex metrics
    TARGET_DATA_RATE,
    CATCH_UP_DATA_RATE,
    TRUE_PROCESSING_RATE,
    PARALLELISM,
    RECOMMENDED_PARALLELISM,
    MAX_PARALLELISM,
    NUM_SOURCE_PARTITIONS,
    SCALE_UP_RATE_THRESHOLD,
    SCALE_DOWN_RATE_THRESHOLD,
    EXPECTED_PROCESSING_RATE,
    // job-global metrics
    GC_PRESSURE,
    HEAP_MAX_USAGE_RATIO,
    HEAP_MEMORY_USED,
    MANAGED_MEMORY_USED,
    METASPACE_MEMORY_USED,
    NUM_TASK_SLOTS_USED,
};

std::string_view to_string(ScalingMetric m);
/// The metric of that enum name, or nullopt.
std::optional<ScalingMetric> scaling_metric_from_string(std::string_view name);

/// metric -> value; an absent metric means "not computed" and reads as NaN.
using MetricValues = std::map<ScalingMetric, double>;

/// One collected sample (algorithm.md §3.1-3.2), stored in the history at its timestamp.
struct CollectedSample {
    std::map<VertexId, MetricValues> vertex_metrics;
    MetricValues global_metrics;
    /// Values compare equal when both are NaN (NaN means "unknown" here, not "not a number").
    bool operator==(const CollectedSample&) const;
};

/// The metric history H: samples ordered by time, oldest first.
using MetricHistory = std::map<Instant, CollectedSample>;

/// An evaluated metric: either field may be NaN ("not applicable"). Both are R3-rounded when
/// created through `make`.
struct EvaluatedScalingMetric {
    double current;
    double average;
    static EvaluatedScalingMetric make(double current, double average);
    static EvaluatedScalingMetric of_current(double current);
    static EvaluatedScalingMetric of_average(double average);
    bool operator==(const EvaluatedScalingMetric&) const;  // NaN equals NaN here
};

using EvaluatedVertexMetrics = std::map<ScalingMetric, EvaluatedScalingMetric>;

/// Result of evaluating a job over its metric history.
struct EvaluatedMetrics {
    std::map<VertexId, EvaluatedVertexMetrics> vertex_metrics;
    EvaluatedVertexMetrics global_metrics;
    /// Whether the job was judged to be processing a backlog (band [1.0, 0.0], §3.4).
    bool processing_backlog = false;
};

/// Reads a field of an evaluated metric map: NaN when the metric is absent.
double current_of(const EvaluatedVertexMetrics& m, ScalingMetric key);
double average_of(const EvaluatedVertexMetrics& m, ScalingMetric key);

// ---- window primitives over a history (algorithm.md §0.4) -------------------------------

/// Which map of a sample a window primitive reads: a vertex's, or the job-global one.
struct MetricSource {
    const VertexId* vertex = nullptr;  ///< nullptr: the global metrics
    static MetricSource global() { return {}; }
    static MetricSource of(const VertexId& v) { return {&v}; }
};

/// Per-second rate of a cumulative metric between the first and the last valid sample;
/// NaN with fewer than two valid samples; dt in whole ms, at least 1.
double window_rate(const MetricHistory& h, MetricSource source, ScalingMetric metric);
/// Mean of a gauge over the window, skipping NaN and infinite values; +Inf if only infinite
/// values were seen; NaN if none, or fewer than `min_observations` finite values.
double window_average(const MetricHistory& h, MetricSource source, ScalingMetric metric,
                      int min_observations = 1);
/// window_average(gauge) if finite, else window_rate(counter).
double window_average_or_rate(const MetricHistory& h, MetricSource source, ScalingMetric gauge,
                              ScalingMetric counter);
/// The value in the newest sample, NaN when absent or the history is empty.
double latest_value(const MetricHistory& h, MetricSource source, ScalingMetric metric);

}  // namespace flinkscaler
