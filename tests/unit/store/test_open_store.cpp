// SPDX-License-Identifier: Apache-2.0
//
// The state store's backend registry (store/open_store.hpp): store locations, and opening the
// built-in SQLite backend through it.
#include "temp_dir.hpp"
#include "store/open_store.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

using flinkscaler::store::open_state_reader;
using flinkscaler::store::open_state_store;
using flinkscaler::store::parse_store_location;
using flinkscaler::store::StoreSettings;
using flinkscaler::testing::TempDir;

TEST_CASE("store locations name a backend", "[store][open_store]") {
    const StoreSettings uri = parse_store_location("sqlite:/var/lib/flinkscaler/state.db");
    CHECK(uri.backend == "sqlite");
    CHECK(uri.path == "/var/lib/flinkscaler/state.db");
    CHECK(parse_store_location("sqlite:relative.db").path == "relative.db");

    // A plain path is a SQLite file as given, colons included.
    const StoreSettings plain = parse_store_location("/srv/a:b/state.db");
    CHECK(plain.backend == "sqlite");
    CHECK(plain.path == "/srv/a:b/state.db");
    CHECK(parse_store_location("state.db").path == "state.db");

    for (const std::string url : {"postgresql://scaler@db.example:5432/flinkscaler", "postgres://db/flinkscaler"}) {
        const StoreSettings pg = parse_store_location(url);
        CHECK(pg.backend == "postgresql");
        CHECK(pg.url == url);
        CHECK(pg.path.empty());
    }
    CHECK_THROWS_AS(parse_store_location("sqlite:"), std::invalid_argument);
    CHECK(StoreSettings::sqlite_file("x.db").backend == "sqlite");
    CHECK(StoreSettings{}.backend == "sqlite");
}

TEST_CASE("the registry opens SQLite as a store and as a reader", "[store][open_store]") {
    TempDir dir;
    const StoreSettings settings = parse_store_location("sqlite:" + dir.file());
    {
        auto store = open_state_store(settings);
        flinkscaler::JobState s;
        s.parallelism_overrides = {{"0a448493b4782967b150582570326227", 3}};
        store->save("c/j", s, flinkscaler::instant_from_epoch_ms(1767225600000));
    }
    CHECK(std::filesystem::exists(dir.file()));
    auto reader = open_state_reader(settings);
    CHECK(reader->job_keys() == std::vector<std::string>{"c/j"});
    // The backend's errors still name the file.
    const std::string missing = dir.file("missing.db");
    CHECK_THROWS_WITH(open_state_reader(StoreSettings::sqlite_file(missing)), Catch::Contains(missing));
}

TEST_CASE("the registry refuses backends this build does not have", "[store][open_store]") {
    const StoreSettings pg = parse_store_location("postgresql://db.example/flinkscaler");
    CHECK_THROWS_WITH(open_state_store(pg), Catch::Contains("postgresql is not supported in this build yet") &&
                                                Catch::Contains("supported: sqlite"));
    CHECK_THROWS_WITH(open_state_reader(pg), Catch::Contains("not supported in this build yet"));
    StoreSettings unknown;
    unknown.backend = "oracle";
    CHECK_THROWS_WITH(open_state_store(unknown), Catch::Contains("unknown state store backend 'oracle'"));
}
