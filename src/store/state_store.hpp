// SPDX-License-Identifier: Apache-2.0
//
// The persistent state store (architecture.md "State store", algorithm.md §6.1 and §7): the
// per-job state of §7.1, the event table with folding of repeated events, job metadata, and the
// raw samples the daemon recorded (for `flinkscaler export`). One implementation over SQLite
// (open_sqlite_store).
//
// Storage: every state type is one JSON row of the `state` table except the metric history
// (collectedMetrics), which is one row per sample in `metric_sample`: the history is a sliding
// window that gains one sample per pass, so it is written incrementally (one INSERT and one
// ranged DELETE per steady pass) instead of re-serialising the whole window every pass. Raw
// samples live in `recorded_sample`, one row per sample (schema/002_samples.sql).
//
// Thread safety: every implementation may be called from several threads at once; the SQLite
// implementation serializes all calls on one connection with an internal mutex.
//
// Errors: database failures are thrown as std::runtime_error (SQLite::Exception derives from it).
// A stored state value that cannot be read is not an error (see load()).
#pragma once

#include "flinkscaler/events.hpp"
#include "flinkscaler/job_state.hpp"
#include "flinkscaler/options.hpp"
#include "replay/replay.hpp"
#include "flinkscaler/time.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flinkscaler::store {

/// The state type ids of algorithm.md §7.1 used in the `state` table. collectedMetrics is kept in
/// the `metric_sample` table instead (one row per sample); its id still names it in problems.
inline constexpr const char* kCollectedMetrics = "collectedMetrics";
inline constexpr const char* kScalingHistory = "scalingHistory";
inline constexpr const char* kScalingTracking = "scalingTracking";
inline constexpr const char* kParallelismOverrides = "parallelismOverrides";
inline constexpr const char* kDelayedScaleDown = "delayedScaleDown";
/// Our own state type: the JobInfo of the job (written by save_job_info, never by save).
inline constexpr const char* kJobInfo = "jobInfo";

/// What the daemon knows about a job besides its autoscaler state: where it runs, what it is
/// called and the configuration it is scaled with. `flinkscaler export` needs it to turn the
/// recorded samples into a replay document that `evaluate` replays with the same options.
struct JobInfo {
    std::string cluster;  ///< the cluster name of the service configuration
    std::string job_id;   ///< Flink's JobID (hex)
    std::string name;     ///< the job name
    /// The job's effective configuration (at least every job.autoscaler.* key and the Flink keys
    /// the algorithm reads): the `options` of an exported replay document.
    Configuration options;
    bool operator==(const JobInfo&) const = default;
};

/// One row of the `event` table.
struct StoredEvent {
    std::int64_t id = 0;
    Instant create_time;
    Instant update_time;
    std::string job_key, reason, event_type, message;
    /// How many events were folded into this row (1 for a fresh row).
    int count = 0;
    /// Hex FNV-1a 64 of (job_key, type, reason, message_key or message): 16 lower-case digits.
    std::string event_key;
    bool operator==(const StoredEvent&) const = default;
};

class StateStore {  // narrow interface; one implementation (SQLite)
public:
    virtual ~StateStore() = default;

    /// Every state type of the job; absent types are empty. The metric history is rebuilt from
    /// the job's metric_sample rows. A stored value that cannot be read (not JSON, or rejected
    /// with StateFormatError) is deleted and reported in `problems` as
    /// "<job_key> <state_type>: <reason>", and a metric sample as
    /// "<job_key> collectedMetrics <timestamp>: <reason>" (never fatal, algorithm.md §7.1; the
    /// rest of the history is kept). Rows of state types this build does not know are left alone.
    virtual JobState load(const std::string& job_key, std::vector<std::string>& problems) = 0;

    /// Writes all state types of the job in ONE transaction. State rows (scalingHistory,
    /// scalingTracking, parallelismOverrides, delayedScaleDown) are replaced; empty parts delete
    /// their row; `now` becomes the update_time of every written row. The jobInfo row is never
    /// touched. Retention trimming (§7.1) is the caller's job.
    ///
    /// The metric history is written incrementally: samples whose timestamp is not stored yet are
    /// inserted, stored samples no longer in the history are deleted (a wiped history deletes all
    /// of them), and the newest sample is always (re)written, since a second cycle at the same
    /// `now` replaces it. Older stored samples are not rewritten: the algorithm never changes a
    /// sample once a newer one exists. Which timestamps are stored is cached per job (read from
    /// the database on the first save or load of the job), so this store must be the only writer
    /// of the database; after a failed transaction the job's cache is dropped and re-read.
    ///
    /// `recorded` (optional): the raw sample of this pass, appended to the job's recorded samples
    /// in the same transaction (replacing a recorded sample with the same timestamp).
    virtual void save(const std::string& job_key, const JobState& state, Instant now,
                      const ReplaySample* recorded = nullptr) = 0;

    /// Deletes every state row of the job (including its job info), its metric samples and its
    /// recorded samples. Events are kept until retention removes them.
    virtual void remove(const std::string& job_key) = 0;

    /// Jobs with stored state (state rows, job info included, or metric samples), sorted.
    virtual std::vector<std::string> job_keys() = 0;

    /// Per job key the time of its newest stored update: the newest update_time of its state
    /// rows (job info included) or the newest timestamp of its metric samples, whichever is later
    /// (save() adds a sample at `now` on every cycle, so this is the last pass that saw the job
    /// running). Covers every job of job_keys(). Jobs with recorded samples only are not listed:
    /// those rows age out through delete_recorded_samples_before().
    virtual std::map<std::string, Instant> last_updates() = 0;

    /// Stores the job's metadata (row type jobInfo, update_time = now), replacing earlier info.
    virtual void save_job_info(const std::string& job_key, const JobInfo& info, Instant now) = 0;

    /// The job's metadata, or nullopt when none is stored. Throws std::runtime_error naming the
    /// job when the stored row cannot be read (it is left in place: the daemon rewrites it).
    virtual std::optional<JobInfo> job_info(const std::string& job_key) = 0;

    /// The job's recorded samples with timestamp >= `since`, oldest first. Throws
    /// std::runtime_error naming the job and the sample's timestamp when a row cannot be read.
    virtual std::vector<ReplaySample> recorded_samples(const std::string& job_key, Instant since) = 0;

    /// Deletes the recorded samples taken strictly before `cutoff` (all jobs), in batches of 2000
    /// rows (the connection is released between batches); returns how many were deleted.
    virtual std::size_t delete_recorded_samples_before(Instant cutoff) = 0;

    /// §6.1 folding: event_key = stable 64-bit FNV-1a hex of (job_key, type, reason, message_key
    /// or message); with an interval (> 0), the newest row with the same (job_key, reason,
    /// event_key) created after now - interval is updated (message, count+1, update_time),
    /// otherwise a new row; no interval (or 0): always a new row. Returns the row as stored.
    virtual StoredEvent record(const std::string& job_key, const Event& event, Instant now) = 0;

    /// At most `limit` events of the job, newest first (by create_time, then id).
    virtual std::vector<StoredEvent> events(const std::string& job_key, std::size_t limit) = 0;

    /// Deletes the events created strictly before `cutoff` (all jobs), in batches of 2000 ids;
    /// returns how many were deleted.
    virtual std::size_t delete_events_created_before(Instant cutoff) = 0;
};

/// The event_key of §6.1: FNV-1a 64 over the UTF-8 bytes of job_key, type name, reason and
/// (message_key or message), each followed by a 0x1f separator; 16 lower-case hex digits.
std::string event_key(const std::string& job_key, const Event& event);

/// Opens (creating) the database: WAL mode, synchronous=NORMAL, busy timeout 5 s, migrations
/// (schema/NNN_*.sql, embedded at build time) applied in one transaction each, schema version in
/// PRAGMA user_version; a database with a newer version than this build knows is refused with an
/// error naming both versions. Throws std::runtime_error with the path on any failure.
std::unique_ptr<StateStore> open_sqlite_store(const std::string& path);

/// Opens an existing database for reading beside a running daemon (WAL lets readers run while
/// the daemon writes): SQLite's read-only mode, no migration, no journal-mode change. The schema
/// version must be exactly latest_schema_version() (an older database is refused with a hint to
/// let the daemon migrate it, a newer one as by open_sqlite_store). Only reading methods may be
/// used (load, job_keys, last_updates, job_info, recorded_samples, events); load reports
/// unreadable values without deleting them; every writing method throws std::logic_error.
/// Throws std::runtime_error with the path on any failure (e.g. a missing file).
std::unique_ptr<StateStore> open_sqlite_store_read_only(const std::string& path);

/// The newest schema version this build knows (the number of the last migration).
int latest_schema_version();

}  // namespace flinkscaler::store
