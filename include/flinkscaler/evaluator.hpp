// SPDX-License-Identifier: Apache-2.0
//
// History + topology -> evaluated metrics (algorithm.md §3.4-3.8): target data rate, catch-up
// rate, true processing rate, load, lag, and the scale-up/down rate thresholds per vertex, plus
// the job-global memory and slot gauges.
#pragma once

#include "flinkscaler/metrics.hpp"
#include "flinkscaler/options.hpp"
#include "flinkscaler/topology.hpp"

#include <stdexcept>

namespace flinkscaler {

/// The history does not allow an evaluation (e.g. a source's ingestion rate is unknown).
/// The message names the vertex.
struct EvaluationError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Evaluates every vertex (in topological order) and the global metrics.
/// `restart_time` is the effective restart time of the job (§1.4). Throws EvaluationError.
EvaluatedMetrics evaluate(const JobTopology& topology, const MetricHistory& history, const AutoscalerOptions& options,
                          Seconds restart_time);

/// Whether some source has a backlog above backlog-processing.lag-threshold (§3.4).
bool is_processing_backlog(const JobTopology& topology, const MetricHistory& history,
                           const AutoscalerOptions& options);

/// The "target processing capacity" of §3.8: the rate a vertex needs at `utilization`,
/// optionally including the backlog built up during a restart. NaN when the target or
/// catch-up rate is unknown, +Inf for utilization 0. Rounded with Java Math.round.
double target_processing_capacity(const EvaluatedVertexMetrics& metrics, const AutoscalerOptions& options,
                                  double utilization, bool with_restart, Seconds restart_time);

/// ratio(u -> v) of §3.6: records delivered to `to` per record received by `from`.
double output_ratio(const JobTopology& topology, const MetricHistory& history, const VertexId& from,
                    const VertexId& to);

}  // namespace flinkscaler
