// SPDX-License-Identifier: Apache-2.0
//
// `store check` and `store recover` of the SQLite backend (check_sqlite_store,
// recover_sqlite_store in sqlite_state_store.hpp; the reports are store/store_check.hpp).
//
// Both read the database through a read-only connection of their own, without the owner lock:
// checking beside a running daemon is safe. A damaged b-tree makes a scan stop at the first page
// SQLite cannot read; the recovery then looks up every remaining id one by one, since a lookup
// descends only the pages on its own path and reaches the rows of every undamaged leaf.
#include "store/sqlite/sqlite_connection.hpp"
#include "store/sqlite/sqlite_state_store.hpp"
#include "store/sqlite/store_files.hpp"
#include "store/state_codec.hpp"
#include "store/store_check.hpp"

#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace flinkscaler::store {

namespace {

/// One column value as read; SQLite has no other types (a BLOB reads as its bytes).
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using Row = std::vector<Value>;

/// The most ids a recovery looks up one by one in a table after its scan stopped (a damaged
/// max(id) must not make it probe for hours).
constexpr std::int64_t kMaxProbes = 20'000'000;

std::string text_of(const Row& row, std::size_t i, const char* column) {
    if (const auto* s = std::get_if<std::string>(&row[i])) return *s;
    throw std::runtime_error(std::string(column) + " is not text");
}

std::int64_t int_of(const Row& row, std::size_t i, const char* column) {
    if (const auto* n = std::get_if<std::int64_t>(&row[i])) return *n;
    throw std::runtime_error(std::string(column) + " is not an integer");
}

/// A table of the schema as check and recover read it: its columns (id first) and how its stored
/// value is decoded. `decode` throws when the row cannot be read; `subject` names the row.
struct TableSpec {
    const char* name;
    int since_version;
    std::vector<const char*> columns;
    std::function<std::string(const Row&)> subject;
    std::function<void(const Row&)> decode;
    bool has_value;  ///< whether the row holds an encoded value (counted in values_decoded)
};

const std::vector<TableSpec>& tables() {
    static const std::vector<TableSpec> specs{
        {"state", 1, {"id", "update_time", "job_key", "state_type", "state_value"},
         [](const Row& r) { return text_of(r, 2, "job_key") + " " + text_of(r, 3, "state_type"); },
         [](const Row& r) {
             int_of(r, 1, "update_time");
             const std::string job = text_of(r, 2, "job_key"), type = text_of(r, 3, "state_type");
             const std::string value = text_of(r, 4, "state_value");
             if (type == kJobInfo) {
                 decode_job_info(job, value);
             } else {
                 JobState state;
                 read_state_row(state, type, value);
             }
         },
         true},
        {"event", 1,
         {"id", "create_time", "update_time", "job_key", "reason", "event_type", "message", "event_count", "event_key"},
         [](const Row& r) { return text_of(r, 3, "job_key") + " " + text_of(r, 4, "reason"); },
         [](const Row& r) {
             int_of(r, 1, "create_time");
             int_of(r, 2, "update_time");
             for (std::size_t i : {3u, 4u, 5u, 6u, 8u}) text_of(r, i, "a text column");
             int_of(r, 7, "event_count");
         },
         false},
        {"metric_sample", 2, {"id", "job_key", "sample_time", "value"},
         [](const Row& r) {
             return text_of(r, 1, "job_key") + " " + kCollectedMetrics + " " +
                    format_instant(instant_from_epoch_ms(int_of(r, 2, "sample_time")));
         },
         [](const Row& r) {
             text_of(r, 1, "job_key");
             decode_metric_sample(text_of(r, 3, "value"), instant_from_epoch_ms(int_of(r, 2, "sample_time")));
         },
         true},
        {"recorded_sample", 2, {"id", "job_key", "sample_time", "value"},
         [](const Row& r) {
             return text_of(r, 1, "job_key") + " recorded sample " +
                    format_instant(instant_from_epoch_ms(int_of(r, 2, "sample_time")));
         },
         [](const Row& r) {
             decode_recorded_sample(text_of(r, 1, "job_key"), instant_from_epoch_ms(int_of(r, 2, "sample_time")),
                                    text_of(r, 3, "value"));
         },
         true},
    };
    return specs;
}

std::string column_list(const TableSpec& table) {
    std::string out;
    for (const char* c : table.columns) out += (out.empty() ? "" : ", ") + std::string(c);
    return out;
}

Row read_row(SQLite::Statement& q, std::size_t columns) {
    Row row;
    row.reserve(columns);
    for (int i = 0; i < static_cast<int>(columns); ++i) {
        const SQLite::Column c = q.getColumn(i);
        switch (c.getType()) {
            case SQLITE_INTEGER: row.emplace_back(c.getInt64()); break;
            case SQLITE_FLOAT: row.emplace_back(c.getDouble()); break;
            case SQLITE_NULL: row.emplace_back(nullptr); break;
            default: row.emplace_back(c.getString()); break;  // TEXT, BLOB
        }
    }
    return row;
}

/// "<table> row <id> (<subject>): <reason>"; the subject is left out when it cannot be read.
std::string row_problem(const TableSpec& table, const Row& row, const std::string& reason) {
    std::string subject;
    try {
        subject = " (" + table.subject(row) + ")";
    } catch (const std::exception&) {
    }
    const auto* id = std::get_if<std::int64_t>(&row[0]);
    return std::string(table.name) + " row " + (id ? std::to_string(*id) : "?") + subject + ": " + reason;
}

/// Why `row` cannot be used ("" when it can).
std::string decode_problem(const TableSpec& table, const Row& row) {
    try {
        int_of(row, 0, "id");
        table.decode(row);
        return "";
    } catch (const std::exception& e) {
        return row_problem(table, row, e.what());
    }
}

std::vector<std::string> present_tables(SQLite::Database& db) {
    std::vector<std::string> names;
    SQLite::Statement q(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
    while (q.executeStep()) names.push_back(q.getColumn(0).getString());
    return names;
}

bool contains(const std::vector<std::string>& names, const char* name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

void note_unreadable(StoreCheckReport& report, std::string line) {
    ++report.unreadable_count;
    if (report.unreadable.size() < kNamedUnreadableRows) report.unreadable.push_back(std::move(line));
}

/// The rows of `table`, read and decoded; a scan that stops early is one unreadable entry.
void check_table(SQLite::Database& db, const TableSpec& table, StoreCheckReport& report) {
    TableRows counted{table.name, std::nullopt, ""};
    try {
        counted.rows = db.execAndGet(std::string("SELECT COUNT(*) FROM ") + table.name).getInt64();
    } catch (const std::exception& e) {
        counted.error = e.what();
        report.problems.push_back(std::string("table ") + table.name + ": cannot count its rows: " + e.what());
    }
    report.tables.push_back(counted);
    std::int64_t read = 0;
    try {
        SQLite::Statement q(db, "SELECT " + column_list(table) + " FROM " + table.name + " ORDER BY id");
        while (q.executeStep()) {
            const Row row = read_row(q, table.columns.size());
            ++read;
            if (const std::string problem = decode_problem(table, row); !problem.empty())
                note_unreadable(report, problem);
            else if (table.has_value)
                ++report.values_decoded;
        }
    } catch (const std::exception& e) {
        note_unreadable(report, std::string(table.name) + ": reading stopped after " + std::to_string(read) +
                                    " row(s): " + e.what());
    }
}

std::string first_lines(const std::vector<std::string>& lines, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < lines.size() && i < n; ++i) out += (i == 0 ? "" : "; ") + lines[i];
    if (lines.size() > n) out += "; ... (" + std::to_string(lines.size()) + " in all)";
    return out;
}

constexpr int kBusyTimeoutMs = 5000;

}  // namespace

StoreCheckReport check_sqlite_store(const std::string& path) {
    StoreCheckReport report;
    report.location = path;
    report.latest_schema_version = latest_sqlite_schema_version();
    report.last_owner = sqlite::read_lock_holder(sqlite::lock_file_of(path));
    if (const std::string problem = sqlite::readable_database_problem(path); !problem.empty()) {
        report.problems.push_back("cannot open: " + problem);
        return report;
    }
    std::unique_ptr<SQLite::Database> db;
    try {
        db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY, kBusyTimeoutMs);
        report.integrity = sqlite::check_pragma_problems(*db, "integrity_check", kIntegrityCheckProblems);
        // integrity_check can stop at damage that quick_check (no index checks) reports page by
        // page: add what quick_check finds so the report says where.
        if (!report.integrity.empty())
            for (auto& line : sqlite::check_pragma_problems(*db, "quick_check", kIntegrityCheckProblems))
                if (std::find(report.integrity.begin(), report.integrity.end(), line) == report.integrity.end())
                    report.integrity.push_back(std::move(line));
        if (report.integrity.empty()) report.integrity = {"ok"};
    } catch (const std::exception& e) {
        report.integrity.push_back(std::string("cannot run the check: ") + e.what());
    }
    if (report.integrity != std::vector<std::string>{"ok"})
        report.problems.push_back("integrity check: " + first_lines(report.integrity, 3));
    if (!db) return report;

    std::vector<std::string> present;
    try {
        report.schema_version = db->execAndGet("PRAGMA user_version").getInt();
        present = present_tables(*db);
    } catch (const std::exception& e) {
        report.problems.push_back(std::string("cannot read the schema: ") + e.what());
        return report;
    }
    const int version = *report.schema_version;
    if (version > report.latest_schema_version)
        report.problems.push_back("schema version " + std::to_string(version) + " is newer than this build's (" +
                                  std::to_string(report.latest_schema_version) + "): check it with that build");
    for (const auto& table : tables()) {
        if (version < table.since_version) continue;
        if (!contains(present, table.name)) {
            report.problems.push_back(std::string("table ") + table.name + " is missing (schema version " +
                                      std::to_string(version) + " has it)");
            continue;
        }
        check_table(*db, table, report);
    }
    if (report.unreadable_count > 0)
        report.problems.push_back(std::to_string(report.unreadable_count) + " unreadable row(s) or table scan(s): " +
                                  first_lines(report.unreadable, 3));
    return report;
}

RecoveryReport recover_sqlite_store(const std::string& from, const std::string& to) {
    if (const std::string problem = sqlite::readable_database_problem(from); !problem.empty())
        throw std::runtime_error("cannot recover " + from + ": " + problem);
    std::error_code ec;
    if (std::filesystem::exists(to, ec) || std::filesystem::exists(to + "-wal", ec))
        throw std::runtime_error(to + " exists: recover writes a new store, give a path that does not exist");

    SQLite::Database source(from, SQLite::OPEN_READONLY, kBusyTimeoutMs);
    int version = 0;
    std::vector<std::string> present;
    try {
        version = source.execAndGet("PRAGMA user_version").getInt();
        present = present_tables(source);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot recover " + from + ": its schema cannot be read (" + e.what() +
                                 "): nothing is left to copy; restore a backup or move it aside");
    }
    if (version != latest_sqlite_schema_version())
        throw std::runtime_error("cannot recover " + from + ": schema version " + std::to_string(version) +
                                 ", this build recovers version " + std::to_string(latest_sqlite_schema_version()) +
                                 " only");

    RecoveryReport report;
    {
        sqlite::Connection target(to, sqlite::Connection::Mode::ReadWrite);  // locked, migrated
        sqlite::Session session(target);
        SQLite::Transaction tx(session.db());
        for (const auto& table : tables()) {
            TableRecovery counts{table.name, 0, 0};
            const auto note = [&](std::string why) {
                if (report.skipped.size() < kNamedUnreadableRows) report.skipped.push_back(std::move(why));
            };
            const auto skip = [&](std::string why) {
                ++counts.skipped;
                note(std::move(why));
            };
            if (!contains(present, table.name)) {
                note(std::string("table ") + table.name + " is missing");
                report.tables.push_back(counts);
                continue;
            }
            std::string placeholders;
            for (std::size_t i = 0; i < table.columns.size(); ++i) placeholders += i == 0 ? "?" : ", ?";
            SQLite::Statement insert(session.db(), std::string("INSERT INTO ") + table.name + " (" +
                                                       column_list(table) + ") VALUES (" + placeholders + ")");
            const auto copy = [&](const Row& row) {
                if (const std::string problem = decode_problem(table, row); !problem.empty()) return skip(problem);
                for (std::size_t i = 0; i < row.size(); ++i) {
                    const int at = static_cast<int>(i) + 1;
                    std::visit(
                        [&](const auto& v) {
                            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::nullptr_t>)
                                insert.bind(at);
                            else
                                insert.bind(at, v);
                        },
                        row[i]);
                }
                try {
                    insert.exec();
                    ++counts.copied;
                } catch (const SQLite::Exception& e) {  // a clash: two rows with one key
                    skip(row_problem(table, row, e.what()));
                }
                insert.reset();
            };

            const std::string select = "SELECT " + column_list(table) + " FROM " + table.name;
            std::int64_t last_id = 0;
            try {
                SQLite::Statement q(source, select + " ORDER BY id");
                while (q.executeStep()) {
                    const Row row = read_row(q, table.columns.size());
                    if (const auto* id = std::get_if<std::int64_t>(&row[0])) last_id = std::max(last_id, *id);
                    copy(row);
                }
                report.tables.push_back(counts);
                continue;
            } catch (const SQLite::Exception& e) {
                note(std::string(table.name) + ": scan stopped after id " + std::to_string(last_id) + " (" + e.what() +
                     "); looking up the remaining ids one by one");
            }
            // The scan hit a damaged page: look up every id after the last one read.
            std::optional<std::int64_t> max_id;
            for (const std::string& sql : {std::string("SELECT max(id) FROM ") + table.name,
                                          std::string("SELECT seq FROM sqlite_sequence WHERE name = '") + table.name +
                                              "'"}) {
                try {
                    SQLite::Statement q(source, sql);
                    if (q.executeStep() && !q.getColumn(0).isNull()) max_id = q.getColumn(0).getInt64();
                    if (max_id) break;
                } catch (const SQLite::Exception&) {
                }
            }
            if (!max_id) {
                note(std::string(table.name) + ": its highest id cannot be read; rows after id " +
                     std::to_string(last_id) + " are lost");
            } else {
                const std::int64_t end = std::min(*max_id, last_id + kMaxProbes);
                SQLite::Statement q(source, select + " WHERE id = ?");
                std::int64_t failed = 0;
                for (std::int64_t id = last_id + 1; id <= end; ++id) {
                    try {
                        q.bind(1, id);
                        if (q.executeStep()) copy(read_row(q, table.columns.size()));
                    } catch (const SQLite::Exception&) {
                        ++failed;
                    }
                    q.tryReset();
                    q.clearBindings();
                }
                counts.skipped += failed;
                if (failed > 0)
                    note(std::string(table.name) + ": " + std::to_string(failed) + " id(s) could not be looked up");
                if (end < *max_id)
                    note(std::string(table.name) + ": ids after " + std::to_string(end) + " were not looked up");
            }
            report.tables.push_back(counts);
        }
        tx.commit();
    }
    report.check = check_sqlite_store(to);
    return report;
}

}  // namespace flinkscaler::store
