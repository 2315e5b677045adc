// SPDX-License-Identifier: Apache-2.0
//
// Offline replay of a recorded job (docs/replay-format.md): options, topology, raw metric samples
// with timestamps and optional prior state go in; every sample is run through the same cycle the
// daemon runs (collect -> evaluate -> decide), and the per-cycle results come out.
#pragma once

#include "flinkscaler/cycle.hpp"
#include "flinkscaler/options.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace flinkscaler {

/// Malformed replay input. what() starts with the JSON path of the problem, e.g.
/// "$.samples[2].vertices.a1.metrics.BUSY_TIME_PER_SEC.max: expected a number".
struct ReplayFormatError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

struct ReplaySample {
    Instant timestamp;
    Instant job_running_since;
    /// The full vertex set at this sample (parallelism changes of earlier samples applied).
    std::vector<VertexInfo> vertices;
    RawJobMetrics metrics;
};

struct ReplayInput {
    Configuration options;
    std::vector<ReplaySample> samples;  ///< in time order
    JobState initial_state;
    ResourceContext resources;
    int utc_offset_minutes = 0;  ///< local time of the recorded service, for excluded periods
    std::string job_name;
};

/// Reads and checks a replay document; throws ReplayFormatError.
ReplayInput parse_replay(const nlohmann::json& document);

/// Writes a replay document that parse_replay reads back to the same input: the topology of the
/// first sample, and per later sample only the parallelism and RUNNING-timestamp changes.
/// `job` fills the informational {cluster, jobId, name} member.
nlohmann::json replay_document(const ReplayInput& input, const nlohmann::json& job = nlohmann::json::object());

/// One raw sample as a self-contained JSON object (the state store keeps one per row): the
/// members of a document's `samples[]` entry (`timestamp`, `vertices`, `taskManagers`,
/// `jobManager`, same encoding), plus `jobRunningSince` (always present) and `topology`
/// (`{vertices: [...]}` as in the document: the full vertex set at this sample) in place of the
/// per-sample `parallelism` changes. replay_sample_from_json reads it back (same checks as
/// parse_replay; throws ReplayFormatError with the JSON path under `path`).
nlohmann::json to_json(const ReplaySample& sample);
ReplaySample replay_sample_from_json(const nlohmann::json& j, const std::string& path = "$");

struct ReplayCycle {
    Instant timestamp;
    std::optional<CycleResult> result;
    std::string error;  ///< non-empty when the cycle failed (the daemon would emit AutoscalerError)
    /// When the sample was gated (result->gated): the JSON path of the offending value in the
    /// document, e.g. "$.samples[5].vertices.0a44….io.readRecordsComplete" (also appended to
    /// result->summary in parentheses, so every output format shows it).
    std::string gated_at;
};

/// The JSON path in a replay document of the value a gate rejected in `samples[sample_index]`:
/// `.io.readRecords`, `.io.readRecordsComplete` (an incomplete counter), `.metrics.BUSY_TIME_PER_SEC.max`, ...
std::string gated_value_path(std::size_t sample_index, const GatedSample& gated);

struct ReplayRun {
    AutoscalerOptions options;
    std::vector<ReplayCycle> cycles;
    JobState final_state;
};

/// Runs every sample through run_cycle. A sample that fails a metric-quality gate is reported as
/// such (stage SampleGated, ReplayCycle::gated_at), never silently used. `overrides` are written
/// over the recorded options (what-if). The job counts as enabled whatever job.autoscaler.enabled says. Throws
/// OptionError for a bad option value and std::invalid_argument when validation fails.
ReplayRun run_replay(const ReplayInput& input, const Configuration& overrides);

}  // namespace flinkscaler
