// SPDX-License-Identifier: Apache-2.0
//
// The per-pass unit of work (store::JobTransaction) on the SQLite backend: all or nothing for a
// pass's state and events, folding inside the transaction, and a database that cannot take the
// writes (PRAGMA max_page_count) leaving the previous state intact.
#include "temp_dir.hpp"
#include "store/sqlite/sqlite_state_store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using flinkscaler::Event;
using flinkscaler::EventType;
using flinkscaler::Instant;
using flinkscaler::JobState;
using flinkscaler::Millis;
using flinkscaler::ReplaySample;
using flinkscaler::ScalingMetric;
using flinkscaler::store::JobInfo;
using flinkscaler::store::JobTransaction;
using flinkscaler::store::LeaseEpoch;
using flinkscaler::store::open_sqlite_store;
using flinkscaler::store::StoredEvent;
using flinkscaler::testing::TempDir;

namespace {

const std::string kV1 = "0a448493b4782967b150582570326227";
const std::string kJob = "cluster-a/0123456789abcdef0123456789abcdef";

// 2026-01-01T00:00:00.000Z
const Instant kT0 = flinkscaler::instant_from_epoch_ms(1767225600000);
Instant at(Millis offset) { return kT0 + offset; }

/// A job state with `samples` metric samples (10 s apart, ending at `newest`) and an override. A
/// sample's values depend on its time only: the store never rewrites an older sample.
JobState state_with(int samples, Millis newest, int parallelism) {
    JobState s;
    for (int i = 0; i < samples; ++i) {
        const Millis offset = newest - Millis{i * 10'000};
        auto& sample = s.metric_history[at(offset)];
        const double seconds = static_cast<double>(offset.count()) / 1000.0;
        sample.vertex_metrics[kV1] = {{ScalingMetric::LOAD, seconds / 4096.0}, {ScalingMetric::LAG, 1000.0 + seconds}};
        sample.global_metrics = {{ScalingMetric::HEAP_MAX_USAGE_RATIO, 0.5}};
    }
    s.parallelism_overrides = {{kV1, parallelism}};
    return s;
}

Event event(std::string reason, std::string message, std::optional<Millis> interval) {
    Event e;
    e.type = EventType::Normal;
    e.reason = std::move(reason);
    e.message = std::move(message);
    e.interval = interval;
    return e;
}

int count_rows(const std::string& file, const std::string& sql) {
    SQLite::Database db(file, SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt();
}

/// Every SQLite connection opened while this lives gets PRAGMA max_page_count = `pages` (an
/// auto extension runs on each new connection): a database that cannot grow, without a hook in
/// the store. The limit applies to the connection for its whole life.
class PageLimit {
public:
    explicit PageLimit(int pages) {
        pages_ = pages;
        REQUIRE(sqlite3_auto_extension(reinterpret_cast<void (*)(void)>(&limit)) == SQLITE_OK);
    }
    ~PageLimit() { sqlite3_cancel_auto_extension(reinterpret_cast<void (*)(void)>(&limit)); }
    PageLimit(const PageLimit&) = delete;
    PageLimit& operator=(const PageLimit&) = delete;

private:
    static int limit(sqlite3* db, char** /*error*/, const sqlite3_api_routines* /*api*/) {
        const std::string sql = "PRAGMA max_page_count = " + std::to_string(pages_);
        return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    }
    static inline int pages_ = 0;
};

/// While this lives, every SQLite connection opened gets a commit hook that vetoes its commits
/// while `veto` is set: SQLite then rolls the transaction back and COMMIT fails
/// (SQLITE_CONSTRAINT_COMMITHOOK), a commit failure without a hook in the store.
class CommitVeto {
public:
    CommitVeto() { REQUIRE(sqlite3_auto_extension(reinterpret_cast<void (*)(void)>(&install)) == SQLITE_OK); }
    ~CommitVeto() {
        sqlite3_cancel_auto_extension(reinterpret_cast<void (*)(void)>(&install));
        veto = false;
    }
    CommitVeto(const CommitVeto&) = delete;
    CommitVeto& operator=(const CommitVeto&) = delete;

    static inline bool veto = false;

private:
    static int hook(void* /*arg*/) { return veto ? 1 : 0; }
    static int install(sqlite3* db, char** /*error*/, const sqlite3_api_routines* /*api*/) {
        sqlite3_commit_hook(db, &hook, nullptr);
        return SQLITE_OK;
    }
};

}  // namespace

TEST_CASE("a job transaction that is not committed leaves nothing", "[store][transaction]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    {
        JobTransaction tx = store->begin(kJob, std::nullopt);
        CHECK(tx.open());
        tx.save(state_with(5, 40s, 4), at(40s));
        tx.save_job_info(JobInfo{"cluster-a", "0123456789abcdef0123456789abcdef", "job", {}}, at(40s));
        CHECK(tx.record(event("ScalingReport", "report", Millis{60'000}), at(40s)).count == 1);
    }  // destroyed uncommitted: rolled back
    std::vector<std::string> problems;
    CHECK(store->load(kJob, problems) == JobState{});
    CHECK(store->job_keys().empty());
    CHECK_FALSE(store->job_info(kJob).has_value());
    CHECK(store->events(kJob, 10).empty());
    CHECK(count_rows(dir.file(), "SELECT COUNT(*) FROM metric_sample") == 0);

    // The store's cache of stored sample times did not keep the rolled-back rows: a later save
    // writes the whole history.
    const JobState s = state_with(3, 40s, 2);
    store->save(kJob, s, at(40s));
    CHECK(count_rows(dir.file(), "SELECT COUNT(*) FROM metric_sample") == 3);
    CHECK(store->load(kJob, problems) == s);
    CHECK(problems.empty());
}

TEST_CASE("a committed job transaction stores the state and the events together", "[store][transaction]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    const JobState s = state_with(4, 30s, 6);
    ReplaySample raw;
    raw.timestamp = at(30s);
    raw.job_running_since = at(0s);

    JobTransaction tx = store->begin(kJob, LeaseEpoch{7});
    CHECK(tx.job_key() == kJob);
    CHECK(tx.epoch() == LeaseEpoch{7});  // carried, not checked by SQLite (single writer)
    tx.save(s, at(30s), &raw);
    const StoredEvent a = tx.record(event("ScalingReport", "report", Millis{60'000}), at(30s));
    const StoredEvent b = tx.record(event("IneffectiveScaling", "ineffective", std::nullopt), at(30s));
    // Nothing is visible to another connection before the commit.
    CHECK(count_rows(dir.file(), "SELECT COUNT(*) FROM event") == 0);
    CHECK(count_rows(dir.file(), "SELECT COUNT(*) FROM state") == 0);
    tx.commit();
    CHECK_FALSE(tx.open());

    std::vector<std::string> problems;
    CHECK(store->load(kJob, problems) == s);
    CHECK(problems.empty());
    CHECK(store->events(kJob, 10) == std::vector<StoredEvent>{b, a});
    CHECK(store->recorded_samples(kJob, at(0s)).size() == 1);
    CHECK(count_rows(dir.file(), "SELECT COUNT(*) FROM event") == 2);
}

TEST_CASE("events fold inside a job transaction like committed ones", "[store][transaction]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    const Event e = event("ScalingReport", "report", Millis{60'000});
    const StoredEvent committed = store->record(kJob, e, at(0s));

    JobTransaction tx = store->begin(kJob, std::nullopt);
    const StoredEvent first = tx.record(e, at(10s));  // folds into the committed row
    CHECK(first.id == committed.id);
    CHECK(first.count == 2);
    const StoredEvent fresh = tx.record(e, at(70s));  // beyond the interval of the first row
    CHECK(fresh.count == 1);
    CHECK(fresh.id != committed.id);
    const StoredEvent folded = tx.record(e, at(80s));  // folds into the row of this transaction
    CHECK(folded.id == fresh.id);
    CHECK(folded.count == 2);
    tx.commit();

    const auto events = store->events(kJob, 10);
    REQUIRE(events.size() == 2);
    CHECK(events[0] == folded);
    CHECK(events[1].count == 2);
}

TEST_CASE("a job transaction is over after commit or after a failed operation", "[store][transaction]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    JobTransaction tx = store->begin(kJob, std::nullopt);
    tx.save(state_with(1, 0s, 2), at(0s));
    tx.commit();
    CHECK_THROWS_AS(tx.commit(), std::logic_error);
    CHECK_THROWS_WITH(tx.save(state_with(1, 10s, 2), at(10s)), Catch::Contains(kJob) && Catch::Contains("committed"));
    CHECK_THROWS_AS(tx.record(event("R", "m", std::nullopt), at(10s)), std::logic_error);

    SECTION("the thread holding an open transaction cannot use the store (it would deadlock)") {
        JobTransaction open = store->begin(kJob, std::nullopt);
        std::vector<std::string> problems;
        CHECK_THROWS_AS(store->load(kJob, problems), std::logic_error);
        CHECK_THROWS_AS(store->record(kJob, event("R", "m", std::nullopt), at(10s)), std::logic_error);
        open.commit();
        CHECK(store->load(kJob, problems) == state_with(1, 0s, 2));
    }
    SECTION("another thread waits for the transaction to end") {
        std::optional<JobTransaction> open = store->begin(kJob, std::nullopt);
        open->save(state_with(2, 10s, 3), at(10s));
        std::vector<std::string> problems;
        JobState seen;
        std::thread reader([&] { seen = store->load(kJob, problems); });
        std::this_thread::sleep_for(50ms);
        open->commit();
        open.reset();
        reader.join();
        CHECK(seen == state_with(2, 10s, 3));
    }
}

TEST_CASE("a failed commit throws and keeps the previous state", "[store][transaction]") {
    TempDir dir;
    CommitVeto hooks;
    auto store = open_sqlite_store(dir.file());
    const JobState before = state_with(3, 20s, 2);
    store->save(kJob, before, at(20s));
    const StoredEvent before_event = store->record(kJob, event("ScalingReport", "before", Millis{60'000}), at(20s));

    const JobState after = state_with(30, 300s, 8);
    JobTransaction tx = store->begin(kJob, std::nullopt);
    tx.save(after, at(300s));
    tx.record(event("ScalingReport", "after", Millis{60'000}), at(300s));
    CommitVeto::veto = true;
    CHECK_THROWS_AS(tx.commit(), std::runtime_error);
    CommitVeto::veto = false;
    CHECK_FALSE(tx.open());

    std::vector<std::string> problems;
    // Read beside the store: its own load() would refresh what it knows is stored.
    CHECK(flinkscaler::store::open_sqlite_reader(dir.file())->load(kJob, problems) == before);
    CHECK(store->events(kJob, 10) == std::vector<StoredEvent>{before_event});
    // The store did not take the failed transaction's samples for stored: the next save writes
    // all 30 of them, not only the newest.
    store->save(kJob, after, at(300s));
    CHECK(count_rows(dir.file(), "SELECT COUNT(*) FROM metric_sample") == 30);
    CHECK(store->load(kJob, problems) == after);
    CHECK(problems.empty());
}

TEST_CASE("a database that cannot grow fails the unit of work and keeps the previous state", "[store][transaction]") {
    TempDir dir;
    const JobState before = state_with(3, 20s, 2);
    StoredEvent before_event;
    {
        auto store = open_sqlite_store(dir.file());
        store->save(kJob, before, at(20s));
        before_event = store->record(kJob, event("ScalingReport", "before", Millis{60'000}), at(20s));
    }  // closing the last connection checkpoints the WAL: the file holds every page
    const int pages = count_rows(dir.file(), "PRAGMA page_count");

    // A pass whose state needs more pages than the database may have.
    JobState after = state_with(200, 2000s, 8);
    ReplaySample raw;
    raw.timestamp = at(2000s);
    raw.job_running_since = at(0s);
    flinkscaler::VertexInfo vertex;
    vertex.id = kV1;
    vertex.name = std::string(20'000, 'x');  // a recorded sample of several pages
    raw.vertices.push_back(vertex);
    {
        PageLimit limit(pages);
        auto store = open_sqlite_store(dir.file());
        CHECK_THROWS_WITH(
            [&] {
                JobTransaction tx = store->begin(kJob, std::nullopt);
                tx.save(after, at(2000s), &raw);
                tx.record(event("ScalingReport", "after", Millis{60'000}), at(2000s));
                tx.commit();
            }(),
            Catch::Contains("full"));
        std::vector<std::string> problems;
        CHECK(store->load(kJob, problems) == before);
        CHECK(problems.empty());
        CHECK(store->events(kJob, 10) == std::vector<StoredEvent>{before_event});
        CHECK(store->recorded_samples(kJob, at(0s)).empty());
    }
    // Without the limit the same pass is stored, and only its samples remain.
    auto store = open_sqlite_store(dir.file());
    JobTransaction tx = store->begin(kJob, std::nullopt);
    tx.save(after, at(2000s), &raw);
    tx.commit();
    std::vector<std::string> problems;
    CHECK(store->load(kJob, problems) == after);
    CHECK(count_rows(dir.file(), "SELECT COUNT(*) FROM metric_sample") == 200);
}

namespace {

/// Like PageLimit, but keeps the first connection opened while it lives (the store's) so a test
/// can let that connection grow again: space returning under a running daemon.
class RaisablePageLimit {
public:
    explicit RaisablePageLimit(int pages) {
        pages_ = pages;
        first_ = nullptr;
        REQUIRE(sqlite3_auto_extension(reinterpret_cast<void (*)(void)>(&limit)) == SQLITE_OK);
    }
    ~RaisablePageLimit() { sqlite3_cancel_auto_extension(reinterpret_cast<void (*)(void)>(&limit)); }
    RaisablePageLimit(const RaisablePageLimit&) = delete;
    RaisablePageLimit& operator=(const RaisablePageLimit&) = delete;

    /// Lets the store's connection grow to `pages` (call between its transactions).
    void raise(int pages) {
        REQUIRE(first_ != nullptr);
        const std::string sql = "PRAGMA max_page_count = " + std::to_string(pages);
        REQUIRE(sqlite3_exec(first_, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    }

private:
    static int limit(sqlite3* db, char** /*error*/, const sqlite3_api_routines* /*api*/) {
        if (first_ == nullptr) first_ = db;
        const std::string sql = "PRAGMA max_page_count = " + std::to_string(pages_);
        return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    }
    static inline int pages_ = 0;
    static inline sqlite3* first_ = nullptr;
};

}  // namespace

TEST_CASE("a full store throws StoreWriteError, keeps what was committed, and takes the next transaction once it "
          "may grow",
          "[store][transaction][write-error]") {
    TempDir dir;
    const std::string other = "cluster-a/fedcba9876543210fedcba9876543210";
    const JobState other_state = state_with(5, 40s, 3);
    {
        auto store = open_sqlite_store(dir.file());
        store->save(other, other_state, at(40s));
    }
    const int pages = count_rows(dir.file(), "PRAGMA page_count");

    RaisablePageLimit limit(pages + 8);
    auto store = open_sqlite_store(dir.file());
    // Passes of a growing job until the store is full.
    JobState committed;
    std::vector<StoredEvent> committed_events;
    std::optional<flinkscaler::store::StoreWriteError> failure;
    JobState refused;
    int pass = 0;
    for (; pass < 500 && !failure; ++pass) {
        const JobState next = state_with(pass + 1, Millis{pass * 10'000}, 2 + pass % 5);
        try {
            JobTransaction tx = store->begin(kJob, std::nullopt);
            tx.save(next, at(Millis{pass * 10'000}));
            const StoredEvent e = tx.record(event("ScalingReport", "pass " + std::to_string(pass), std::nullopt),
                                            at(Millis{pass * 10'000}));
            tx.commit();
            committed = next;
            committed_events.insert(committed_events.begin(), e);
        } catch (const flinkscaler::store::StoreWriteError& e) {
            failure = e;
            refused = next;
        }
    }
    REQUIRE(failure.has_value());
    CHECK(pass > 1);  // some passes were committed before
    CHECK(failure->path() == dir.file());
    CHECK(failure->reason() == "database or disk is full");
    CHECK(std::string(failure->what()) == "state store " + dir.file() + ": cannot write: database or disk is full");

    // Nothing of the refused pass is stored; what was committed before is intact.
    std::vector<std::string> problems;
    CHECK(flinkscaler::store::open_sqlite_reader(dir.file())->load(kJob, problems) == committed);
    CHECK(store->load(kJob, problems) == committed);
    CHECK(problems.empty());
    CHECK(store->events(kJob, 1000) == committed_events);
    CHECK(count_rows(dir.file(), "SELECT COUNT(*) FROM metric_sample WHERE job_key = '" + kJob + "'") ==
          static_cast<int>(committed.metric_history.size()));
    CHECK(store->load(other, problems) == other_state);

    // Writes outside a pass's transaction fail the same way while the store is full.
    JobInfo big{"cluster-a", "0123456789abcdef0123456789abcdef", std::string(200'000, 'n'), {}};
    CHECK_THROWS_AS(store->save_job_info(kJob, big, at(1h)), flinkscaler::store::StoreWriteError);

    // Space returns: the very next transaction of the same store succeeds.
    limit.raise(1'000'000);
    JobTransaction tx = store->begin(kJob, std::nullopt);
    tx.save(refused, at(1h));
    tx.record(event("ScalingReport", "after", std::nullopt), at(1h));
    tx.commit();
    CHECK(store->load(kJob, problems) == refused);
    CHECK(problems.empty());
    store->save_job_info(kJob, big, at(1h));
    CHECK(store->job_info(kJob) == big);
}

TEST_CASE("every write the database refuses is a StoreWriteError, inside a transaction or not",
          "[store][transaction][write-error]") {
    TempDir dir;
    CommitVeto hooks;
    auto store = open_sqlite_store(dir.file());
    const JobState s = state_with(3, 20s, 2);
    store->save(kJob, s, at(20s));
    const StoredEvent kept = store->record(kJob, event("ScalingReport", "kept", std::nullopt), at(20s));
    const JobInfo info{"cluster-a", "0123456789abcdef0123456789abcdef", "job", {}};

    using flinkscaler::store::StoreWriteError;
    CommitVeto::veto = true;
    const auto refused = Catch::Contains("state store " + dir.file() + ": cannot write: ");
    CHECK_THROWS_AS(store->record(kJob, event("ScalingReport", "lost", std::nullopt), at(30s)), StoreWriteError);
    CHECK_THROWS_WITH(store->save_job_info(kJob, info, at(30s)), refused);
    CHECK_THROWS_AS(store->save(kJob, state_with(4, 30s, 5), at(30s)), StoreWriteError);
    CHECK_THROWS_AS(store->remove(kJob), StoreWriteError);
    CHECK_THROWS_AS(store->delete_events_created_before(at(1h)), StoreWriteError);
    {
        JobTransaction tx = store->begin(kJob, std::nullopt);
        tx.save(state_with(4, 30s, 5), at(30s));
        CHECK_THROWS_AS(tx.commit(), StoreWriteError);
        CHECK_FALSE(tx.open());
    }
    CommitVeto::veto = false;

    // Nothing of it is stored, and the store goes on.
    std::vector<std::string> problems;
    CHECK(store->load(kJob, problems) == s);
    CHECK(store->events(kJob, 10) == std::vector<StoredEvent>{kept});
    CHECK_FALSE(store->job_info(kJob).has_value());
    store->save_job_info(kJob, info, at(40s));
    CHECK(store->job_info(kJob) == info);
    store->remove(kJob);
    CHECK(store->job_keys().empty());
}
