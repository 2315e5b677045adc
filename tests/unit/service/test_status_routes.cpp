// SPDX-License-Identifier: Apache-2.0
// The status endpoint's route table, called without sockets (StatusRoutes::route): what each
// path and method answers. test_status_board.cpp covers the same endpoint over HTTP.
#include "temp_dir.hpp"
#include "service/status_board.hpp"
#include "service/status_routes.hpp"
#include "store/sqlite/sqlite_state_store.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <thread>

using namespace std::chrono_literals;
using flinkscaler::Event;
using flinkscaler::EventType;
using flinkscaler::service::EndpointRequest;
using flinkscaler::service::EndpointResponse;
using flinkscaler::service::JobPhase;
using flinkscaler::service::JobStatus;
using flinkscaler::service::StatusBoard;
using flinkscaler::service::StatusRoutes;
using nlohmann::json;

namespace {

const flinkscaler::Instant kT0 = flinkscaler::instant_from_epoch_ms(1767225600000);

JobStatus job(const std::string& cluster, const std::string& job_id) {
    JobStatus s;
    s.key = flinkscaler::service::job_key(cluster, job_id);
    s.cluster = cluster;
    s.job_id = job_id;
    s.name = "orders";
    s.phase = JobPhase::Decided;
    return s;
}

std::string header(const EndpointResponse& r, const std::string& name) {
    for (const auto& [key, value] : r.headers)
        if (key == name) return value;
    return "";
}

}  // namespace

TEST_CASE("status routes: the table declares each endpoint once, all GET", "[status][routes]") {
    std::set<std::string_view> patterns;
    for (const auto& row : StatusRoutes::table()) {
        CHECK(row.method == "GET");
        CHECK(row.handler != nullptr);
        CHECK(patterns.insert(row.pattern).second);
    }
    CHECK(patterns == std::set<std::string_view>{"/healthz", "/readyz", "/metrics", "/api/v1/jobs", "/api/v1/jobs/{key}"});
}

TEST_CASE("status routes: health, readiness and metrics", "[status][routes]") {
    StatusBoard board("1.0");
    StatusRoutes routes(board, nullptr, 1h);

    auto r = routes.route({"GET", "/healthz"});
    CHECK(r.status == 200);
    CHECK(r.body == "ok");
    CHECK(r.content_type == "text/plain; charset=utf-8");

    r = routes.route({"GET", "/readyz"});
    CHECK(r.status == 503);
    CHECK(r.body.rfind("not ready", 0) == 0);
    board.set_ready(true);
    r = routes.route({"HEAD", "/readyz"});  // HEAD is served by the GET row
    CHECK(r.status == 200);
    CHECK(r.body == "ready");

    r = routes.route({"GET", "/metrics"});
    CHECK(r.status == 200);
    CHECK(r.content_type == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(r.body.find("flinkscaler_build_info{version=\"1.0\"} 1\n") != std::string::npos);

    StatusRoutes impatient(board, nullptr, 10ms);
    std::this_thread::sleep_for(30ms);
    r = impatient.route({"GET", "/healthz"});
    CHECK(r.status == 503);
    CHECK(r.body.rfind("not alive: the job loop has not ticked for ", 0) == 0);
    CHECK(r.body.find("(limit 0.0 s)") != std::string::npos);
}

TEST_CASE("status routes: a store that cannot write makes /readyz 503 with the reason until it writes again",
          "[status][routes]") {
    StatusBoard board("1.0");
    StatusRoutes routes(board, nullptr, 1h);
    board.set_ready(true);
    board.put_job(job("prod", "a1"));
    board.put_job(job("prod", "b2"));
    board.set_store_problem("prod/a1", "state store: cannot commit the pass: database or disk is full");
    board.set_store_problem("prod/b2", "state store: cannot commit the pass: database or disk is full");
    auto r = routes.route({"GET", "/readyz"});
    CHECK(r.status == 503);
    CHECK(r.body == "not ready: the state store cannot write: the last commit of 2 job(s) failed (prod/a1: state "
                    "store: cannot commit the pass: database or disk is full)");
    CHECK(routes.route({"GET", "/metrics"}).body.find("flinkscaler_state_store_writable 0\n") != std::string::npos);
    // A job that commits again, and one that leaves the board, no longer count.
    board.set_store_problem("prod/a1", std::nullopt);
    CHECK(routes.route({"GET", "/readyz"}).status == 503);
    board.remove_job("prod/b2");
    r = routes.route({"GET", "/readyz"});
    CHECK(r.status == 200);
    CHECK(routes.route({"GET", "/metrics"}).body.find("flinkscaler_state_store_writable 1\n") != std::string::npos);
}

TEST_CASE("status routes: the job list and one job by a key that holds slashes", "[status][routes]") {
    flinkscaler::testing::TempDir dir;
    auto store = flinkscaler::store::open_sqlite_store((dir.path / "state.db").string());
    StatusBoard board("dev");
    board.put_job(job("yarn/application_1_0001", "ab"));
    board.put_job(job("prod", "cd"));
    store->record("prod/cd", Event{EventType::Normal, "ScalingReport", "report", {}, {}}, kT0);
    StatusRoutes routes(board, store.get(), 1h);

    auto r = routes.route({"GET", "/api/v1/jobs"});
    CHECK(r.status == 200);
    CHECK(r.content_type == "application/json");
    const auto list = json::parse(r.body);
    REQUIRE(list["jobs"].size() == 2);
    CHECK(list["jobs"][0]["key"] == "prod/cd");
    CHECK(!list["jobs"][0].contains("events"));

    r = routes.route({"GET", "/api/v1/jobs/yarn/application_1_0001/ab"});
    CHECK(r.status == 200);
    auto one = json::parse(r.body);
    CHECK(one["key"] == "yarn/application_1_0001/ab");
    CHECK(one["phase"] == "decided");
    CHECK(one["events"] == json::array());
    CHECK(one.contains("scaling_history"));

    r = routes.route({"GET", "/api/v1/jobs/prod/cd"});
    one = json::parse(r.body);
    REQUIRE(one["events"].size() == 1);
    CHECK(one["events"][0]["reason"] == "ScalingReport");

    r = routes.route({"GET", "/api/v1/jobs/prod/nope"});
    CHECK(r.status == 404);
    CHECK(json::parse(r.body)["error"] == "unknown job: prod/nope");
}

TEST_CASE("status routes: unknown paths are 404, other methods 405 with Allow", "[status][routes]") {
    StatusBoard board("dev");
    StatusRoutes routes(board, nullptr, 1h);
    for (const char* path : {"/", "/nope", "/api/v1/jobs/", "/metrics/extra", "/api/v1", "/healthz/"}) {
        INFO(path);
        const auto r = routes.route({"GET", path});
        CHECK(r.status == 404);
        CHECK(r.content_type == "application/json");
        CHECK(json::parse(r.body)["error"] == std::string("no such endpoint: ") + path);
    }
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}) {
        INFO(method);
        const auto r = routes.route({method, "/metrics"});
        CHECK(r.status == 405);
        CHECK(header(r, "Allow") == "GET, HEAD");
        CHECK(json::parse(r.body)["error"] ==
              std::string("method ") + method + " not allowed; the status endpoint is read-only");
    }
}
