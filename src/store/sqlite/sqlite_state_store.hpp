// SPDX-License-Identifier: Apache-2.0
//
// The SQLite backend of the state store (architecture.md "State store"): one database file, one
// connection per store, WAL mode so that readers (`flinkscaler export`) run beside the daemon.
// The schema is schema/sqlite/NNN_*.sql, embedded at build time. Open it through
// store/open_store.hpp (backend "sqlite") unless you need SQLite specifically.
//
// Single writer: the store caches which metric samples of each job are stored (see
// JobTransaction::save), so one store must be the only writer of its database file (one daemon
// per file). The owner lock enforces it (store_files.hpp: a second writer gets StoreInUse). A
// LeaseEpoch given to begin() is ignored: with one writer there is nobody to fence.
#pragma once

#include "store/state_store.hpp"
#include "store/store_check.hpp"

#include <memory>
#include <string>

namespace flinkscaler::store {

/// Opens (creating) the database as its only writer (docs/state-store.md):
///  - its folder must exist and be writable: otherwise std::runtime_error naming the folder and
///    the OS reason (does not exist, Permission denied, Read-only file system);
///  - takes the owner lock "<path>.lock" (store_files.hpp), held until the store is destroyed or
///    the process ends: StoreInUse when another store (of any process) holds it;
///  - PRAGMA quick_check: StoreCorrupt naming its first problems when the database is damaged;
///  - WAL mode, synchronous=NORMAL, busy timeout 5 s, migrations (schema/sqlite/NNN_*.sql)
///    applied in one transaction each, schema version in PRAGMA user_version; a database with a
///    newer version than this build knows is refused with an error naming both versions.
/// StoreInUse and StoreCorrupt are thrown as such; every other failure is std::runtime_error
/// with the path.
std::unique_ptr<StateStore> open_sqlite_store(const std::string& path);

/// Opens an existing database for reading beside a running daemon (WAL lets readers run while
/// the daemon writes): SQLite's read-only mode, no migration, no journal-mode change. The schema
/// version must be exactly latest_sqlite_schema_version() (an older database is refused with a
/// hint to let the daemon migrate it, a newer one as by open_sqlite_store). load reports
/// unreadable values without deleting them. Takes no lock and runs no integrity check. Throws
/// std::runtime_error with the path on any failure (e.g. a missing file, with the OS reason).
std::unique_ptr<StateReader> open_sqlite_reader(const std::string& path);

/// `flinkscaler store check`: PRAGMA integrity_check, the schema version, the rows of every table
/// and every stored value decoded (store_check.hpp), read-only and without the lock. Never throws
/// for a damaged or missing database: that is the report.
StoreCheckReport check_sqlite_store(const std::string& path);

/// `flinkscaler store recover`: creates the store `to` (which must not exist; it is locked while
/// written) and copies into it, in one transaction and with their ids, every row of `from` that
/// can still be read and decoded; then checks `to`. Throws std::runtime_error when `from` cannot
/// be opened, its schema cannot be read or is not this build's version, or `to` exists.
RecoveryReport recover_sqlite_store(const std::string& from, const std::string& to);

/// The newest SQLite schema version this build knows (the number of the last migration).
int latest_sqlite_schema_version();

}  // namespace flinkscaler::store
