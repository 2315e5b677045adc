// SPDX-License-Identifier: Apache-2.0
//
// The backend-neutral encoding of the state store's rows (state_store.hpp): the JSON text of each
// state type, job info, metric and recorded samples, the event key of algorithm.md §6.1, and the
// wording of the problems load() reports. Every backend (SQLite today, PostgreSQL next) stores
// the same text, so a database can be copied from one to the other row by row.
#pragma once

#include "store/state_store.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace flinkscaler::store {

/// The event_key of §6.1: FNV-1a 64 over the UTF-8 bytes of job_key, type name, reason and
/// (message_key or message), each followed by a 0x1f separator; 16 lower-case hex digits.
std::string event_key(const std::string& job_key, const Event& event);

/// One row of the `state` table as save() writes it: the state type id and its JSON text, or
/// nullopt when the part is empty (its row is deleted).
struct StateRow {
    const char* type;
    std::optional<std::string> value;
};

/// The state rows of `state` in the order save() writes them: scalingHistory, scalingTracking,
/// parallelismOverrides, delayedScaleDown. The metric history is not among them (one row per
/// sample: encode_metric_sample) nor is the job info (encode_job_info).
std::array<StateRow, 4> encode_state_rows(const JobState& state);

/// Reads one state row into `state`. Throws nlohmann::json::exception or StateFormatError when
/// the text cannot be read. Types this build does not read here (jobInfo, configOverrides, a
/// newer build's, or collectedMetrics, which left the state table in SQLite schema version 2)
/// are ignored.
void read_state_row(JobState& state, const std::string& type, const std::string& text);

/// One sample of the metric history: {"vertexMetrics": ..., "globalMetrics": ...}.
std::string encode_metric_sample(const CollectedSample& sample);
/// Throws like read_state_row; the JSON path names collectedMetrics and the sample's time.
CollectedSample decode_metric_sample(const std::string& text, Instant time);

/// The job info row: {"cluster", "jobId", "name", "options"}.
std::string encode_job_info(const JobInfo& info);
/// Throws std::runtime_error naming the job when the text cannot be read.
JobInfo decode_job_info(const std::string& job_key, const std::string& text);

/// One recorded raw sample (replay/replay.hpp to_json(const ReplaySample&)).
std::string encode_recorded_sample(const ReplaySample& sample);
/// Throws std::runtime_error naming the job and `time` when the text cannot be read.
ReplaySample decode_recorded_sample(const std::string& job_key, Instant time, const std::string& text);

/// The problem load() reports for an unreadable value: "<subject>: unreadable stored value
/// deleted: <reason>", or "... (left in place: read-only): <reason>" when the store cannot
/// delete it. `subject` is "<job_key> <state_type>" or "<job_key> collectedMetrics <time>".
std::string unreadable_value_problem(const std::string& subject, bool deleted, const std::string& reason);

}  // namespace flinkscaler::store
