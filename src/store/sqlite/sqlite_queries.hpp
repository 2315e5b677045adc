// SPDX-License-Identifier: Apache-2.0
//
// The SQL of the SQLite backend (schema/sqlite/): one function per query or write, each run in
// the caller's Session. Writes do not begin transactions of their own: the caller's
// SQLite::Transaction (a JobTransaction, or a one-shot write) holds them together. Row text is
// encoded and decoded by store/state_codec.hpp.
#pragma once

#include "store/sqlite/sqlite_connection.hpp"
#include "store/state_store.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace flinkscaler::store::sqlite {

/// StateReader::load. Unreadable values are deleted (in a transaction of their own) unless the
/// session is read-only; a refused deletion is StoreWriteError. `stored_times`: the sorted epoch-ms times of the job's readable
/// metric_sample rows, which are all its rows afterwards on a writable connection.
JobState load_job_state(Session& session, const std::string& job_key, std::vector<std::string>& problems,
                        std::vector<std::int64_t>& stored_times);

std::vector<std::string> select_job_keys(Session& session);
std::map<std::string, Instant> select_last_updates(Session& session);
/// The job info row's text, if any (decoded by the caller, outside the session).
std::optional<std::string> select_job_info(Session& session, const std::string& job_key);
/// (epoch ms, text) of the job's recorded samples at or after `since`, oldest first.
std::vector<std::pair<std::int64_t, std::string>> select_recorded_samples(Session& session, const std::string& job_key,
                                                                          Instant since);
std::vector<StoredEvent> select_events(Session& session, const std::string& job_key, std::size_t limit);
/// The sorted epoch-ms times of the job's metric_sample rows.
std::vector<std::int64_t> select_sample_times(Session& session, const std::string& job_key);

/// Upserts or deletes the job's state rows (encode_state_rows) with update_time `now`.
void write_state_rows(Session& session, const std::string& job_key, const JobState& state, Instant now);
/// Brings the job's metric_sample rows from `stored` (sorted times) to `history`; returns the
/// sorted times stored afterwards (see JobTransaction::save).
std::vector<std::int64_t> write_metric_history(Session& session, const std::string& job_key,
                                               const MetricHistory& history, const std::vector<std::int64_t>& stored);
/// Upserts one recorded sample (by job and timestamp).
void write_recorded_sample(Session& session, const std::string& job_key, const ReplaySample& sample);
void write_job_info(Session& session, const std::string& job_key, const JobInfo& info, Instant now);
/// §6.1 folding (JobTransaction::record); returns the row as stored.
StoredEvent write_event(Session& session, const std::string& job_key, const Event& event, Instant now);
/// Deletes the job's state rows, metric samples and recorded samples.
void delete_job(Session& session, const std::string& job_key);

/// Runs `sql` (parameters: cutoff in epoch ms, batch size) until a batch deletes fewer rows than
/// the batch size (2000); returns the total. Each batch takes its own Session (other threads get
/// the connection in between) and is its own implicit transaction; a refused batch is
/// StoreWriteError.
std::size_t delete_in_batches(Connection& connection, const char* sql, Instant cutoff);

}  // namespace flinkscaler::store::sqlite
