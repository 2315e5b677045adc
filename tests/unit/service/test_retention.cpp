// SPDX-License-Identifier: Apache-2.0
//
// Housekeeping (src/service/retention.hpp): which jobs' state expires, and one run against a
// real SQLite store in a temporary folder.
#include "service/retention.hpp"
#include "store/sqlite/sqlite_state_store.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using flinkscaler::Event;
using flinkscaler::EventType;
using flinkscaler::Instant;
using flinkscaler::service::expired_job_keys;
using flinkscaler::service::run_housekeeping;
using flinkscaler::service::ServiceSettings;

namespace {

const Instant kT0{std::chrono::hours(24 * 365 * 55)};

}  // namespace

TEST_CASE("a job's state expires when no runtime tracks it and it was not updated for the retention",
          "[retention]") {
    const std::map<std::string, Instant> last_updates{
        {"c/old", kT0}, {"c/tracked", kT0}, {"c/recent", kT0 + 2h}, {"c/edge", kT0 + 1h}};
    const auto expired = expired_job_keys(last_updates, {"c/tracked"}, kT0 + 3h, 2h);
    // c/edge was updated exactly one retention ago: kept (strictly older expires).
    CHECK(expired == std::vector<std::string>{"c/old"});
    CHECK(expired_job_keys(last_updates, {}, kT0 + 1h, 2h).empty());
}

TEST_CASE("a housekeeping run deletes expired jobs, old events and old recorded samples", "[retention]") {
    flinkscaler::testing::TempDir dir;
    auto store = flinkscaler::store::open_sqlite_store(dir.file());
    const auto info = [](const std::string& id) { return flinkscaler::store::JobInfo{"c", id, id, {}}; };
    store->save_job_info("c/old", info("old"), kT0);
    store->save_job_info("c/tracked", info("tracked"), kT0);
    store->save_job_info("c/recent", info("recent"), kT0 + 20h);
    const Event event{EventType::Normal, "ScalingReport", "report", std::nullopt, std::nullopt};
    store->record("c/tracked", event, kT0);
    store->record("c/tracked", event, kT0 + 20h);

    ServiceSettings settings;
    settings.job_retention = 24h;
    settings.event_retention = 10h;
    settings.sample_retention = 1h;
    const auto result = run_housekeeping(*store, settings, {"c/tracked"}, kT0 + 25h);
    CHECK(result.jobs_removed == 1);
    CHECK(result.events_deleted == 1);
    CHECK(store->job_keys() == std::vector<std::string>{"c/recent", "c/tracked"});
    REQUIRE(store->events("c/tracked", 10).size() == 1);
    CHECK(store->events("c/tracked", 10)[0].create_time == kT0 + 20h);

    const auto again = run_housekeeping(*store, settings, {"c/tracked"}, kT0 + 25h);
    CHECK(again.jobs_removed == 0);
    CHECK(again.events_deleted == 0);
    CHECK(again.samples_deleted == 0);
}
