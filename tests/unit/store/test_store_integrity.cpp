// SPDX-License-Identifier: Apache-2.0
//
// Integrity of a SQLite store (docs/state-store.md): a damaged database refuses to open for
// writing (PRAGMA quick_check) with what to do; `store check` reports the integrity check, the
// schema version, the rows per table and every value that does not decode; `store recover`
// copies every readable row into a new store.
#include "temp_dir.hpp"
#include "store/open_store.hpp"
#include "store/sqlite/sqlite_state_store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

using namespace std::chrono_literals;
using flinkscaler::Event;
using flinkscaler::Instant;
using flinkscaler::JobState;
using flinkscaler::Millis;
using flinkscaler::ReplaySample;
using flinkscaler::ScalingMetric;
using flinkscaler::store::check_sqlite_store;
using flinkscaler::store::open_sqlite_store;
using flinkscaler::store::recover_sqlite_store;
using flinkscaler::store::StoreCheckReport;
using flinkscaler::store::StoreCorrupt;
using flinkscaler::testing::TempDir;

namespace {

const std::string kV1 = "0a448493b4782967b150582570326227";
const Instant kT0 = flinkscaler::instant_from_epoch_ms(1767225600000);
Instant at(Millis offset) { return kT0 + offset; }

std::string job_key(int i) { return "cluster-a/" + std::string(30, '0') + std::to_string(10 + i); }

/// A store like a daemon's after a while: `jobs` jobs with job info, a 40-sample metric history,
/// an override, 20 recorded samples and a few events each.
void populate(const std::string& file, int jobs) {
    auto store = open_sqlite_store(file);
    for (int j = 0; j < jobs; ++j) {
        const std::string key = job_key(j);
        store->save_job_info(key, {"cluster-a", key.substr(10), "job " + std::to_string(j), {}}, kT0);
        JobState s;
        for (int i = 0; i < 40; ++i) {
            auto& sample = s.metric_history[at(Millis{i * 10'000})];
            sample.vertex_metrics[kV1] = {{ScalingMetric::LOAD, 0.5 + i / 100.0}, {ScalingMetric::LAG, 10.0 * i}};
        }
        s.parallelism_overrides = {{kV1, 2 + j}};
        for (int i = 0; i < 20; ++i) {
            ReplaySample raw;
            raw.timestamp = at(Millis{i * 10'000});
            raw.job_running_since = kT0;
            flinkscaler::VertexInfo vertex;
            vertex.id = kV1;
            vertex.name = "vertex of job " + std::to_string(j) + std::string(300, '.');
            raw.vertices.push_back(vertex);
            store->save(key, s, raw.timestamp, &raw);
        }
        for (int i = 0; i < 5; ++i) {
            Event e;
            e.reason = "ScalingReport";
            e.message = "report " + std::to_string(i);
            store->record(key, e, at(Millis{i * 1000}));
        }
    }
}  // closing the store checkpoints the WAL: the file holds every page

/// Overwrites `count` pages in the middle of the database with random bytes (seeded).
void damage_pages(const std::string& file, int count, std::uint32_t seed) {
    int page_size = 0, pages = 0;
    {
        SQLite::Database db(file, SQLite::OPEN_READONLY);
        page_size = db.execAndGet("PRAGMA page_size").getInt();
        pages = db.execAndGet("PRAGMA page_count").getInt();
    }
    REQUIRE(pages > 4 * count);
    std::mt19937 random(seed);
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    for (int p = pages / 2; p < pages / 2 + count; ++p) {
        std::string bytes(static_cast<std::size_t>(page_size), '\0');
        for (auto& b : bytes) b = static_cast<char>(random() & 0xff);
        f.seekp(static_cast<std::streamoff>(p) * page_size);  // page p + 1 (pages count from 1)
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    REQUIRE(f.good());
}

/// Every row of `table` by id, as text (to compare a recovered store with the original).
std::map<std::int64_t, std::string> rows_of(const std::string& file, const std::string& table) {
    SQLite::Database db(file, SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT * FROM " + table + " ORDER BY id");
    std::map<std::int64_t, std::string> rows;
    while (q.executeStep()) {
        std::string text;
        for (int i = 0; i < q.getColumnCount(); ++i) text += q.getColumn(i).getString() + "|";
        rows.emplace(q.getColumn(0).getInt64(), text);
    }
    return rows;
}

std::int64_t rows_in(const StoreCheckReport& report, const std::string& table) {
    for (const auto& t : report.tables)
        if (t.table == table) return t.rows.value_or(-1);
    return -1;
}

}  // namespace

TEST_CASE("a store damaged in the middle refuses to open for writing and says what to do", "[store][integrity]") {
    TempDir dir;
    const std::string file = dir.file();
    populate(file, 8);
    std::filesystem::copy_file(file, dir.file("pristine.db"));
    damage_pages(file, 3, 20261207);

    try {
        open_sqlite_store(file);
        FAIL("a damaged store opened");
    } catch (const StoreCorrupt& e) {
        CHECK(e.path() == file);
        REQUIRE_FALSE(e.problems().empty());
        CHECK(e.problems().size() <= 5);
        const std::string message = e.what();
        CHECK_THAT(message, Catch::StartsWith("state store " + file + " is damaged (PRAGMA quick_check: " +
                                              e.problems().front()));
        CHECK_THAT(message, Catch::Contains("Run `flinkscaler store check " + file + "`"));
        CHECK_THAT(message, Catch::Contains("`flinkscaler store recover " + file + " --out NEW`"));
        CHECK_THAT(message, Catch::Contains("restore a backup"));
        CHECK_THAT(message, Catch::Contains("move the file aside (the daemon then starts with an empty store"));
    }
    // The daemon's way in refuses it the same way, and leaves the lock free for the next try.
    CHECK_THROWS_AS(flinkscaler::store::open_state_store(flinkscaler::store::StoreSettings::sqlite_file(file)),
                    StoreCorrupt);

    SECTION("store check reports the damage") {
        const StoreCheckReport report = check_sqlite_store(file);
        CHECK_FALSE(report.sound());
        REQUIRE_FALSE(report.integrity.empty());
        CHECK(report.integrity.front() != "ok");
        CHECK_THAT(report.problems.front(), Catch::StartsWith("integrity check: "));
        CHECK(report.schema_version == 2);
        CHECK(report.latest_schema_version == 2);
        CHECK(report.location == file);
    }
    SECTION("store recover copies every readable row into a new store that opens") {
        const std::string out = dir.file("recovered.db");
        const auto recovered = recover_sqlite_store(file, out);
        CHECK(recovered.check.sound());
        std::int64_t copied = 0, skipped = 0;
        for (const auto& t : recovered.tables) {
            copied += t.copied;
            skipped += t.skipped;
            CHECK(rows_in(recovered.check, t.table) == t.copied);
        }
        CHECK(recovered.tables.size() == 4);
        // Three damaged pages out of many: most rows survive, some do not.
        std::int64_t original = 0;
        for (const char* table : {"state", "event", "metric_sample", "recorded_sample"}) {
            const auto before = rows_of(dir.file("pristine.db"), table);
            original += static_cast<std::int64_t>(before.size());
            // Every copied row is the original row with that id, unchanged.
            for (const auto& [id, text] : rows_of(out, table)) {
                REQUIRE(before.count(id) == 1);
                CHECK(before.at(id) == text);
            }
        }
        CHECK(copied > original / 2);
        CHECK(copied < original);
        CHECK(skipped > 0);
        CHECK_FALSE(recovered.skipped.empty());
        auto store = open_sqlite_store(out);
        CHECK_FALSE(store->job_keys().empty());
        // It refuses to overwrite anything.
        CHECK_THROWS_WITH(recover_sqlite_store(file, out), Catch::Contains(out + " exists"));
    }
}

TEST_CASE("store check of a sound store counts its rows and decodes every value", "[store][integrity]") {
    TempDir dir;
    const std::string file = dir.file();
    populate(file, 2);
    StoreCheckReport report = check_sqlite_store(file);
    CHECK(report.sound());
    CHECK(report.integrity == std::vector<std::string>{"ok"});
    CHECK(report.schema_version == 2);
    CHECK(rows_in(report, "state") == 4);  // job info and overrides of two jobs
    CHECK(rows_in(report, "event") == 10);
    CHECK(rows_in(report, "metric_sample") == 80);
    CHECK(rows_in(report, "recorded_sample") == 40);
    CHECK(report.values_decoded == 4 + 80 + 40);
    CHECK(report.unreadable.empty());

    SECTION("values that do not decode are named, and make it unsound") {
        {
            SQLite::Database db(file, SQLite::OPEN_READWRITE);
            db.exec("UPDATE state SET state_value = '{oops' WHERE state_type = 'parallelismOverrides' AND job_key = '" +
                    job_key(1) + "'");
            db.exec("UPDATE recorded_sample SET value = '[]' WHERE id = 3");
        }
        report = check_sqlite_store(file);
        CHECK_FALSE(report.sound());
        CHECK(report.unreadable_count == 2);
        REQUIRE(report.unreadable.size() == 2);
        CHECK_THAT(report.unreadable[0], Catch::StartsWith("state row ") &&
                                             Catch::Contains("(" + job_key(1) + " parallelismOverrides): "));
        CHECK_THAT(report.unreadable[1], Catch::StartsWith("recorded_sample row 3 (" + job_key(0) + " recorded sample "));
        CHECK_THAT(report.problems.back(), Catch::StartsWith("2 unreadable row(s)"));
        // A recovery leaves them out, and its store is sound.
        const auto recovered = recover_sqlite_store(file, dir.file("new.db"));
        CHECK(recovered.check.sound());
        CHECK(rows_in(recovered.check, "state") == 3);
        CHECK(rows_in(recovered.check, "recorded_sample") == 39);
        CHECK(recovered.skipped.size() == 2);
    }
    SECTION("a file that is not there or not a database is unsound, not an exception") {
        CHECK_THAT(check_sqlite_store(dir.file("absent.db")).problems,
                   Catch::Equals(std::vector<std::string>{"cannot open: " + dir.file("absent.db") + " does not exist"}));
        dir.write("text.db", std::string(8192, 'x'));
        const auto text = check_sqlite_store(dir.file("text.db"));
        CHECK_FALSE(text.sound());
        CHECK_THAT(text.integrity.front(), Catch::Contains("not a database"));
        CHECK_THROWS_WITH(open_sqlite_store(dir.file("text.db")), Catch::Contains("is damaged") &&
                                                                      Catch::Contains("not a database"));
    }
}
