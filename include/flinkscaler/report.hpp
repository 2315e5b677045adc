// SPDX-License-Identifier: Apache-2.0
//
// The scaling report (algorithm.md §6.3): the reference's one-line event message (kept verbatim
// so existing parsers work), a readable table for the log, and JSON.
#pragma once

#include "flinkscaler/decision.hpp"
#include "flinkscaler/metrics.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace flinkscaler {

inline constexpr std::string_view kScalingEnabledHeader = "Scaling execution enabled, begin scaling vertices:";
/// The header of a dry run's recommendation (flinkscaler's own: the reference has no dry run).
inline constexpr std::string_view kDryRunHeader = "Dry run, recommended parallelism change:";

/// "Scaling execution disabled by config <key>:<value>, recommended parallelism change:"
std::string scaling_disabled_header(const std::string& key_value);

/// Header followed by one `{ Vertex ID ... | Parallelism a -> b | Processing capacity x -> y |
/// Target data rate z}` entry per summary (vertex id order).
std::string reference_report_message(std::string_view header, const std::map<VertexId, ScalingSummary>& summaries);

/// A fixed-width table: one row per vertex with parallelism old -> new, load, true, target and
/// expected processing rates, lag, catch-up rate, both thresholds, outside flag and reason.
/// With a topology, rows follow its topological order and show the operator names.
std::string render_report_table(const EvaluatedMetrics& evaluated, const ScalingDecision& decision,
                                const JobTopology* topology = nullptr);

/// The same content as JSON (non-finite numbers as "NaN"/"Infinity" strings).
nlohmann::json report_json(const EvaluatedMetrics& evaluated, const ScalingDecision& decision);

/// Evaluated metrics alone as JSON: {"vertices": {v: {METRIC: {current, average}}}, "global": ...}.
nlohmann::json evaluated_metrics_json(const EvaluatedMetrics& evaluated);

}  // namespace flinkscaler
