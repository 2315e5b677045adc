// SPDX-License-Identifier: Apache-2.0
#include "state_store.hpp"

#include "flinkscaler/numeric.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <thread>
#include <unistd.h>

using namespace std::chrono_literals;
using flinkscaler::EvaluatedScalingMetric;
using flinkscaler::Event;
using flinkscaler::EventType;
using flinkscaler::Instant;
using flinkscaler::JobState;
using flinkscaler::kInf;
using flinkscaler::kNaN;
using flinkscaler::Millis;
using flinkscaler::ScalingMetric;
using flinkscaler::ScalingSummary;
using flinkscaler::store::open_sqlite_store;
using flinkscaler::store::StoredEvent;
namespace fs = std::filesystem;

namespace {

using M = ScalingMetric;

const std::string kV1 = "0a448493b4782967b150582570326227";
const std::string kV2 = "bc764cd8ddf7a0cff126f51c16239658";
const std::string kJob = "cluster-a/0123456789abcdef0123456789abcdef";
const std::string kOtherJob = "cluster-b/fedcba9876543210fedcba9876543210";

// 2026-01-01T00:00:00.000Z
const Instant kT0 = flinkscaler::instant_from_epoch_ms(1767225600000);
Instant at(Millis offset) { return kT0 + offset; }

/// A unique directory under /tmp, removed with everything in it at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() /
               ("flinkscaler-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name = "state.db") const { return (path / name).string(); }
};

JobState full_state() {
    JobState s;
    s.metric_history[at(0ms)].vertex_metrics[kV1] = {
        {M::LOAD, 0.85}, {M::LAG, kNaN}, {M::OBSERVED_TPR, kInf}, {M::NUM_RECORDS_IN, 0.1 + 0.2}};
    s.metric_history[at(0ms)].global_metrics = {{M::GC_PRESSURE, -kInf}, {M::HEAP_MAX_USAGE_RATIO, 0.123456789012345}};
    s.metric_history[at(10'001ms)].vertex_metrics[kV2] = {{M::LOAD, kNaN}};
    s.scaling_history[kV1][at(1ms)] = ScalingSummary{
        1, 4,
        {{M::TRUE_PROCESSING_RATE, EvaluatedScalingMetric{kNaN, 588.235}},
         {M::SCALE_DOWN_RATE_THRESHOLD, EvaluatedScalingMetric{kInf, kNaN}},
         {M::LAG, EvaluatedScalingMetric{-kInf, kNaN}}}};
    s.scaling_tracking.records[at(1ms)] = Millis{12'345};
    s.scaling_tracking.records[at(2ms)] = std::nullopt;
    s.delayed_scale_down.trigger(kV2, at(3ms), 2, true);
    s.delayed_scale_down.updated = false;
    s.parallelism_overrides = {{kV1, 4}, {kV2, 2}};
    return s;
}

Event event(std::string reason, std::string message, std::optional<std::string> key,
            std::optional<Millis> interval, EventType type = EventType::Normal) {
    Event e;
    e.type = type;
    e.reason = std::move(reason);
    e.message = std::move(message);
    e.message_key = std::move(key);
    e.interval = interval;
    return e;
}

int count_rows(const std::string& file, const std::string& sql) {
    SQLite::Database db(file, SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt();
}

}  // namespace

TEST_CASE("state store round-trips a full job state with NaN and infinities", "[store]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    const JobState s = full_state();
    store->save(kJob, s, at(5s));
    std::vector<std::string> problems;
    const JobState loaded = store->load(kJob, problems);
    CHECK(problems.empty());
    CHECK(loaded == s);
    CHECK(std::isnan(loaded.metric_history.at(at(0ms)).vertex_metrics.at(kV1).at(M::LAG)));
    CHECK(loaded.metric_history.at(at(0ms)).global_metrics.at(M::GC_PRESSURE) == -kInf);
    CHECK(count_rows(dir.file(), "SELECT COUNT(*) FROM state") == 5);
    CHECK(count_rows(dir.file(), "SELECT COUNT(*) FROM state WHERE update_time = " +
                                     std::to_string(flinkscaler::epoch_ms(at(5s)))) == 5);
}

TEST_CASE("state store save replaces values and deletes empty parts in one go", "[store]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    store->save(kJob, full_state(), at(1s));
    JobState smaller;
    smaller.parallelism_overrides = {{kV1, 7}};
    store->save(kJob, smaller, at(2s));
    std::vector<std::string> problems;
    CHECK(store->load(kJob, problems) == smaller);
    CHECK(problems.empty());
    SQLite::Database db(dir.file(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM state").getInt() == 1);
    CHECK(db.execAndGet("SELECT state_type FROM state").getString() == "parallelismOverrides");
    CHECK(db.execAndGet("SELECT update_time FROM state").getInt64() == flinkscaler::epoch_ms(at(2s)));
}

TEST_CASE("state store remove and job_keys", "[store]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    CHECK(store->job_keys().empty());
    store->save(kOtherJob, full_state(), at(1s));
    store->save(kJob, full_state(), at(1s));
    store->save("cluster-c/empty", JobState{}, at(1s));  // nothing to store
    CHECK(store->job_keys() == std::vector<std::string>{kJob, kOtherJob});
    store->remove(kJob);
    CHECK(store->job_keys() == std::vector<std::string>{kOtherJob});
    std::vector<std::string> problems;
    CHECK(store->load(kJob, problems) == JobState{});
    CHECK(store->load(kOtherJob, problems) == full_state());
    CHECK(problems.empty());
}

TEST_CASE("state store deletes and reports an unreadable stored value", "[store]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    const JobState s = full_state();
    store->save(kJob, s, at(1s));
    {
        SQLite::Database db(dir.file(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE state SET state_value = '{not json' WHERE state_type = 'scalingHistory'");
        db.exec("UPDATE state SET state_value = '{\"" + kV1 +
                "\": \"four\"}' WHERE state_type = 'parallelismOverrides'");
        db.exec("INSERT INTO state (update_time, job_key, state_type, state_value) VALUES (1, '" + kJob +
                "', 'configOverrides', '{}')");
    }
    std::vector<std::string> problems;
    const JobState loaded = store->load(kJob, problems);
    REQUIRE(problems.size() == 2);
    std::sort(problems.begin(), problems.end());
    CHECK_THAT(problems[0], Catch::Contains(kJob + " parallelismOverrides") && Catch::Contains(kV1));
    CHECK_THAT(problems[1], Catch::Contains(kJob + " scalingHistory"));
    JobState expected = s;
    expected.scaling_history.clear();
    expected.parallelism_overrides.clear();
    CHECK(loaded == expected);
    // deleted: a second load is clean; unknown types are left alone
    problems.clear();
    CHECK(store->load(kJob, problems) == expected);
    CHECK(problems.empty());
    CHECK(count_rows(dir.file(), "SELECT COUNT(*) FROM state") == 4);
    CHECK(count_rows(dir.file(), "SELECT COUNT(*) FROM state WHERE state_type = 'configOverrides'") == 1);
}

TEST_CASE("state store opens in WAL mode with the schema version in user_version", "[store]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    SQLite::Database db(dir.file(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == flinkscaler::store::latest_schema_version());
    CHECK(flinkscaler::store::latest_schema_version() >= 1);
    CHECK(db.tableExists("state"));
    CHECK(db.tableExists("event"));
    CHECK(db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'event_%'")
              .getInt() == 3);
}

TEST_CASE("state store keeps its data across a restart", "[store]") {
    TempDir dir;
    {
        auto store = open_sqlite_store(dir.file());
        store->save(kJob, full_state(), at(1s));
        store->record(kJob, event("Scaling", "rescaled", std::nullopt, std::nullopt), at(1s));
    }
    auto store = open_sqlite_store(dir.file());  // migrations are not applied twice
    std::vector<std::string> problems;
    CHECK(store->load(kJob, problems) == full_state());
    CHECK(problems.empty());
    CHECK(store->events(kJob, 10).size() == 1);
    CHECK(count_rows(dir.file(), "PRAGMA user_version") == flinkscaler::store::latest_schema_version());
}

TEST_CASE("state store refuses a database of a newer schema version", "[store]") {
    TempDir dir;
    const int newer = flinkscaler::store::latest_schema_version() + 1;
    {
        SQLite::Database db(dir.file(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA user_version = " + std::to_string(newer));
    }
    try {
        open_sqlite_store(dir.file());
        FAIL("no error");
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        CHECK_THAT(what, Catch::Contains(dir.file()));
        CHECK_THAT(what, Catch::Contains("version " + std::to_string(newer)));
        CHECK_THAT(what, Catch::Contains("version " + std::to_string(newer - 1)));
    }
}

TEST_CASE("state store open failure names the path", "[store]") {
    TempDir dir;
    const std::string bad = (dir.path / "missing-dir" / "state.db").string();
    CHECK_THROWS_WITH(open_sqlite_store(bad), Catch::Contains(bad));
}

TEST_CASE("state store folds repeated events within the interval", "[store]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    const auto e1 = event("MemoryPressure", "heap usage 0.95", std::string("heapUsage"), Millis{60'000});
    const auto e2 = event("MemoryPressure", "heap usage 0.97", std::string("heapUsage"), Millis{60'000});

    const StoredEvent first = store->record(kJob, e1, at(0s));
    CHECK(first.count == 1);
    CHECK(first.create_time == at(0s));
    CHECK(first.update_time == at(0s));
    CHECK(first.event_type == "Normal");
    CHECK(first.event_key.size() == 16);
    CHECK(first.event_key == flinkscaler::store::event_key(kJob, e2));  // the key ignores the message

    SECTION("within the interval: the row is updated") {
        const StoredEvent folded = store->record(kJob, e2, at(59'999ms));
        CHECK(folded.id == first.id);
        CHECK(folded.count == 2);
        CHECK(folded.message == "heap usage 0.97");
        CHECK(folded.create_time == at(0s));
        CHECK(folded.update_time == at(59'999ms));
        CHECK(store->events(kJob, 10) == std::vector<StoredEvent>{folded});
    }
    SECTION("at or beyond the interval: a new row") {
        const StoredEvent fresh = store->record(kJob, e2, at(60s));
        CHECK(fresh.id != first.id);
        CHECK(fresh.count == 1);
        CHECK(store->events(kJob, 10) == std::vector<StoredEvent>{fresh, first});
        // later repeats fold into the newest row
        const StoredEvent again = store->record(kJob, e1, at(61s));
        CHECK(again.id == fresh.id);
        CHECK(again.count == 2);
        CHECK(store->events(kJob, 1) == std::vector<StoredEvent>{again});
    }
    SECTION("other jobs, reasons and types are separate") {
        CHECK(store->record(kOtherJob, e2, at(1s)).count == 1);
        auto warning = e2;
        warning.type = EventType::Warning;
        CHECK(store->record(kJob, warning, at(1s)).count == 1);
        CHECK(store->record(kJob, event("Other", "x", std::string("heapUsage"), Millis{60'000}), at(1s)).count ==
              1);
        CHECK(store->events(kJob, 10).size() == 3);
    }
}

TEST_CASE("state store never folds events without an interval", "[store]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    const auto e = event("AutoscalerError", "boom", std::nullopt, std::nullopt, EventType::Warning);
    const auto a = store->record(kJob, e, at(0s));
    const auto b = store->record(kJob, e, at(0s));
    const auto c = store->record(kJob, event("X", "same", std::string("k"), Millis{0}), at(0s));
    const auto d = store->record(kJob, event("X", "same", std::string("k"), Millis{0}), at(0s));
    CHECK(a.id != b.id);
    CHECK(c.id != d.id);
    CHECK(a.count == 1);
    CHECK(b.count == 1);
    CHECK(d.count == 1);
    CHECK(b.event_type == "Warning");
    CHECK(store->events(kJob, 10).size() == 4);
    CHECK(store->events(kJob, 10).front().id == d.id);  // newest first
}

TEST_CASE("state store does not fold events with distinct message keys", "[store]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    const auto a = store->record(kJob, event("MemoryPressure", "m", std::string("gcPressure"), Millis{60'000}), at(0s));
    const auto b = store->record(kJob, event("MemoryPressure", "m", std::string("heapUsage"), Millis{60'000}), at(1s));
    CHECK(a.id != b.id);
    CHECK(a.event_key != b.event_key);
    CHECK(b.count == 1);
    // without a message key the message is the key
    const auto c = store->record(kJob, event("ResourceQuotaReached", "quota 1", std::nullopt, Millis{60'000}), at(2s));
    const auto d = store->record(kJob, event("ResourceQuotaReached", "quota 2", std::nullopt, Millis{60'000}), at(3s));
    const auto e = store->record(kJob, event("ResourceQuotaReached", "quota 2", std::nullopt, Millis{60'000}), at(4s));
    CHECK(c.id != d.id);
    CHECK(e.id == d.id);
    CHECK(e.count == 2);
}

TEST_CASE("state store retention deletes old events in batches", "[store]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    {
        SQLite::Database db(dir.file(), SQLite::OPEN_READWRITE);
        db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4500) "
                "INSERT INTO event (create_time, update_time, job_key, reason, event_type, message, event_count, "
                "event_key) SELECT " + std::to_string(flinkscaler::epoch_ms(at(0s))) +
                " + i, 0, 'j', 'r', 'Normal', 'm', 1, 'k' FROM n");
    }
    const auto kept = store->record(kJob, event("Scaling", "new", std::nullopt, std::nullopt), at(1h));
    CHECK(store->delete_events_created_before(at(1h)) == 4500);
    CHECK(store->delete_events_created_before(at(1h)) == 0);
    CHECK(store->events(kJob, 10) == std::vector<StoredEvent>{kept});
    CHECK(count_rows(dir.file(), "SELECT COUNT(*) FROM event") == 1);
}

TEST_CASE("state store serializes concurrent use from several threads", "[store]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&store, t] {
            const std::string job = "c/" + std::to_string(t);
            for (int i = 0; i < 25; ++i) {
                JobState s;
                s.parallelism_overrides = {{kV1, i + 1}};
                store->save(job, s, at(Millis{i}));
                store->record(job, event("R", "m", std::string("k"), Millis{1'000'000}), at(Millis{i}));
            }
        });
    for (auto& th : threads) th.join();
    CHECK(store->job_keys().size() == 4);
    std::vector<std::string> problems;
    CHECK(store->load("c/2", problems).parallelism_overrides.at(kV1) == 25);
    CHECK(store->events("c/3", 10).at(0).count == 25);
}
