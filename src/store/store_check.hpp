// SPDX-License-Identifier: Apache-2.0
//
// What `flinkscaler store check` and `flinkscaler store recover` report (docs/state-store.md):
// the full integrity check of a store, its schema version, its rows per table and every stored
// value decoded through the state codec; and a recovery that copies every row still readable into
// a new store. Run them through the registry (store/open_store.hpp: check_state_store,
// recover_state_store); a backend fills these reports.
#pragma once

#include "store/state_store.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flinkscaler::store {

/// How many rows of the database's own integrity check a report keeps.
inline constexpr int kIntegrityCheckProblems = 100;
/// How many unreadable rows a report names one by one (all are counted).
inline constexpr std::size_t kNamedUnreadableRows = 50;

/// The rows of one table.
struct TableRows {
    std::string table;
    /// How many rows could be counted; nullopt when the count failed (`error` says why).
    std::optional<std::int64_t> rows;
    std::string error;
};

/// The result of checking one store. Read-only: checking a store beside a running daemon is safe.
struct StoreCheckReport {
    std::string location;
    /// What the database's integrity check said: {"ok"}, or its findings (at most
    /// kIntegrityCheckProblems), or the error that kept it from running.
    std::vector<std::string> integrity;
    /// The store's schema version (nullopt: unreadable) and the newest this build knows.
    std::optional<int> schema_version;
    int latest_schema_version = 0;
    std::vector<TableRows> tables;
    /// Stored values that decoded through the state codec (state rows, job info, metric and
    /// recorded samples; events have no encoded value).
    std::int64_t values_decoded = 0;
    /// Stored values that did not, and table scans that stopped early: "<table> row <id>
    /// (<job_key> <what>): <reason>" (at most kNamedUnreadableRows; unreadable_count has all).
    std::vector<std::string> unreadable;
    std::int64_t unreadable_count = 0;
    /// Who last owned the store, as its lock file says (nullopt: no lock file, or it names no
    /// one). The lock is held only while that process runs.
    std::optional<StoreHolder> last_owner;
    /// Why the store is not sound, one line each (empty: sound).
    std::vector<std::string> problems;

    bool sound() const { return problems.empty(); }
};

/// The rows of one table a recovery copied and skipped.
struct TableRecovery {
    std::string table;
    std::int64_t copied = 0;
    /// Rows that could not be read, did not decode, or clashed with a row already copied (a
    /// damaged index); ids whose lookup failed count as one each.
    std::int64_t skipped = 0;
};

/// The result of `store recover FROM --out TO`.
struct RecoveryReport {
    std::vector<TableRecovery> tables;
    /// Why rows were skipped: the first kNamedUnreadableRows reasons.
    std::vector<std::string> skipped;
    /// The check of the new store, run after the copy.
    StoreCheckReport check;
};

}  // namespace flinkscaler::store
