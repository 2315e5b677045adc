// SPDX-License-Identifier: Apache-2.0
//
// The SQLite backend's connection (store/sqlite/sqlite_state_store.hpp): opening, migrations,
// the statement cache, and the mutex that serializes every use of the one connection a store has.
// A Session is exclusive use of the connection: worker threads calling the store concurrently
// are serialized here, so the connection is never used by two threads at once. A writable
// connection owns its database (store_files.hpp: the owner lock) and proved it sound when it
// opened (PRAGMA quick_check).
#pragma once

#include "store/sqlite/store_files.hpp"
#include "store/state_store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace flinkscaler::store::sqlite {

/// How many problems of PRAGMA quick_check a refused open names (StoreCorrupt).
inline constexpr int kQuickCheckProblems = 5;

/// Runs `write` (which opens and ends its own SQLite::Transaction, or runs inside the caller's);
/// a failure of the database (SQLite::Exception: full, I/O error, read-only, busy, corrupt, a
/// vetoed commit) leaves it as StoreWriteError naming `path` with SQLite's message. Transaction
/// objects inside `write` have rolled back by the time the error reaches the caller.
template <typename Write>
decltype(auto) as_store_write(const std::string& path, Write&& write) {
    try {
        return write();
    } catch (const SQLite::Exception& e) {
        throw StoreWriteError(path, e.what());
    }
}

/// The problems PRAGMA `pragma` (quick_check or integrity_check) finds, at most `limit`, one
/// line each (SQLite's "*** in database main ***" headers left out); empty: sound. When SQLite
/// meets damage it cannot report as a finding (not a database, malformed), its message is the
/// last problem. Other errors (I/O, busy) are thrown.
std::vector<std::string> check_pragma_problems(SQLite::Database& db, const char* pragma, int limit);

class Connection;

/// A statement of the connection's cache, reset when the user is done with it: a statement left
/// stepping would keep its read transaction open, and the next user expects a fresh one.
class Prepared {
public:
    explicit Prepared(SQLite::Statement& statement) : statement_(statement) {}
    ~Prepared() { statement_.tryReset(); }
    Prepared(const Prepared&) = delete;
    Prepared& operator=(const Prepared&) = delete;
    SQLite::Statement* operator->() const { return &statement_; }

private:
    SQLite::Statement& statement_;
};

/// Exclusive use of a Connection for as long as it lives (it holds the connection's mutex). A
/// thread that already holds a Session of the same connection (say, through an open
/// JobTransaction) gets std::logic_error instead of a deadlock.
class Session {
public:
    explicit Session(Connection& connection);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    SQLite::Database& db();
    bool read_only() const;
    /// The database file (for error messages).
    const std::string& path() const;
    /// The cached statement for `sql`, prepared on first use: preparing was a fifth of a steady
    /// save's time, and a save runs for every job every pass.
    Prepared prepared(const char* sql);

private:
    Connection& connection_;
    std::unique_lock<std::mutex> lock_;
};

class Connection {
public:
    enum class Mode { ReadWrite, ReadOnly };

    /// ReadWrite: checks the folder (writable_database_problem), takes the owner lock (OwnerLock:
    /// StoreInUse when another process holds it), opens (creating) the database, refuses it with
    /// StoreCorrupt when PRAGMA quick_check finds problems, then WAL mode, synchronous=NORMAL,
    /// busy timeout 5 s, migrations applied in one transaction each, schema version in
    /// PRAGMA user_version; a database of a newer version than this build knows is refused naming
    /// both versions. ReadOnly: no lock, SQLite's read-only mode, no migration, no journal-mode
    /// change; the schema version must be exactly latest_sqlite_schema_version(). StoreInUse and
    /// StoreCorrupt name the path; other failures are std::runtime_error (the caller adds the path).
    Connection(const std::string& path, Mode mode);

    bool read_only() const { return read_only_; }
    const std::string& path() const { return path_; }

private:
    friend class Session;
    void migrate();

    const bool read_only_;
    const std::string path_;
    /// The owner lock of a writable connection (null when read-only); declared before db_ so the
    /// database is closed (and its WAL checkpointed) before the lock is released.
    std::unique_ptr<OwnerLock> lock_;
    /// Guards db_ and statements_ (and what a store keeps beside them): held by a Session.
    std::mutex mutex_;
    /// The thread holding mutex_ (default id: none), so a second Session of that thread is
    /// reported instead of deadlocking.
    std::atomic<std::thread::id> owner_{};
    SQLite::Database db_;
    /// Cached statements (see Session::prepared); declared after db_ so they are finalized before
    /// it closes.
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace flinkscaler::store::sqlite
