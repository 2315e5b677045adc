// SPDX-License-Identifier: Apache-2.0
//
// The persistent state store (architecture.md "State store", algorithm.md §6.1 and §7): the
// per-job state of §7.1, the event table with folding of repeated events, job metadata, and the
// raw samples the daemon recorded (for `flinkscaler export`).
//
// The store is a set of role interfaces, so that each user names only what it needs and a
// read-only open has no writers at all:
//   StateReader       load, job_keys, last_updates, job_info, recorded_samples, events
//                     (`flinkscaler export`, the status endpoint);
//   JobStateStore     a job's writes: the per-pass unit of work (begin -> JobTransaction), job
//                     info, and removing a job;
//   EventLog          an event outside a pass (folding as in §6.1);
//   StoreMaintenance  retention: deleting old events and recorded samples;
//   StateStore        all of them (the daemon).
// Backends: SQLite (store/sqlite/sqlite_state_store.hpp). Open a store through the registry in
// store/open_store.hpp; the backend-neutral encoding of rows is store/state_codec.hpp.
//
// Storage: every state type is one JSON row of the `state` table except the metric history
// (collectedMetrics), which is one row per sample in `metric_sample`: the history is a sliding
// window that gains one sample per pass, so it is written incrementally (one INSERT and one
// ranged DELETE per steady pass) instead of re-serialising the whole window every pass. Raw
// samples live in `recorded_sample`, one row per sample (schema/sqlite/002_samples.sql).
//
// Thread safety: every implementation may be called from several threads at once; the SQLite
// implementation serializes all calls on one connection with an internal mutex. An open
// JobTransaction holds that connection: the thread that opened it must not call the store until
// the transaction is committed or destroyed (the SQLite store throws std::logic_error if it does).
//
// Errors (declared below, all std::runtime_error): opening a store for writing fails with
// StoreInUse when another process owns it and StoreCorrupt when it fails its integrity check;
// every write or commit that the database refuses (disk full, I/O error, read-only, busy, corrupt)
// throws StoreWriteError after rolling back, and the store stays usable: the next transaction
// succeeds once the cause is gone. Other database failures (a read) are std::runtime_error
// (SQLite::Exception derives from it). A stored state value that cannot be read is not an error
// (see load()).
#pragma once

#include "flinkscaler/events.hpp"
#include "flinkscaler/job_state.hpp"
#include "flinkscaler/options.hpp"
#include "flinkscaler/time.hpp"
#include "replay/replay.hpp"

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace flinkscaler::store {

/// The process that owns a store (one writer per store): what its lock names.
struct StoreHolder {
    long pid = 0;
    std::string host;
    std::string since;  ///< when it took the store: UTC, ISO 8601 (2026-12-07T23:00:00Z)
    /// "pid 1234 on host h since 2026-12-07T23:00:00Z"
    std::string describe() const;
    bool operator==(const StoreHolder&) const = default;
};

/// Opening a store for writing while another process owns it (a second daemon on the same
/// store). The message names the path and the holder (when its lock says who it is).
class StoreInUse : public std::runtime_error {
public:
    StoreInUse(std::string path, std::optional<StoreHolder> holder);
    const std::string& path() const { return path_; }
    const std::optional<StoreHolder>& holder() const { return holder_; }

private:
    std::string path_;
    std::optional<StoreHolder> holder_;
};

/// Opening a store for writing whose integrity check fails. The message names the path, the
/// first problems and what to do (`flinkscaler store check|recover`, or move the file aside).
class StoreCorrupt : public std::runtime_error {
public:
    StoreCorrupt(std::string path, std::vector<std::string> problems);
    const std::string& path() const { return path_; }
    /// What the check reported (at most a few), or SQLite's error when the check could not run.
    const std::vector<std::string>& problems() const { return problems_; }

private:
    std::string path_;
    std::vector<std::string> problems_;
};

/// A write or commit the database refused: "state store PATH: cannot write: REASON" with the
/// database's own message (database or disk is full, disk I/O error, attempt to write a readonly
/// database, database is locked, database disk image is malformed, ...). The transaction is
/// rolled back when this is thrown; nothing of it is stored.
class StoreWriteError : public std::runtime_error {
public:
    StoreWriteError(std::string path, std::string reason);
    const std::string& path() const { return path_; }
    const std::string& reason() const { return reason_; }

private:
    std::string path_;
    std::string reason_;
};

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

/// The epoch of the lease under which a daemon instance writes a job. The SQLite backend has a
/// single writer (one daemon per database file, enforced by its owner lock) and ignores it. A backend shared by
/// several daemon instances (PostgreSQL, next) fences on it: a JobTransaction whose epoch is no
/// longer the job's current lease epoch fails to commit, so an instance that lost its lease
/// cannot overwrite the state of the instance that took the job over.
struct LeaseEpoch {
    std::int64_t value = 0;
    auto operator<=>(const LeaseEpoch&) const = default;
};

/// The reading side of the store: everything `flinkscaler export`, the status endpoint and a
/// daemon's first pass read. A reader opened read-only (open_state_reader) never writes.
class StateReader {
public:
    virtual ~StateReader() = default;

    /// Every state type of the job; absent types are empty. The metric history is rebuilt from
    /// the job's metric_sample rows. A stored value that cannot be read (not JSON, or rejected
    /// with StateFormatError) is reported in `problems` as "<job_key> <state_type>: <reason>",
    /// and a metric sample as "<job_key> collectedMetrics <timestamp>: <reason>" (never fatal,
    /// algorithm.md §7.1; the rest of the history is kept). A writable store deletes such values
    /// (the reason says "deleted"); a read-only reader leaves them in place (the reason says so).
    /// Rows of state types this build does not know are left alone.
    virtual JobState load(const std::string& job_key, std::vector<std::string>& problems) = 0;

    /// Jobs with stored state (state rows, job info included, or metric samples), sorted.
    virtual std::vector<std::string> job_keys() = 0;

    /// Per job key the time of its newest stored update: the newest update_time of its state
    /// rows (job info included) or the newest timestamp of its metric samples, whichever is later
    /// (save() adds a sample at `now` on every cycle, so this is the last pass that saw the job
    /// running). Covers every job of job_keys(). Jobs with recorded samples only are not listed:
    /// those rows age out through delete_recorded_samples_before().
    virtual std::map<std::string, Instant> last_updates() = 0;

    /// The job's metadata, or nullopt when none is stored. Throws std::runtime_error naming the
    /// job when the stored row cannot be read (it is left in place: the daemon rewrites it).
    virtual std::optional<JobInfo> job_info(const std::string& job_key) = 0;

    /// The job's recorded samples with timestamp >= `since`, oldest first. Throws
    /// std::runtime_error naming the job and the sample's timestamp when a row cannot be read.
    virtual std::vector<ReplaySample> recorded_samples(const std::string& job_key, Instant since) = 0;

    /// At most `limit` events of the job, newest first (by create_time, then id).
    virtual std::vector<StoredEvent> events(const std::string& job_key, std::size_t limit) = 0;
};

/// What a backend implements behind a JobTransaction (see there). The destructor of an
/// uncommitted transaction rolls it back and must not throw.
class JobTransactionBackend {
public:
    virtual ~JobTransactionBackend() = default;
    virtual void save(const std::string& job_key, const JobState& state, Instant now, const ReplaySample* recorded) = 0;
    virtual void save_job_info(const std::string& job_key, const JobInfo& info, Instant now) = 0;
    virtual StoredEvent record(const std::string& job_key, const Event& event, Instant now) = 0;
    virtual void commit() = 0;
};

/// One job's writes of one pass, committed together: the state the pass computed and the events
/// it raised reach the database in ONE transaction, before the pass asks Flink for a new
/// parallelism (the invariant "a parallelism reaches Flink only after the decision and its
/// events are committed"). Destroyed without commit(), it is rolled back and leaves nothing.
///
/// Every operation that throws ends the transaction: it is rolled back, and any further use is a
/// programming error (std::logic_error), as is any use after commit(). A write the database
/// refuses (begin, save, save_job_info, record, commit) throws StoreWriteError; the store's next
/// transaction starts clean.
/// Movable, not copyable.
class JobTransaction {
public:
    JobTransaction(std::string job_key, std::optional<LeaseEpoch> epoch, std::unique_ptr<JobTransactionBackend> backend);
    JobTransaction(JobTransaction&&) noexcept;
    JobTransaction& operator=(JobTransaction&&) noexcept;
    ~JobTransaction();

    const std::string& job_key() const { return job_key_; }
    /// The lease epoch the transaction was begun with (see LeaseEpoch; nullopt: no lease).
    const std::optional<LeaseEpoch>& epoch() const { return epoch_; }
    /// True until commit() was called or an operation failed.
    bool open() const { return backend_ != nullptr; }

    /// Writes all state types of the job. State rows (scalingHistory, scalingTracking,
    /// parallelismOverrides, delayedScaleDown) are replaced; empty parts delete their row; `now`
    /// becomes the update_time of every written row. The jobInfo row is never touched. Retention
    /// trimming (§7.1) is the caller's job.
    ///
    /// The metric history is written incrementally: samples whose timestamp is not stored yet
    /// are inserted, stored samples no longer in the history are deleted (a wiped history
    /// deletes all of them), and the newest sample is always (re)written, since a second cycle
    /// at the same `now` replaces it. Older stored samples are not rewritten: the algorithm never
    /// changes a sample once a newer one exists. The SQLite store caches which timestamps are
    /// stored (see its class comment: it must be the only writer of the database).
    ///
    /// `recorded` (optional): the raw sample of this pass, appended to the job's recorded samples
    /// (replacing a recorded sample with the same timestamp).
    void save(const JobState& state, Instant now, const ReplaySample* recorded = nullptr);

    /// Stores the job's metadata (row type jobInfo, update_time = now), replacing earlier info.
    void save_job_info(const JobInfo& info, Instant now);

    /// §6.1 folding: event_key = stable 64-bit FNV-1a hex of (job_key, type, reason, message_key
    /// or message); with an interval (> 0), the newest row with the same (job_key, reason,
    /// event_key) created after now - interval is updated (message, count+1, update_time),
    /// otherwise a new row; no interval (or 0): always a new row. Rows written earlier in this
    /// transaction fold like committed ones. Returns the row as it will be stored on commit.
    StoredEvent record(const Event& event, Instant now);

    /// Commits everything written through this transaction at once. Throws StoreWriteError
    /// when the backend cannot commit (nothing of the transaction is stored then).
    void commit();

private:
    JobTransactionBackend& use(const char* operation);
    /// Runs `op` on the backend; a throw ends (rolls back) the transaction before propagating.
    template <typename Op>
    decltype(auto) run(const char* operation, Op&& op);

    std::string job_key_;
    std::optional<LeaseEpoch> epoch_;
    std::unique_ptr<JobTransactionBackend> backend_;
};

/// A job's writes.
class JobStateStore {
public:
    virtual ~JobStateStore() = default;

    /// Begins the unit of work of one pass for the job (see JobTransaction). `epoch`: the lease
    /// under which this instance writes the job, or nullopt without leases (see LeaseEpoch).
    /// Throws StoreWriteError when the database refuses to begin a write transaction.
    virtual JobTransaction begin(const std::string& job_key, std::optional<LeaseEpoch> epoch) = 0;

    /// Deletes every state row of the job (including its job info), its metric samples and its
    /// recorded samples. Events are kept until retention removes them. Throws StoreWriteError
    /// (nothing removed) when the database refuses.
    virtual void remove(const std::string& job_key) = 0;

    /// A transaction of its own around JobTransaction::save (no lease): for callers outside a
    /// pass (tools, tests, benchmarks).
    void save(const std::string& job_key, const JobState& state, Instant now, const ReplaySample* recorded = nullptr);

    /// A transaction of its own around JobTransaction::save_job_info (no lease).
    void save_job_info(const std::string& job_key, const JobInfo& info, Instant now);
};

/// Events written outside a pass's transaction (a failed pass, a cluster-level problem, the
/// result of a PUT to Flink).
class EventLog {
public:
    virtual ~EventLog() = default;

    /// Records one event in a transaction of its own; folding as JobTransaction::record. Throws
    /// StoreWriteError (nothing recorded) when the database refuses.
    virtual StoredEvent record(const std::string& job_key, const Event& event, Instant now) = 0;
};

/// Retention across all jobs. A batch the database refuses throws StoreWriteError (the batches
/// committed before it stay deleted).
class StoreMaintenance {
public:
    virtual ~StoreMaintenance() = default;

    /// Deletes the recorded samples taken strictly before `cutoff` (all jobs), in batches of 2000
    /// rows (the connection is released between batches); returns how many were deleted.
    virtual std::size_t delete_recorded_samples_before(Instant cutoff) = 0;

    /// Deletes the events created strictly before `cutoff` (all jobs), in batches of 2000 ids;
    /// returns how many were deleted.
    virtual std::size_t delete_events_created_before(Instant cutoff) = 0;
};

/// The whole store: what the daemon opens.
class StateStore : public StateReader, public JobStateStore, public EventLog, public StoreMaintenance {};

}  // namespace flinkscaler::store
