// SPDX-License-Identifier: Apache-2.0
//
// The persistent state store (architecture.md "State store", algorithm.md §6.1 and §7): the
// per-job state of §7.1, one row per job and state type, and the event table with folding of
// repeated events. One implementation over SQLite (open_sqlite_store).
//
// Thread safety: every implementation may be called from several threads at once; the SQLite
// implementation serializes all calls on one connection with an internal mutex.
//
// Errors: database failures are thrown as std::runtime_error (SQLite::Exception derives from it).
// A stored state value that cannot be read is not an error (see load()).
#pragma once

#include "flinkscaler/events.hpp"
#include "flinkscaler/job_state.hpp"
#include "flinkscaler/time.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace flinkscaler::store {

/// The state type ids of algorithm.md §7.1 used in the `state` table.
inline constexpr const char* kCollectedMetrics = "collectedMetrics";
inline constexpr const char* kScalingHistory = "scalingHistory";
inline constexpr const char* kScalingTracking = "scalingTracking";
inline constexpr const char* kParallelismOverrides = "parallelismOverrides";
inline constexpr const char* kDelayedScaleDown = "delayedScaleDown";

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

    /// Every state type of the job; absent types are empty. A stored value that cannot be read
    /// (not JSON, or rejected with StateFormatError) is deleted and reported in `problems` as
    /// "<job_key> <state_type>: <reason>" (never fatal, algorithm.md §7.1). Rows of state types
    /// this build does not know are left alone.
    virtual JobState load(const std::string& job_key, std::vector<std::string>& problems) = 0;

    /// Writes all state types of the job in ONE transaction (state_type ids: collectedMetrics,
    /// scalingHistory, scalingTracking, parallelismOverrides, delayedScaleDown; empty parts
    /// delete their row). `now` becomes the update_time of every written row. Retention trimming
    /// (§7.1) is the caller's job.
    virtual void save(const std::string& job_key, const JobState& state, Instant now) = 0;

    /// Deletes every state row of the job (events are kept until retention removes them).
    virtual void remove(const std::string& job_key) = 0;

    /// Jobs with stored state, sorted.
    virtual std::vector<std::string> job_keys() = 0;

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

/// The newest schema version this build knows (the number of the last migration).
int latest_schema_version();

}  // namespace flinkscaler::store
