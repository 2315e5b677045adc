// SPDX-License-Identifier: Apache-2.0
//
// Evaluated metrics -> the target parallelism of one vertex (algorithm.md §4.2-4.8): scale
// factor, max scale-up/down factors, min/max parallelism, key-group and source-partition
// alignment, observed scalability, ineffective scale-up detection and delayed scale-down.
#pragma once

#include "flinkscaler/events.hpp"
#include "flinkscaler/job_state.hpp"
#include "flinkscaler/metrics.hpp"
#include "flinkscaler/options.hpp"
#include "flinkscaler/topology.hpp"

#include <string>
#include <vector>

namespace flinkscaler {

/// The outcome for one vertex: no change (with the reason), or a new parallelism.
struct ParallelismChange {
    bool changed = false;
    int new_parallelism = 0;
    int current_parallelism = 0;
    /// Whether the vertex's true processing rate lies outside its scale-up/down thresholds.
    /// Only a job with at least one such vertex is rescaled (§4.9).
    bool outside_utilization_bound = false;
    /// Why nothing changes, or a note on the change (e.g. "delayed scale-down executed").
    std::string reason;

    static ParallelismChange none(int current, std::string reason);
    static ParallelismChange to(int new_parallelism, int current, bool outside, std::string reason = {});
};

/// Computes the target parallelism of `vertex` from its evaluated metrics (§4.2). On a change
/// it writes EXPECTED_PROCESSING_RATE into `metrics`. It updates `delayed` (scale-down queue)
/// and may append IneffectiveScaling / ScalingLimited events. `now` stamps delayed scale-down
/// triggers (the reference reads the wall clock there; see docs/deviations.md).
ParallelismChange compute_scale_target_parallelism(const AutoscalerOptions& options, const VertexId& vertex,
                                                   const std::vector<ShipStrategy>& input_ship_strategies,
                                                   EvaluatedVertexMetrics& metrics,
                                                   const VertexScalingHistory& history, Seconds restart_time,
                                                   DelayedScaleDown& delayed, Instant now, Events& events);

/// What SCALE (§4.4-4.5) needs to know about a vertex.
struct ScaleRequest {
    VertexId vertex;
    int current_parallelism = 1;
    double scale_factor = 1.0;
    int lower = 1;  ///< min(p, vertex.min-parallelism)
    int upper = 1;  ///< max(p, vertex.max-parallelism)
    int max_parallelism = 128;
    int num_source_partitions = 0;
    std::vector<ShipStrategy> input_ship_strategies;
};

/// Raw parallelism from the factor, clamped to [lower, min(max parallelism, upper)], then aligned
/// with the configured mode. Legacy modes may append ScalingLimited events.
int scale(const ScaleRequest& request, const AutoscalerOptions& options, Events& events);

/// The alignment step alone (§4.5) for a clamped target `n` != current.
int align_parallelism(const ScaleRequest& request, int n, AlignmentMode mode, const AutoscalerOptions& options,
                      Events& events);

/// The observed scalability coefficient of §4.3 in [coefficient-min, 1], or 1.0 when the history
/// is too short or unusable.
double observed_scalability_coefficient(const VertexScalingHistory& history, const AutoscalerOptions& options);

}  // namespace flinkscaler
