// SPDX-License-Identifier: Apache-2.0
#include "store/sqlite/sqlite_queries.hpp"

#include "store/state_codec.hpp"

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <stdexcept>

namespace flinkscaler::store::sqlite {

namespace {

constexpr int kDeleteBatch = 2000;

constexpr const char* kUpsertState =
    "INSERT INTO state (update_time, job_key, state_type, state_value) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (job_key, state_type) DO UPDATE SET update_time = excluded.update_time, "
    "state_value = excluded.state_value";

constexpr const char* kEventColumns =
    "id, create_time, update_time, job_key, reason, event_type, message, event_count, event_key";

StoredEvent read_event(SQLite::Statement& q) {
    StoredEvent e;
    e.id = q.getColumn(0).getInt64();
    e.create_time = instant_from_epoch_ms(q.getColumn(1).getInt64());
    e.update_time = instant_from_epoch_ms(q.getColumn(2).getInt64());
    e.job_key = q.getColumn(3).getString();
    e.reason = q.getColumn(4).getString();
    e.event_type = q.getColumn(5).getString();
    e.message = q.getColumn(6).getString();
    e.count = q.getColumn(7).getInt();
    e.event_key = q.getColumn(8).getString();
    return e;
}

}  // namespace

JobState load_job_state(Session& session, const std::string& job_key, std::vector<std::string>& problems,
                        std::vector<std::int64_t>& stored_times) {
    SQLite::Database& db = session.db();
    const bool deletes = !session.read_only();
    JobState state;
    std::vector<std::string> broken;
    {
        SQLite::Statement q(db, "SELECT state_type, state_value FROM state WHERE job_key = ?");
        q.bind(1, job_key);
        while (q.executeStep()) {
            const std::string type = q.getColumn(0).getString();
            const std::string text = q.getColumn(1).getString();
            try {
                read_state_row(state, type, text);
            } catch (const std::exception& e) {  // json::exception, StateFormatError
                problems.push_back(unreadable_value_problem(job_key + " " + type, deletes, e.what()));
                broken.push_back(type);
            }
        }
    }
    stored_times.clear();
    std::vector<std::int64_t> broken_samples;
    {
        SQLite::Statement q(db, "SELECT sample_time, value FROM metric_sample WHERE job_key = ? ORDER BY sample_time");
        q.bind(1, job_key);
        while (q.executeStep()) {
            const std::int64_t ms = q.getColumn(0).getInt64();
            const Instant t = instant_from_epoch_ms(ms);
            const std::string text = q.getColumn(1).getString();
            try {
                state.metric_history.emplace_hint(state.metric_history.end(), t, decode_metric_sample(text, t));
                stored_times.push_back(ms);
            } catch (const std::exception& e) {
                problems.push_back(unreadable_value_problem(
                    job_key + " " + kCollectedMetrics + " " + format_instant(t), deletes, e.what()));
                broken_samples.push_back(ms);
            }
        }
    }
    if (deletes && (!broken.empty() || !broken_samples.empty())) as_store_write(session.path(), [&] {
        SQLite::Transaction tx(db);
        SQLite::Statement del(db, "DELETE FROM state WHERE job_key = ? AND state_type = ?");
        for (const auto& type : broken) {
            del.bind(1, job_key);
            del.bind(2, type);
            del.exec();
            del.reset();
        }
        SQLite::Statement del_sample(db, "DELETE FROM metric_sample WHERE job_key = ? AND sample_time = ?");
        for (const std::int64_t ms : broken_samples) {
            del_sample.bind(1, job_key);
            del_sample.bind(2, ms);
            del_sample.exec();
            del_sample.reset();
        }
        tx.commit();
    });
    return state;
}

std::vector<std::string> select_job_keys(Session& session) {
    std::vector<std::string> keys;
    SQLite::Statement q(session.db(),
                        "SELECT job_key FROM state UNION SELECT job_key FROM metric_sample ORDER BY job_key");
    while (q.executeStep()) keys.push_back(q.getColumn(0).getString());
    return keys;
}

std::map<std::string, Instant> select_last_updates(Session& session) {
    std::map<std::string, Instant> out;
    // Both halves read only the (job_key, ...) indexes. recorded_sample is left out on purpose:
    // it can hold millions of rows and ages out by itself (delete_recorded_samples_before).
    SQLite::Statement q(session.db(),
                        "SELECT job_key, MAX(t) FROM ("
                        "SELECT job_key, MAX(update_time) AS t FROM state GROUP BY job_key "
                        "UNION ALL SELECT job_key, MAX(sample_time) AS t FROM metric_sample GROUP BY job_key"
                        ") GROUP BY job_key");
    while (q.executeStep())
        out.emplace(q.getColumn(0).getString(), instant_from_epoch_ms(q.getColumn(1).getInt64()));
    return out;
}

std::optional<std::string> select_job_info(Session& session, const std::string& job_key) {
    SQLite::Statement q(session.db(), "SELECT state_value FROM state WHERE job_key = ? AND state_type = ?");
    q.bind(1, job_key);
    q.bind(2, kJobInfo);
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getString();
}

std::vector<std::pair<std::int64_t, std::string>> select_recorded_samples(Session& session, const std::string& job_key,
                                                                          Instant since) {
    std::vector<std::pair<std::int64_t, std::string>> rows;
    SQLite::Statement q(session.db(),
                        "SELECT sample_time, value FROM recorded_sample WHERE job_key = ? AND sample_time >= ? "
                        "ORDER BY sample_time");
    q.bind(1, job_key);
    q.bind(2, static_cast<std::int64_t>(epoch_ms(since)));
    while (q.executeStep()) rows.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getString());
    return rows;
}

std::vector<StoredEvent> select_events(Session& session, const std::string& job_key, std::size_t limit) {
    std::vector<StoredEvent> out;
    SQLite::Statement q(session.db(), std::string("SELECT ") + kEventColumns +
                                          " FROM event WHERE job_key = ? ORDER BY create_time DESC, id DESC LIMIT ?");
    q.bind(1, job_key);
    q.bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, static_cast<std::size_t>(INT64_MAX))));
    while (q.executeStep()) out.push_back(read_event(q));
    return out;
}

std::vector<std::int64_t> select_sample_times(Session& session, const std::string& job_key) {
    std::vector<std::int64_t> times;
    const Prepared q = session.prepared("SELECT sample_time FROM metric_sample WHERE job_key = ? ORDER BY sample_time");
    q->bind(1, job_key);
    while (q->executeStep()) times.push_back(q->getColumn(0).getInt64());
    return times;
}

void write_state_rows(Session& session, const std::string& job_key, const JobState& state, Instant now) {
    const std::int64_t now_ms = epoch_ms(now);
    const Prepared upsert = session.prepared(kUpsertState);
    const Prepared del = session.prepared("DELETE FROM state WHERE job_key = ? AND state_type = ?");
    for (const auto& [type, value] : encode_state_rows(state)) {
        if (value) {
            upsert->bind(1, now_ms);
            upsert->bind(2, job_key);
            upsert->bind(3, type);
            upsert->bind(4, *value);
            upsert->exec();
            upsert->reset();
        } else {
            del->bind(1, job_key);
            del->bind(2, type);
            del->exec();
            del->reset();
        }
    }
}

// Samples older than the oldest one kept go with one ranged DELETE (the window slid, or the
// history was wiped); any other stored sample missing from the history is deleted by itself. New
// samples are inserted; the newest is upserted even when stored (run_cycle replaces the sample
// at `now` when it runs twice at the same instant); the older ones are immutable.
std::vector<std::int64_t> write_metric_history(Session& session, const std::string& job_key,
                                               const MetricHistory& history, const std::vector<std::int64_t>& stored) {
    std::vector<std::int64_t> wanted;
    wanted.reserve(history.size());
    for (const auto& [t, sample] : history) wanted.push_back(epoch_ms(t));

    if (wanted.empty()) {
        if (!stored.empty()) {
            const Prepared del = session.prepared("DELETE FROM metric_sample WHERE job_key = ?");
            del->bind(1, job_key);
            del->exec();
        }
        return {};
    }
    const auto first_kept = std::lower_bound(stored.begin(), stored.end(), wanted.front());
    if (first_kept != stored.begin()) {
        const Prepared del = session.prepared("DELETE FROM metric_sample WHERE job_key = ? AND sample_time < ?");
        del->bind(1, job_key);
        del->bind(2, wanted.front());
        del->exec();
    }
    std::vector<std::int64_t> stray;
    std::set_difference(first_kept, stored.end(), wanted.begin(), wanted.end(), std::back_inserter(stray));
    if (!stray.empty()) {
        const Prepared del = session.prepared("DELETE FROM metric_sample WHERE job_key = ? AND sample_time = ?");
        for (const std::int64_t ms : stray) {
            del->bind(1, job_key);
            del->bind(2, ms);
            del->exec();
            del->reset();
        }
    }

    std::vector<std::int64_t> missing;
    std::set_difference(wanted.begin(), wanted.end(), first_kept, stored.end(), std::back_inserter(missing));
    if (missing.empty() || missing.back() != wanted.back()) missing.push_back(wanted.back());
    const Prepared upsert = session.prepared("INSERT INTO metric_sample (job_key, sample_time, value) VALUES (?, ?, ?) "
                                             "ON CONFLICT (job_key, sample_time) DO UPDATE SET value = excluded.value");
    for (const std::int64_t ms : missing) {
        upsert->bind(1, job_key);
        upsert->bind(2, ms);
        upsert->bind(3, encode_metric_sample(history.at(instant_from_epoch_ms(ms))));
        upsert->exec();
        upsert->reset();
    }
    return wanted;
}

void write_recorded_sample(Session& session, const std::string& job_key, const ReplaySample& sample) {
    const Prepared ins = session.prepared("INSERT INTO recorded_sample (job_key, sample_time, value) VALUES (?, ?, ?) "
                                          "ON CONFLICT (job_key, sample_time) DO UPDATE SET value = excluded.value");
    ins->bind(1, job_key);
    ins->bind(2, static_cast<std::int64_t>(epoch_ms(sample.timestamp)));
    ins->bind(3, encode_recorded_sample(sample));
    ins->exec();
}

void write_job_info(Session& session, const std::string& job_key, const JobInfo& info, Instant now) {
    const Prepared upsert = session.prepared(kUpsertState);
    upsert->bind(1, static_cast<std::int64_t>(epoch_ms(now)));
    upsert->bind(2, job_key);
    upsert->bind(3, kJobInfo);
    upsert->bind(4, encode_job_info(info));
    upsert->exec();
}

StoredEvent write_event(Session& session, const std::string& job_key, const Event& event, Instant now) {
    SQLite::Database& db = session.db();
    const std::string key = event_key(job_key, event);
    const std::int64_t now_ms = epoch_ms(now);
    std::optional<std::int64_t> fold_id;
    if (event.interval && event.interval->count() > 0) {
        SQLite::Statement q(db,
                            "SELECT id FROM event WHERE job_key = ? AND reason = ? AND event_key = ? "
                            "AND create_time > ? ORDER BY create_time DESC, id DESC LIMIT 1");
        q.bind(1, job_key);
        q.bind(2, event.reason);
        q.bind(3, key);
        q.bind(4, static_cast<std::int64_t>(now_ms - event.interval->count()));
        if (q.executeStep()) fold_id = q.getColumn(0).getInt64();
    }
    std::int64_t id = 0;
    if (fold_id) {
        SQLite::Statement u(db,
                            "UPDATE event SET message = ?, event_count = event_count + 1, update_time = ? "
                            "WHERE id = ?");
        u.bind(1, event.message);
        u.bind(2, now_ms);
        u.bind(3, *fold_id);
        u.exec();
        id = *fold_id;
    } else {
        SQLite::Statement ins(db,
                              "INSERT INTO event (create_time, update_time, job_key, reason, event_type, "
                              "message, event_count, event_key) VALUES (?, ?, ?, ?, ?, ?, 1, ?)");
        ins.bind(1, now_ms);
        ins.bind(2, now_ms);
        ins.bind(3, job_key);
        ins.bind(4, event.reason);
        ins.bind(5, std::string(to_string(event.type)));
        ins.bind(6, event.message);
        ins.bind(7, key);
        ins.exec();
        id = db.getLastInsertRowid();
    }
    SQLite::Statement q(db, std::string("SELECT ") + kEventColumns + " FROM event WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) throw std::runtime_error("event row " + std::to_string(id) + " vanished");
    return read_event(q);
}

void delete_job(Session& session, const std::string& job_key) {
    for (const char* sql : {"DELETE FROM state WHERE job_key = ?", "DELETE FROM metric_sample WHERE job_key = ?",
                            "DELETE FROM recorded_sample WHERE job_key = ?"}) {
        SQLite::Statement del(session.db(), sql);
        del.bind(1, job_key);
        del.exec();
    }
}

std::size_t delete_in_batches(Connection& connection, const char* sql, Instant cutoff) {
    std::size_t total = 0;
    for (;;) {
        Session session(connection);
        const int n = as_store_write(session.path(), [&] {
            SQLite::Statement del(session.db(), sql);
            del.bind(1, static_cast<std::int64_t>(epoch_ms(cutoff)));
            del.bind(2, kDeleteBatch);
            return del.exec();
        });
        total += static_cast<std::size_t>(n);
        if (n < kDeleteBatch) break;
    }
    return total;
}

}  // namespace flinkscaler::store::sqlite
