// SPDX-License-Identifier: Apache-2.0
//
// Test support: evaluated metrics of one vertex built from a few numbers, the way the
// evaluator would produce them (R3-rounded fields, §3.8 thresholds for the options, no backlog).
#pragma once

#include "flinkscaler/evaluator.hpp"
#include "flinkscaler/metrics.hpp"
#include "flinkscaler/numeric.hpp"
#include "flinkscaler/options.hpp"

namespace flinkscaler::testing {

struct VertexSpec {
    int p = 1;
    double tpr = kNaN;
    double target = kNaN;
    double catch_up = 0.0;
    int max_parallelism = 720;
    int partitions = 0;
};

inline EvaluatedVertexMetrics metrics_of(const VertexSpec& s, const AutoscalerOptions& options, Seconds restart) {
    using M = ScalingMetric;
    EvaluatedVertexMetrics m;
    m[M::PARALLELISM] = EvaluatedScalingMetric::of_current(s.p);
    m[M::MAX_PARALLELISM] = EvaluatedScalingMetric::of_current(s.max_parallelism);
    m[M::NUM_SOURCE_PARTITIONS] = EvaluatedScalingMetric::of_current(s.partitions);
    m[M::TRUE_PROCESSING_RATE] = EvaluatedScalingMetric::of_average(s.tpr);
    m[M::TARGET_DATA_RATE] = EvaluatedScalingMetric::of_average(s.target);
    m[M::CATCH_UP_DATA_RATE] = EvaluatedScalingMetric::of_current(s.catch_up);
    m[M::SCALE_UP_RATE_THRESHOLD] = EvaluatedScalingMetric::of_current(
        target_processing_capacity(m, options, options.utilization_upper(), false, restart));
    m[M::SCALE_DOWN_RATE_THRESHOLD] = EvaluatedScalingMetric::of_current(
        target_processing_capacity(m, options, options.utilization_lower(), true, restart));
    return m;
}

}  // namespace flinkscaler::testing
