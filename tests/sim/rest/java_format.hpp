// SPDX-License-Identifier: Apache-2.0
//
// Metric values in Flink's MetricStore are strings made by Java's String.valueOf, so the raw
// metric endpoints answer "702.0", "NaN" or "15000" (flink-rest.md §2.1). These helpers give
// the same text.
#pragma once

#include <string>

namespace flinkscaler::sim {

/// Java Double.toString: "702.0", "0.001", "1.0E7", "NaN", "Infinity".
std::string java_double(double value);

/// A metric value as the MetricStore keeps it: counters and long gauges as integers, the
/// rest as Java doubles.
std::string metric_value_text(double value, bool integer);

}  // namespace flinkscaler::sim
