// SPDX-License-Identifier: Apache-2.0
//
// The daemon's seams (src/service/daemon.hpp) without a Flink cluster: command-line overrides,
// and a daemon stepped in simulated time with a store handed in (readiness, the poll cadence,
// housekeeping). The closed loop against simulated clusters is tests/service/test_daemon_sim.cpp.
#include "service/daemon.hpp"
#include "store/sqlite/sqlite_state_store.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using flinkscaler::Instant;
using flinkscaler::service::apply_overrides;
using flinkscaler::service::Daemon;
using flinkscaler::service::DaemonSeams;
using flinkscaler::service::ServiceConfig;
using flinkscaler::service::ServiceOverrides;
using flinkscaler::service::SimulatedClock;

namespace {

const Instant kT0{std::chrono::hours(24 * 365 * 55)};

}  // namespace

TEST_CASE("command-line overrides win over the config file, and only where given", "[daemon]") {
    ServiceConfig config;
    config.service.state_database = "file.db";
    config.service.status_address = "127.0.0.1:9250";
    config.service.log.level = "info";
    config.service.dry_run = false;

    auto same = apply_overrides(config, ServiceOverrides{});
    CHECK(same.service.state_database == "file.db");
    CHECK(same.service.status_address == "127.0.0.1:9250");
    CHECK(same.service.log.level == "info");
    CHECK_FALSE(same.service.dry_run);

    const auto overridden = apply_overrides(config, ServiceOverrides{"cli.db", "", "debug", true});
    CHECK(overridden.service.state_database == "cli.db");
    CHECK(overridden.service.status_address.empty());  // "" disables the endpoint
    CHECK(overridden.service.log.level == "debug");
    CHECK(overridden.service.dry_run);
}

TEST_CASE("a stepped daemon polls at its interval, becomes ready and housekeeps the store handed in", "[daemon]") {
    flinkscaler::testing::TempDir dir;
    auto store = flinkscaler::store::open_sqlite_store(dir.file());
    store->save_job_info("gone/0a448493b4782967b150582570326227", {"gone", "0a448493b4782967b150582570326227", "x", {}},
                         kT0 - 48h);
    store->save_job_info("gone/bc764cd8ddf7a0cff126f51c16239658", {"gone", "bc764cd8ddf7a0cff126f51c16239658", "y", {}},
                         kT0 - 1h);
    auto* handed_in = store.get();

    auto config = flinkscaler::service::parse_service_config(
        "service:\n  poll-interval: 5s\n  status-address: \"\"\n  job-retention: 24h\n"
        "clusters:\n  - name: off\n    url: http://jm:8081\n    enabled: false\n",
        dir.file("flinkscaler.yaml"));
    auto clock = std::make_shared<SimulatedClock>(kT0);
    DaemonSeams seams;
    seams.clock = clock;
    seams.store = std::move(store);
    Daemon daemon(dir.file("flinkscaler.yaml"), std::move(config), {}, "test", std::move(seams));
    daemon.start();
    CHECK(&daemon.store() == handed_in);
    CHECK(daemon.board().ready());  // no cluster to wait for

    const auto t0 = clock->steady_now();
    CHECK(daemon.step() == t0 + 5s);
    // Housekeeping ran with the first round: the job not seen for two days is gone.
    CHECK(daemon.store().job_keys() == std::vector<std::string>{"gone/bc764cd8ddf7a0cff126f51c16239658"});

    clock->advance(2s);  // woken early: the next poll stays where it was
    CHECK(daemon.step() == t0 + 5s);
    clock->advance_to(t0 + 5s);
    CHECK(daemon.step() == t0 + 10s);

    // A day later the other job has expired too (housekeeping runs with a poll round).
    clock->advance(24h);
    daemon.step();
    CHECK(daemon.store().job_keys().empty());
    daemon.finish();
}
