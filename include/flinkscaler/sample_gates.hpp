// SPDX-License-Identifier: Apache-2.0
//
// Metric-quality gates: the checks a collected sample must pass before it enters the metric
// history (issue 11; a flinkscaler addition, docs/deviations.md "Metric-quality gates"). A sample
// that fails one is *gated*: it is not used, the metric history is cleared (as a job restart
// clears it, algorithm.md §1.3 step 3) and the window restarts from the next good sample. The
// cycle reports the gate (CycleStage::SampleGated, CycleResult::gated), so the daemon and
// `flinkscaler evaluate` say the same thing about the same sample.
//
// What the reference already handles is left to it and never gated: an unknown or infinite busy
// time excludes the vertex for the cycle (§3.1.2), an unknown (NaN) records-in rate falls back to
// the counter rate or leaves OBSERVED_TPR unset, an unknown accumulated busy time or counter is
// skipped by the window primitives (§0.4), and a finished vertex's synthetic values (§2.7) are
// not Flink's and are not checked.
#pragma once

#include "flinkscaler/metrics.hpp"
#include "flinkscaler/options.hpp"
#include "flinkscaler/sample.hpp"
#include "flinkscaler/topology.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace flinkscaler {

/// Why a sample was gated. Names (to_string) are used in logs and the replay output.
enum class SampleGate {
    /// A records counter that only grows (records in, records out) is below its value in the
    /// previous sample of the history, without a restart (the reference computes a negative or
    /// too small rate over the window). Accumulated busy time is not checked: real JobManagers
    /// report it going down between samples of a running job (seen on Flink 1.20 end to end).
    CounterWentBackwards,
    /// Flink flagged an IO counter of the job details incomplete (`read-records-complete` or
    /// `write-records-complete` false): some subtasks had not reported, the sum is partial.
    CounterIncomplete,
    /// The busy time the configured aggregator reads is finite but outside [0, 1000] ms/s.
    BusyTimeOutOfRange,
    /// A per-second records-in rate the sample uses is negative or infinite.
    RateOutOfRange,
};
std::string_view to_string(SampleGate gate);

/// The job-details IO counters of a vertex (flink-rest.md §1.6 `vertices[].metrics`).
enum class IoCounter {
    ReadRecords,          ///< `read-records`
    WriteRecords,         ///< `write-records`
    AccumulatedBusyTime,  ///< `accumulated-busy-time` (Flink has no `-complete` flag for it)
};
/// Flink's field name: "read-records", "write-records", "accumulated-busy-time".
std::string_view to_string(IoCounter counter);

/// One aggregate of a Flink metric across subtasks (`agg=min,max,avg,sum`).
enum class Aggregate { Min, Max, Avg, Sum };
/// "min", "max", "avg", "sum" (Flink's and the replay format's spelling).
std::string_view to_string(Aggregate aggregate);

/// A raw value a gate looked at, named as the collector received it, so that a caller can point
/// at it in its own terms (the replay format's JSON path, a log line).
struct RawValueRef {
    struct Metric {
        FlinkMetric metric;
        Aggregate aggregate;
    };
    std::variant<IoCounter, Metric> value;
    /// "read-records", "BUSY_TIME_PER_SEC.max", ...
    std::string name() const;
};

/// What was wrong with a gated sample.
struct GatedSample {
    SampleGate gate;
    VertexId vertex;
    RawValueRef value;
    /// The offending value (NaN for an incomplete counter: its flag is the problem).
    double value_now;
    /// For CounterWentBackwards, the value in the previous sample; NaN otherwise.
    double value_before;
    /// One line for people, e.g. "vertex 0a44… read-records went backwards (12345 -> 0)".
    std::string reason;
};

/// Checks the sample `sample` computed from `raw` (compute_sample) against the metric history it
/// is about to enter (`history`: after restart detection, before the sample is added). Returns
/// the first gate found, visiting the vertices in topological order, or nullopt for a good sample.
std::optional<GatedSample> check_sample(const JobTopology& topology, const RawJobMetrics& raw,
                                        const CollectedSample& sample, const MetricHistory& history,
                                        const AutoscalerOptions& options);

}  // namespace flinkscaler
