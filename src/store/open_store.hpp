// SPDX-License-Identifier: Apache-2.0
//
// The state store's backend registry: which backend a location names, and opening it as a full
// StateStore (the daemon) or a StateReader (read-only tools beside the daemon). A backend is one
// row of the table in open_store.cpp. Built in: sqlite. Named but not built yet: postgresql (an
// open says so instead of failing later in a confusing way).
#pragma once

#include "store/state_store.hpp"
#include "store/store_check.hpp"

#include <memory>
#include <string>

namespace flinkscaler::store {

/// Where the state lives and how to reach it.
struct StoreSettings {
    /// The backend name: "sqlite" (built in) or "postgresql" (not supported in this build yet).
    std::string backend = "sqlite";
    /// sqlite: the database file.
    std::string path;
    /// postgresql: the connection URL (postgresql://...).
    std::string url;

    /// The settings of a SQLite database file (service.state-database).
    static StoreSettings sqlite_file(std::string path);
};

/// Reads a store location: "sqlite:PATH" is the SQLite file PATH; "postgresql://..." (or
/// "postgres://...") is a PostgreSQL URL; anything else is a SQLite file path as given (so a
/// plain path keeps working, colons included). Throws std::invalid_argument for "sqlite:" with an
/// empty path.
StoreSettings parse_store_location(const std::string& location);

/// Opens the store for the daemon (see the backend's open, e.g. open_sqlite_store), as its only
/// writer: StoreInUse when another process owns it, StoreCorrupt when it fails its integrity
/// check. Throws std::runtime_error naming the backend when it is unknown or not supported in this
/// build, and the backend's errors (naming the location) otherwise.
std::unique_ptr<StateStore> open_state_store(const StoreSettings& settings);

/// Opens the store for reading beside a running daemon (e.g. open_sqlite_reader); errors as
/// open_state_store.
std::unique_ptr<StateReader> open_state_reader(const StoreSettings& settings);

/// `flinkscaler store check` (e.g. check_sqlite_store); backend errors as open_state_reader.
StoreCheckReport check_state_store(const StoreSettings& settings);

/// `flinkscaler store recover` into a new store of the same backend (e.g. recover_sqlite_store).
/// Throws std::invalid_argument when the backends differ; backend errors as open_state_reader.
RecoveryReport recover_state_store(const StoreSettings& from, const StoreSettings& to);

}  // namespace flinkscaler::store
