// SPDX-License-Identifier: Apache-2.0
//
// The SQLite StateStore and StateReader (sqlite_state_store.hpp) over one Connection each. The
// SQL is in sqlite_queries.cpp; this file holds the roles, the per-pass transaction and the cache
// of stored metric-sample times.
#include "store/sqlite/sqlite_state_store.hpp"

#include "store/sqlite/sqlite_connection.hpp"
#include "store/sqlite/sqlite_queries.hpp"
#include "store/state_codec.hpp"

#include <SQLiteCpp/Transaction.h>

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

namespace flinkscaler::store {

namespace {

using sqlite::Connection;
using sqlite::Session;

/// The reads both the store and the read-only reader serve. Decoding of job info and recorded
/// samples happens outside the session: an export of a long recording must not stall the daemon.
std::vector<std::string> read_job_keys(Connection& connection) {
    Session session(connection);
    return sqlite::select_job_keys(session);
}

std::map<std::string, Instant> read_last_updates(Connection& connection) {
    Session session(connection);
    return sqlite::select_last_updates(session);
}

std::optional<JobInfo> read_job_info(Connection& connection, const std::string& job_key) {
    std::optional<std::string> text;
    {
        Session session(connection);
        text = sqlite::select_job_info(session, job_key);
    }
    if (!text) return std::nullopt;
    return decode_job_info(job_key, *text);
}

std::vector<ReplaySample> read_recorded_samples(Connection& connection, const std::string& job_key, Instant since) {
    std::vector<std::pair<std::int64_t, std::string>> rows;
    {
        Session session(connection);
        rows = sqlite::select_recorded_samples(session, job_key, since);
    }
    std::vector<ReplaySample> samples;
    samples.reserve(rows.size());
    for (const auto& [ms, text] : rows) samples.push_back(decode_recorded_sample(job_key, instant_from_epoch_ms(ms), text));
    return samples;
}

std::vector<StoredEvent> read_events(Connection& connection, const std::string& job_key, std::size_t limit) {
    Session session(connection);
    return sqlite::select_events(session, job_key, limit);
}

/// Per job: the sorted epoch-ms times of its metric_sample rows, so a save knows what to insert
/// and delete without reading the table (90 numbers per job at the default window). Read from
/// the database the first time a job is saved or loaded, then kept up to date by this store's
/// own commits. That is only right while this store is the ONLY WRITER of the database: another
/// writer's samples would be missed (never deleted) or re-inserted. A job's entry is dropped
/// whenever a transaction that wrote it fails, since what is stored is then no longer known for
/// sure, and re-read on the next save. Guarded by the connection's mutex (used only within a
/// Session).
class SampleTimeCache {
public:
    const std::vector<std::int64_t>& times(Session& session, const std::string& job_key) {
        auto it = times_.find(job_key);
        if (it == times_.end()) it = times_.emplace(job_key, sqlite::select_sample_times(session, job_key)).first;
        return it->second;
    }
    void set(const std::string& job_key, std::vector<std::int64_t> times) { times_[job_key] = std::move(times); }
    void forget(const std::string& job_key) { times_.erase(job_key); }

private:
    std::unordered_map<std::string, std::vector<std::int64_t>> times_;
};

/// One SQLite transaction on the store's connection, held (with the connection's mutex) from
/// begin() until commit or destruction.
/// Every database failure of its operations is StoreWriteError (as_store_write); JobTransaction
/// then destroys it, which rolls the SQLite transaction back.
class SqliteJobTransaction final : public JobTransactionBackend {
public:
    SqliteJobTransaction(Connection& connection, SampleTimeCache& cache)
        : cache_(cache), session_(connection), tx_(session_.db()) {}

    ~SqliteJobTransaction() override {
        // Rolled back (tx_'s destructor, after this body): forget what the failed writes touched.
        if (!committed_)
            for (const auto& key : saved_) cache_.forget(key);
    }

    void save(const std::string& job_key, const JobState& state, Instant now, const ReplaySample* recorded) override {
        sqlite::as_store_write(session_.path(), [&] { write(job_key, state, now, recorded); });
    }

    void save_job_info(const std::string& job_key, const JobInfo& info, Instant now) override {
        sqlite::as_store_write(session_.path(), [&] { sqlite::write_job_info(session_, job_key, info, now); });
    }

    StoredEvent record(const std::string& job_key, const Event& event, Instant now) override {
        return sqlite::as_store_write(session_.path(),
                                      [&] { return sqlite::write_event(session_, job_key, event, now); });
    }

    void commit() override {
        sqlite::as_store_write(session_.path(), [&] { tx_.commit(); });
        committed_ = true;
        for (auto& [key, times] : pending_times_) cache_.set(key, std::move(times));
    }

private:
    void write(const std::string& job_key, const JobState& state, Instant now, const ReplaySample* recorded) {
        saved_.insert(job_key);
        sqlite::write_state_rows(session_, job_key, state, now);
        // A second save in the same transaction starts from what the first one wrote.
        auto pending = pending_times_.find(job_key);
        const std::vector<std::int64_t>& stored =
            pending != pending_times_.end() ? pending->second : cache_.times(session_, job_key);
        std::vector<std::int64_t> now_stored = sqlite::write_metric_history(session_, job_key, state.metric_history, stored);
        if (recorded != nullptr) sqlite::write_recorded_sample(session_, job_key, *recorded);
        pending_times_[job_key] = std::move(now_stored);
    }

    SampleTimeCache& cache_;
    Session session_;
    SQLite::Transaction tx_;
    bool committed_ = false;
    std::set<std::string> saved_;
    std::map<std::string, std::vector<std::int64_t>> pending_times_;
};

// The reads that need no cache, shared by the store and the read-only reader: `Base` is
// StateStore or StateReader, and the connection is opened in the mode the derived class needs.
template <class Base>
class SqliteReads : public Base {
public:
    explicit SqliteReads(const std::string& path, Connection::Mode mode) : connection_(path, mode) {}

    std::vector<std::string> job_keys() override { return read_job_keys(connection_); }
    std::map<std::string, Instant> last_updates() override { return read_last_updates(connection_); }
    std::optional<JobInfo> job_info(const std::string& job_key) override { return read_job_info(connection_, job_key); }
    std::vector<ReplaySample> recorded_samples(const std::string& job_key, Instant since) override {
        return read_recorded_samples(connection_, job_key, since);
    }
    std::vector<StoredEvent> events(const std::string& job_key, std::size_t limit) override {
        return read_events(connection_, job_key, limit);
    }

protected:
    Connection connection_;
};

class SqliteStateStore final : public SqliteReads<StateStore> {
public:
    explicit SqliteStateStore(const std::string& path) : SqliteReads(path, Connection::Mode::ReadWrite) {}

    JobState load(const std::string& job_key, std::vector<std::string>& problems) override {
        Session session(connection_);
        std::vector<std::int64_t> stored_times;
        JobState state = sqlite::load_job_state(session, job_key, problems, stored_times);
        // What is stored now: the next save() of this job needs no query of its own.
        cache_.set(job_key, std::move(stored_times));
        return state;
    }


    JobTransaction begin(const std::string& job_key, std::optional<LeaseEpoch> epoch) override {
        // The epoch is not checked: this store is the only writer of its database (see the header).
        // BEGIN fails on a busy or read-only database: a write error like the others.
        auto backend = sqlite::as_store_write(
            connection_.path(), [&] { return std::make_unique<SqliteJobTransaction>(connection_, cache_); });
        return JobTransaction(job_key, epoch, std::move(backend));
    }

    void remove(const std::string& job_key) override {
        Session session(connection_);
        try {
            sqlite::as_store_write(session.path(), [&] {
                SQLite::Transaction tx(session.db());
                sqlite::delete_job(session, job_key);
                tx.commit();
            });
        } catch (...) {
            cache_.forget(job_key);
            throw;
        }
        cache_.forget(job_key);  // a vanished job must not keep its entry
    }

    StoredEvent record(const std::string& job_key, const Event& event, Instant now) override {
        Session session(connection_);
        return sqlite::as_store_write(session.path(), [&] {
            SQLite::Transaction tx(session.db());
            StoredEvent stored = sqlite::write_event(session, job_key, event, now);
            tx.commit();
            return stored;
        });
    }

    std::size_t delete_recorded_samples_before(Instant cutoff) override {
        return sqlite::delete_in_batches(connection_,
                                         "DELETE FROM recorded_sample WHERE id IN (SELECT id FROM recorded_sample "
                                         "WHERE sample_time < ? LIMIT ?)",
                                         cutoff);
    }

    std::size_t delete_events_created_before(Instant cutoff) override {
        return sqlite::delete_in_batches(connection_,
                                         "DELETE FROM event WHERE id IN (SELECT id FROM event WHERE create_time < ? "
                                         "ORDER BY id LIMIT ?)",
                                         cutoff);
    }

private:
    /// Constructed after the base's connection_ (destroyed before it) and used only within its
    /// Sessions (see SampleTimeCache).
    SampleTimeCache cache_;
};

class SqliteStateReader final : public SqliteReads<StateReader> {
public:
    explicit SqliteStateReader(const std::string& path) : SqliteReads(path, Connection::Mode::ReadOnly) {}

    JobState load(const std::string& job_key, std::vector<std::string>& problems) override {
        Session session(connection_);
        std::vector<std::int64_t> stored_times;  // not needed: a reader never saves
        return sqlite::load_job_state(session, job_key, problems, stored_times);
    }
};

}  // namespace

std::unique_ptr<StateStore> open_sqlite_store(const std::string& path) {
    try {
        return std::make_unique<SqliteStateStore>(path);
    } catch (const StoreInUse&) {
        throw;  // names the path already, and callers tell it apart by its type
    } catch (const StoreCorrupt&) {
        throw;
    } catch (const std::exception& e) {
        throw std::runtime_error("state store " + path + ": " + e.what());
    }
}

std::unique_ptr<StateReader> open_sqlite_reader(const std::string& path) {
    try {
        return std::make_unique<SqliteStateReader>(path);
    } catch (const std::exception& e) {
        throw std::runtime_error("state store " + path + " (read-only): " + e.what());
    }
}

}  // namespace flinkscaler::store
