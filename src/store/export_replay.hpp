// SPDX-License-Identifier: Apache-2.0
//
// The store side of `flinkscaler export`: a job's recorded samples and its job info, turned into
// the replay input of docs/replay-format.md, so `flinkscaler evaluate` replays what the daemon
// saw with the options the daemon used.
#pragma once

#include "store/state_store.hpp"

#include "replay/replay.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace flinkscaler::store {

/// Nothing to export: the job is unknown, has no job info, or no recorded sample in the range.
/// what() names the job key.
struct ExportError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ReplayExport {
    /// options from the job info (as stored now: the export cannot know earlier values); samples
    /// in time order; initial_state empty (the replay starts from no state, like the daemon on a
    /// job it has not seen before); job_name = info.name. The job info holds no UTC offset nor
    /// TaskManager resources, so utc_offset_minutes is 0 and resources are unknown.
    ReplayInput input;
    /// The informational `job` member: {cluster, jobId, name}.
    nlohmann::json job;
    /// Samples left out at the start (see export_replay) and why; empty when none were.
    std::size_t skipped = 0;
    std::vector<std::string> notes;

    /// The replay document (replay_document(input, job)).
    nlohmann::json document() const;
};

/// The job's recorded samples taken at or after `since`, with its job info. The replay format
/// holds one topology and per-sample parallelism and RUNNING-timestamp changes; when the vertex
/// set changed otherwise within the range (a vertex added or removed, an edge, a finished flag,
/// the number of source partitions, ...), only the samples from the last such change on are
/// exported, and `skipped`/`notes` say so. Throws ExportError when the job has no job info (an
/// unknown job, or one the daemon has not described yet) or no recorded sample in the range;
/// store errors propagate (std::runtime_error).
ReplayExport export_replay(StateReader& store, const std::string& job_key, Instant since);

}  // namespace flinkscaler::store
