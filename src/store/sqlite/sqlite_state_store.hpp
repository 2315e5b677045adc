// SPDX-License-Identifier: Apache-2.0
//
// The SQLite backend of the state store (architecture.md "State store"): one database file, one
// connection per store, WAL mode so that readers (`flinkscaler export`) run beside the daemon.
// The schema is schema/sqlite/NNN_*.sql, embedded at build time. Open it through
// store/open_store.hpp (backend "sqlite") unless you need SQLite specifically.
//
// Single writer: the store caches which metric samples of each job are stored (see
// JobTransaction::save), so one store must be the only writer of its database file (one daemon
// per file). A LeaseEpoch given to begin() is ignored: with one writer there is nobody to fence.
#pragma once

#include "store/state_store.hpp"

#include <memory>
#include <string>

namespace flinkscaler::store {

/// Opens (creating) the database: WAL mode, synchronous=NORMAL, busy timeout 5 s, migrations
/// (schema/sqlite/NNN_*.sql) applied in one transaction each, schema version in
/// PRAGMA user_version; a database with a newer version than this build knows is refused with an
/// error naming both versions. Throws std::runtime_error with the path on any failure.
std::unique_ptr<StateStore> open_sqlite_store(const std::string& path);

/// Opens an existing database for reading beside a running daemon (WAL lets readers run while
/// the daemon writes): SQLite's read-only mode, no migration, no journal-mode change. The schema
/// version must be exactly latest_sqlite_schema_version() (an older database is refused with a
/// hint to let the daemon migrate it, a newer one as by open_sqlite_store). load reports
/// unreadable values without deleting them. Throws std::runtime_error with the path on any
/// failure (e.g. a missing file).
std::unique_ptr<StateReader> open_sqlite_reader(const std::string& path);

/// The newest SQLite schema version this build knows (the number of the last migration).
int latest_sqlite_schema_version();

}  // namespace flinkscaler::store
