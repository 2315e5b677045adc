// SPDX-License-Identifier: Apache-2.0
// The status board (metrics registry) and the status HTTP endpoint, served in-process on a free
// port and called with httplib::Client; events come from a real SQLite store in a temp file.
#include "temp_dir.hpp"
#include "store/sqlite/sqlite_state_store.hpp"
#include "service/job_status_json.hpp"
#include "service/status_board.hpp"
#include "service/status_server.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using flinkscaler::Event;
using flinkscaler::EventType;
using flinkscaler::Instant;
using flinkscaler::Millis;
using flinkscaler::DecisionOutcome;
using flinkscaler::service::Family;
using flinkscaler::service::JobPhase;
using flinkscaler::service::JobStatus;
using ApiErrorKind = flinkscaler::flink::FlinkApiError::Kind;
using flinkscaler::service::RescaleResult;
using flinkscaler::service::PassResult;
using flinkscaler::service::StatusBoard;
using flinkscaler::service::StatusServer;
using flinkscaler::service::VertexStatus;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// 2026-01-01T00:00:00.000Z
const Instant kT0 = flinkscaler::instant_from_epoch_ms(1767225600000);
const std::string kJobId = "0123456789abcdef0123456789abcdef";
const std::string kKey = "prod/" + kJobId;

/// The sample lines of one series name (exactly that name, any labels), in output order.
std::vector<std::string> samples(const std::string& text, const std::string& name) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(name, 0) != 0 || line.size() <= name.size()) continue;
        const char next = line[name.size()];
        if (next == '{' || next == ' ') out.push_back(line);
    }
    return out;
}

/// The family names of the # TYPE lines, in output order, and their types.
std::vector<std::pair<std::string, std::string>> types(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("# TYPE ", 0) != 0) continue;
        std::istringstream fields(line.substr(7));
        std::string name, type;
        fields >> name >> type;
        out.emplace_back(name, type);
    }
    return out;
}

bool has_line(const std::string& text, const std::string& line) {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (l == line) return true;
    return false;
}

VertexStatus vertex(std::string id, std::string name, int parallelism) {
    VertexStatus v;
    v.id = std::move(id);
    v.name = std::move(name);
    v.parallelism = parallelism;
    return v;
}

JobStatus job(const std::string& cluster, const std::string& job_id, const std::string& name,
              JobPhase phase = JobPhase::Decided) {
    JobStatus s;
    s.key = cluster + "/" + job_id;
    s.cluster = cluster;
    s.job_id = job_id;
    s.name = name;
    s.flink_state = "RUNNING";
    s.phase = phase;
    return s;
}

/// A job with one fully evaluated vertex and one not evaluated yet.
JobStatus evaluated_job() {
    auto s = job("prod", kJobId, "orders");
    auto map = vertex("0a448493b4782967b150582570326227", "Map: enrich", 4);
    map.recommended = 8;
    map.utilization = 0.99;
    map.true_processing_rate = 2020.2;
    map.target_data_rate = 2300;
    map.lag = 48000;
    s.vertices.push_back(map);
    s.vertices.push_back(vertex("ea632d67b7d595e5b851708ae9ad79d6", "Sink: writer", 2));
    return s;
}

using flinkscaler::testing::TempDir;

/// Runs a shell command and returns its standard output and exit status.
std::pair<std::string, int> run(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return {"", -1};
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    const int status = ::pclose(pipe);
    return {out, status};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The board and its Prometheus text

TEST_CASE("status board: every family has HELP and TYPE, sorted by name, ending in a newline", "[status]") {
    StatusBoard board("1.2.3");
    const auto text = board.prometheus_text();
    const auto families = types(text);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"flinkscaler_build_info", "gauge"},
        {"flinkscaler_cluster_up", "gauge"},
        {"flinkscaler_discoveries_total", "counter"},
        {"flinkscaler_job_pass_duration_seconds", "histogram"},
        {"flinkscaler_job_passes_skipped_total", "counter"},
        {"flinkscaler_job_passes_total", "counter"},
        {"flinkscaler_jobs", "gauge"},
        {"flinkscaler_last_poll_timestamp_seconds", "gauge"},
        {"flinkscaler_poll_overruns_total", "counter"},
        {"flinkscaler_process_resident_memory_bytes", "gauge"},
        {"flinkscaler_rescales_total", "counter"},
        {"flinkscaler_rest_errors_total", "counter"},
        {"flinkscaler_scaling_decisions_total", "counter"},
        {"flinkscaler_state_store_writable", "gauge"},
        {"flinkscaler_vertex_lag", "gauge"},
        {"flinkscaler_vertex_parallelism", "gauge"},
        {"flinkscaler_vertex_recommended_parallelism", "gauge"},
        {"flinkscaler_vertex_target_data_rate", "gauge"},
        {"flinkscaler_vertex_true_processing_rate", "gauge"},
        {"flinkscaler_vertex_utilization", "gauge"},
    };
    CHECK(families == expected);
    for (const auto& [name, type] : families) CHECK(text.find("# HELP " + name + " ") != std::string::npos);
    REQUIRE(!text.empty());
    CHECK(text.back() == '\n');
    // HELP comes right before TYPE of the same family.
    CHECK(text.find("# HELP flinkscaler_build_info ") < text.find("# TYPE flinkscaler_build_info gauge"));
    CHECK(has_line(text, R"(flinkscaler_build_info{version="1.2.3"} 1)"));
    CHECK(has_line(text, "flinkscaler_poll_overruns_total 0"));
    // Nothing is known about any cluster yet, so no per-cluster series.
    CHECK(samples(text, "flinkscaler_job_passes_total").empty());
    CHECK(samples(text, "flinkscaler_last_poll_timestamp_seconds").empty());
    // The same state renders the same text (stable for diffing), apart from the live memory.
    const auto without_memory = [](const std::string& t) {
        std::string out;
        std::istringstream in(t);
        for (std::string line; std::getline(in, line);)
            if (line.rfind("flinkscaler_process_resident_memory_bytes ", 0) != 0) out += line + "\n";
        return out;
    };
    CHECK(without_memory(board.prometheus_text()) == without_memory(text));
}

TEST_CASE("status board: counters count per cluster and value, every documented value from the first call",
          "[status]") {
    StatusBoard board("dev");
    board.discovery_finished("prod", true);
    board.discovery_finished("prod", true);
    board.discovery_finished("prod", false);
    board.count(Family::RestErrors, "prod", ApiErrorKind::Http);
    board.count(Family::RestErrors, "prod", ApiErrorKind::Http);
    board.count(Family::RestErrors, "prod", ApiErrorKind::NoResponse);
    board.count(Family::ScalingDecisions, "prod", DecisionOutcome::Scaled);
    board.count(Family::Rescales, "prod", RescaleResult::DryRun);
    board.pass_finished("prod", PassResult::Ok, 10ms);
    board.pass_finished("prod", PassResult::NotReady, 10ms);
    board.pass_finished("prod", PassResult::Ok, 10ms);
    board.poll_overrun();
    board.poll_overrun();
    const auto text = board.prometheus_text();

    CHECK(samples(text, "flinkscaler_discoveries_total") ==
          std::vector<std::string>{R"(flinkscaler_discoveries_total{cluster="prod",result="error"} 1)",
                                   R"(flinkscaler_discoveries_total{cluster="prod",result="ok"} 2)"});
    CHECK(samples(text, "flinkscaler_rest_errors_total") ==
          std::vector<std::string>{R"(flinkscaler_rest_errors_total{cluster="prod",kind="http"} 2)",
                                   R"(flinkscaler_rest_errors_total{cluster="prod",kind="malformed"} 0)",
                                   R"(flinkscaler_rest_errors_total{cluster="prod",kind="no_response"} 1)"});
    CHECK(samples(text, "flinkscaler_scaling_decisions_total") ==
          std::vector<std::string>{R"(flinkscaler_scaling_decisions_total{cluster="prod",outcome="blocked"} 0)",
                                   R"(flinkscaler_scaling_decisions_total{cluster="prod",outcome="no_change"} 0)",
                                   R"(flinkscaler_scaling_decisions_total{cluster="prod",outcome="scale"} 1)"});
    CHECK(samples(text, "flinkscaler_rescales_total") ==
          std::vector<std::string>{R"(flinkscaler_rescales_total{cluster="prod",result="applied"} 0)",
                                   R"(flinkscaler_rescales_total{cluster="prod",result="dry_run"} 1)",
                                   R"(flinkscaler_rescales_total{cluster="prod",result="failed"} 0)",
                                               R"(flinkscaler_rescales_total{cluster="prod",result="rejected"} 0)"});
    CHECK(samples(text, "flinkscaler_job_passes_total") ==
          std::vector<std::string>{R"(flinkscaler_job_passes_total{cluster="prod",result="disabled"} 0)",
                                   R"(flinkscaler_job_passes_total{cluster="prod",result="error"} 0)",
                                   R"(flinkscaler_job_passes_total{cluster="prod",result="not_ready"} 1)",
                                   R"(flinkscaler_job_passes_total{cluster="prod",result="ok"} 2)"});
    CHECK(samples(text, "flinkscaler_cluster_up") ==
          std::vector<std::string>{R"(flinkscaler_cluster_up{cluster="prod"} 0)"});
    CHECK(has_line(text, "flinkscaler_poll_overruns_total 2"));

    // A second cluster gets its own zero-filled series.
    board.count(Family::RestErrors, "staging", ApiErrorKind::Malformed);
    const auto later = board.prometheus_text();
    CHECK(has_line(later, R"(flinkscaler_rest_errors_total{cluster="staging",kind="malformed"} 1)"));
    CHECK(has_line(later, R"(flinkscaler_rest_errors_total{cluster="staging",kind="http"} 0)"));
    CHECK(has_line(later, R"(flinkscaler_job_passes_total{cluster="staging",result="ok"} 0)"));
}

TEST_CASE("status board: pass durations fill cumulative buckets (le inclusive), +Inf, sum and count", "[status]") {
    StatusBoard board("dev");
    for (const auto ms : {3, 5, 40, 40, 2000, 10000, 45000}) board.pass_finished("prod", PassResult::Ok, Millis{ms});
    const auto text = board.prometheus_text();
    const std::string b = R"(flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le=)";
    CHECK(samples(text, "flinkscaler_job_pass_duration_seconds_bucket") == std::vector<std::string>{
                                                                               b + R"("0.005"} 2)",
                                                                               b + R"("0.01"} 2)",
                                                                               b + R"("0.025"} 2)",
                                                                               b + R"("0.05"} 4)",
                                                                               b + R"("0.1"} 4)",
                                                                               b + R"("0.25"} 4)",
                                                                               b + R"("0.5"} 4)",
                                                                               b + R"("1"} 4)",
                                                                               b + R"("2.5"} 5)",
                                                                               b + R"("5"} 5)",
                                                                               b + R"("10"} 6)",
                                                                               b + R"("30"} 6)",
                                                                               b + R"("+Inf"} 7)",
                                                                           });
    CHECK(samples(text, "flinkscaler_job_pass_duration_seconds_sum") ==
          std::vector<std::string>{R"(flinkscaler_job_pass_duration_seconds_sum{cluster="prod"} 57.088)"});
    CHECK(samples(text, "flinkscaler_job_pass_duration_seconds_count") ==
          std::vector<std::string>{R"(flinkscaler_job_pass_duration_seconds_count{cluster="prod"} 7)"});
    CHECK(StatusBoard::pass_duration_buckets().size() == 12);

    // A cluster known only from a discovery gets an all-zero histogram.
    board.discovery_finished("staging", true);
    const auto later = board.prometheus_text();
    CHECK(has_line(later, R"(flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="+Inf"} 0)"));
    CHECK(has_line(later, R"(flinkscaler_job_pass_duration_seconds_sum{cluster="staging"} 0)"));
    CHECK(has_line(later, R"(flinkscaler_job_pass_duration_seconds_count{cluster="staging"} 0)"));
}

TEST_CASE("status board: label values escape backslash, double quote and newline", "[status]") {
    StatusBoard board("dev");
    auto s = job("prod", kJobId, "say \"hi\"\\now\nline 2");
    s.vertices.push_back(vertex("v1", "Source: a\\b", 3));
    board.put_job(s);
    const auto text = board.prometheus_text();
    CHECK(samples(text, "flinkscaler_vertex_parallelism") ==
          std::vector<std::string>{R"(flinkscaler_vertex_parallelism{cluster="prod",job=")" + kJobId +
                                   R"(",job_name="say \"hi\"\\now\nline 2",)" + R"(vertex="v1",vertex_name="Source: a\\b"} 3)"});
    // No raw newline leaked into the sample: every line is a comment or a well-formed sample.
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        INFO(line);
        CHECK((line.rfind("# ", 0) == 0 || line.rfind("flinkscaler_", 0) == 0));
    }
}

TEST_CASE("status board: NaN gauges are omitted, infinities are printed as +Inf", "[status]") {
    StatusBoard board("dev");
    auto s = evaluated_job();
    s.vertices[1].true_processing_rate = INFINITY;
    board.put_job(s);
    const auto text = board.prometheus_text();
    CHECK(text.find("NaN") == std::string::npos);
    const std::string map_labels = R"({cluster="prod",job=")" + kJobId + R"(",job_name="orders",)" +
                                   R"(vertex="0a448493b4782967b150582570326227",vertex_name="Map: enrich"})";
    const std::string sink_labels = R"({cluster="prod",job=")" + kJobId + R"(",job_name="orders",)" +
                                    R"(vertex="ea632d67b7d595e5b851708ae9ad79d6",vertex_name="Sink: writer"})";
    CHECK(samples(text, "flinkscaler_vertex_parallelism") ==
          std::vector<std::string>{"flinkscaler_vertex_parallelism" + map_labels + " 4",
                                   "flinkscaler_vertex_parallelism" + sink_labels + " 2"});
    CHECK(samples(text, "flinkscaler_vertex_recommended_parallelism") ==
          std::vector<std::string>{"flinkscaler_vertex_recommended_parallelism" + map_labels + " 8"});
    CHECK(samples(text, "flinkscaler_vertex_utilization") ==
          std::vector<std::string>{"flinkscaler_vertex_utilization" + map_labels + " 0.99"});
    CHECK(samples(text, "flinkscaler_vertex_true_processing_rate") ==
          std::vector<std::string>{"flinkscaler_vertex_true_processing_rate" + map_labels + " 2020.2",
                                   "flinkscaler_vertex_true_processing_rate" + sink_labels + " +Inf"});
    CHECK(samples(text, "flinkscaler_vertex_target_data_rate") ==
          std::vector<std::string>{"flinkscaler_vertex_target_data_rate" + map_labels + " 2300"});
    CHECK(samples(text, "flinkscaler_vertex_lag") ==
          std::vector<std::string>{"flinkscaler_vertex_lag" + map_labels + " 48000"});
}

TEST_CASE("status board: per-vertex gauges follow put_job and remove_job", "[status]") {
    StatusBoard board("dev");
    auto first = job("prod", kJobId, "orders");
    first.vertices.push_back(vertex("v1", "Source", 2));
    board.put_job(first);
    auto other = job("prod", "ffffffffffffffffffffffffffffffff", "payments");
    other.vertices.push_back(vertex("w1", "Source", 1));
    board.put_job(other);
    CHECK(samples(board.prometheus_text(), "flinkscaler_vertex_parallelism").size() == 2);

    // Replacing a job replaces its series (a vertex that went away disappears).
    auto replaced = job("prod", kJobId, "orders");
    replaced.vertices.push_back(vertex("v2", "Map", 6));
    board.put_job(replaced);
    auto text = board.prometheus_text();
    CHECK(text.find("vertex=\"v1\"") == std::string::npos);
    CHECK(has_line(text, R"(flinkscaler_vertex_parallelism{cluster="prod",job=")" + kJobId +
                             R"(",job_name="orders",vertex="v2",vertex_name="Map"} 6)"));

    board.remove_job(kKey);
    text = board.prometheus_text();
    CHECK(samples(text, "flinkscaler_vertex_parallelism") ==
          std::vector<std::string>{R"(flinkscaler_vertex_parallelism{cluster="prod",job="ffffffffffffffffffffffffffffffff",)"
                                   R"(job_name="payments",vertex="w1",vertex_name="Source"} 1)"});
    board.remove_job("prod/ffffffffffffffffffffffffffffffff");
    board.remove_job("prod/never-there");  // harmless
    CHECK(samples(board.prometheus_text(), "flinkscaler_vertex_parallelism").empty());
}

TEST_CASE("status board: jobs gauge counts the jobs on the board by phase", "[status]") {
    StatusBoard board("dev");
    board.put_job(job("prod", "a", "A", JobPhase::Collecting));
    board.put_job(job("prod", "b", "B", JobPhase::Decided));
    board.put_job(job("prod", "c", "C", JobPhase::Decided));
    board.put_job(job("prod", "d", "D", JobPhase::Error));
    const auto text = board.prometheus_text();
    CHECK(samples(text, "flinkscaler_jobs") == std::vector<std::string>{
                                                   R"(flinkscaler_jobs{phase="cluster_unreachable"} 0)", R"(flinkscaler_jobs{phase="collecting"} 1)",
                                                   R"(flinkscaler_jobs{phase="decided"} 2)",
                                                   R"(flinkscaler_jobs{phase="disabled"} 0)",
                                                   R"(flinkscaler_jobs{phase="error"} 1)",
                                                   R"(flinkscaler_jobs{phase="metrics_gated"} 0)",
                                                   R"(flinkscaler_jobs{phase="not_ready"} 0)", R"(flinkscaler_jobs{phase="rescale_blocked"} 0)",
                                                   R"(flinkscaler_jobs{phase="rescale_pending"} 0)", R"(flinkscaler_jobs{phase="rescale_rejected"} 0)",
                                                   R"(flinkscaler_jobs{phase="stabilizing"} 0)", R"(flinkscaler_jobs{phase="store_unavailable"} 0)",
                                                   R"(flinkscaler_jobs{phase="window_not_full"} 0)",
                                               });
}

TEST_CASE("status board: retain_clusters drops the series and jobs of clusters no longer configured",
          "[status]") {
    StatusBoard board("dev");
    for (const std::string cluster : {"prod", "old"}) {
        board.discovery_finished(cluster, true);
        board.pass_finished(cluster, PassResult::Ok, 20ms);
        board.count(Family::RestErrors, cluster, ApiErrorKind::Http);
        board.count(Family::ScalingDecisions, cluster, DecisionOutcome::NoChange);
        board.count(Family::Rescales, cluster, RescaleResult::Applied);
        auto s = job(cluster, kJobId, "orders");
        s.vertices.push_back(vertex("v1", "Source", 2));
        board.put_job(s);
    }
    board.retain_clusters({"prod", "new"});
    const auto text = board.prometheus_text();
    CHECK(text.find("cluster=\"old\"") == std::string::npos);
    CHECK(text.find("cluster=\"prod\"") != std::string::npos);
    // A cluster only named in the new configuration has no series until something happens.
    CHECK(text.find("cluster=\"new\"") == std::string::npos);
    CHECK(!board.job("old/" + kJobId));
    CHECK(board.job("prod/" + kJobId));
    CHECK(has_line(text, R"(flinkscaler_job_passes_total{cluster="prod",result="ok"} 1)"));
    CHECK(has_line(text, R"(flinkscaler_jobs{phase="decided"} 1)"));
}

TEST_CASE("status board: heartbeat sets last_poll_timestamp_seconds; memory and build info are exported",
          "[status]") {
    StatusBoard board("0.1.0");
    board.heartbeat(kT0 + 1500ms);
    const auto text = board.prometheus_text();
    CHECK(samples(text, "flinkscaler_last_poll_timestamp_seconds") ==
          std::vector<std::string>{"flinkscaler_last_poll_timestamp_seconds 1767225601.5"});
    const auto rss = samples(text, "flinkscaler_process_resident_memory_bytes");
    REQUIRE(rss.size() == 1);
    const double bytes = std::stod(rss[0].substr(rss[0].find(' ') + 1));
    CHECK(bytes > 1024 * 1024);  // a running test binary is well above 1 MiB
    CHECK(has_line(text, R"(flinkscaler_build_info{version="0.1.0"} 1)"));
}

TEST_CASE("status board: alive follows heartbeats, ready follows set_ready", "[status]") {
    StatusBoard board("dev");
    // The construction counts as the first heartbeat: a starting daemon is alive.
    CHECK(board.alive(1h));
    CHECK(!board.ready());
    std::this_thread::sleep_for(30ms);
    CHECK(!board.alive(10ms));
    CHECK(board.since_heartbeat() >= 30ms);
    board.heartbeat(kT0);
    CHECK(board.alive(10s));
    CHECK(board.since_heartbeat() < 10s);
    board.set_ready(true);
    CHECK(board.ready());
    board.set_ready(false);
    CHECK(!board.ready());
}

TEST_CASE("status board: jobs() is sorted by key and job() finds one by key", "[status]") {
    StatusBoard board("dev");
    board.put_job(job("prod", "b", "B"));
    board.put_job(job("dev", "z", "Z"));
    board.put_job(job("prod", "a", "A"));
    const auto all = board.jobs();
    REQUIRE(all.size() == 3);
    CHECK(all[0].key == "dev/z");
    CHECK(all[1].key == "prod/a");
    CHECK(all[2].key == "prod/b");
    REQUIRE(board.job("prod/a"));
    CHECK(board.job("prod/a")->name == "A");
    CHECK(!board.job("prod/c"));
}

TEST_CASE("status board: JobStatus JSON has every field, NaN as null, instants ISO-8601, history on request",
          "[status]") {
    auto s = evaluated_job();
    s.dry_run = true;
    s.last_pass = kT0 + 250ms;
    s.last_pass_duration = 42ms;
    s.summary = "scaled (rescaling 1 vertex(es))";
    s.last_decision = json{{"outcome", "scale"}};
    s.last_decision_time = kT0;
    s.scaling_history = json{{"0a448493b4782967b150582570326227", json::array()}};
    s.rescales = 3;

    const auto brief = job_status_json(s, false);
    CHECK(brief["key"] == kKey);
    CHECK(brief["cluster"] == "prod");
    CHECK(brief["job_id"] == kJobId);
    CHECK(brief["name"] == "orders");
    CHECK(brief["flink_state"] == "RUNNING");
    CHECK(brief["phase"] == "decided");
    CHECK(brief["scaling_enabled"] == true);
    CHECK(brief["dry_run"] == true);
    CHECK(brief["last_pass"] == "2026-01-01T00:00:00.250Z");
    CHECK(brief["last_pass_duration_ms"] == 42);
    CHECK(brief["last_error"].is_null());
    CHECK(brief["summary"] == "scaled (rescaling 1 vertex(es))");
    CHECK(brief["last_decision"] == json{{"outcome", "scale"}});
    CHECK(brief["last_decision_time"] == "2026-01-01T00:00:00.000Z");
    CHECK(brief["rescales"] == 3);
    CHECK(brief["last_rescale"].is_null());
    CHECK(!brief.contains("scaling_history"));
    REQUIRE(brief["vertices"].size() == 2);
    const auto& map = brief["vertices"][0];
    CHECK(map["id"] == "0a448493b4782967b150582570326227");
    CHECK(map["name"] == "Map: enrich");
    CHECK(map["parallelism"] == 4);
    CHECK(map["recommended_parallelism"] == 8);
    CHECK(map["utilization"] == 0.99);
    CHECK(map["true_processing_rate"] == 2020.2);
    CHECK(map["target_data_rate"] == 2300.0);
    CHECK(map["lag"] == 48000.0);
    const auto& sink = brief["vertices"][1];
    CHECK(sink["recommended_parallelism"].is_null());
    CHECK(sink["utilization"].is_null());
    CHECK(sink["true_processing_rate"].is_null());
    CHECK(sink["target_data_rate"].is_null());
    CHECK(sink["lag"].is_null());
    // The text itself is valid JSON (no NaN token).
    CHECK(brief.dump().find("NaN") == std::string::npos);

    const auto full = job_status_json(s, true);
    CHECK(full["scaling_history"] == s.scaling_history);

    s.last_error = "GET /jobs/x: HTTP 500";
    CHECK(job_status_json(s, false)["last_error"] == "GET /jobs/x: HTTP 500");
}

TEST_CASE("status board: concurrent writers and scrapers see consistent text", "[status]") {
    StatusBoard board("dev");
    std::atomic<bool> done{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
        writers.emplace_back([&board, w] {
            for (int i = 0; i < 300; ++i) {
                const std::string cluster = "c" + std::to_string(w);
                auto s = job(cluster, std::to_string(i % 10), "job");
                s.vertices.push_back(vertex("v", "V", i % 7 + 1));
                board.put_job(s);
                board.pass_finished(cluster, PassResult::Ok, Millis{i});
                board.count(Family::RestErrors, cluster, ApiErrorKind::Http);
                if (i % 3 == 0) board.remove_job(s.key);
                board.heartbeat(kT0);
            }
        });
    }
    // Catch2 assertions are not thread-safe: the scraper only records what it saw.
    std::atomic<bool> malformed{false};
    std::thread scraper([&] {
        while (!done) {
            const auto text = board.prometheus_text();
            const bool complete = text.find("# TYPE flinkscaler_vertex_utilization gauge") != std::string::npos;
            if (text.empty() || text.back() != '\n' || !complete) malformed = true;
            (void)board.jobs();
        }
    });
    for (auto& t : writers) t.join();
    done = true;
    scraper.join();
    CHECK(!malformed);
    const auto text = board.prometheus_text();
    for (int w = 0; w < 4; ++w) {
        const std::string c = "c" + std::to_string(w);
        CHECK(has_line(text, "flinkscaler_job_passes_total{cluster=\"" + c + "\",result=\"ok\"} 300"));
        CHECK(has_line(text, "flinkscaler_job_pass_duration_seconds_count{cluster=\"" + c + "\"} 300"));
        CHECK(has_line(text, "flinkscaler_rest_errors_total{cluster=\"" + c + "\",kind=\"http\"} 300"));
    }
}

TEST_CASE("status board: the /metrics text parses with the Prometheus Python client", "[status][python]") {
    // The reference parser is the independent check of the format; skip (with a warning) on a
    // machine without it. /usr/bin/python3 first: the Debian module lives in its dist-packages,
    // which a pyenv or venv python3 on PATH may not see.
    std::string python;
    for (const std::string candidate : {"/usr/bin/python3", "python3"}) {
        if (run(candidate + " -c 'import prometheus_client.parser' >/dev/null 2>&1").second == 0) {
            python = candidate;
            break;
        }
    }
    if (python.empty()) {
        WARN("skipped: no python3 with prometheus_client (Debian: python3-prometheus-client)");
        return;
    }

    StatusBoard board("0.1.0");
    auto s = evaluated_job();
    s.name = "say \"hi\"\\now\nline 2";
    s.vertices[1].true_processing_rate = INFINITY;
    board.put_job(s);
    board.put_job(job("staging", kJobId, "other", JobPhase::Collecting));
    for (const auto ms : {3, 40, 2000, 45000}) board.pass_finished("prod", PassResult::Ok, Millis{ms});
    board.pass_finished("prod", PassResult::Error, 1ms);
    board.discovery_finished("prod", true);
    board.count(Family::RestErrors, "prod", ApiErrorKind::Malformed);
    board.count(Family::ScalingDecisions, "prod", DecisionOutcome::Scaled);
    board.count(Family::Rescales, "prod", RescaleResult::Applied);
    board.poll_overrun();
    board.heartbeat(kT0);
    const auto text = board.prometheus_text();

    TempDir dir;
    const auto metrics_file = dir.path / "metrics.txt";
    const auto script_file = dir.path / "parse.py";
    std::ofstream(metrics_file) << text;
    std::ofstream(script_file) << R"PY(import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for sample in family.samples:
        out.append([family.name, family.type, sample.name, sample.labels, repr(sample.value)])
print(json.dumps(out))
)PY";
    const auto [output, status] = run(python + " " + script_file.string() + " " + metrics_file.string() + " 2>&1");
    INFO(output);
    REQUIRE(status == 0);
    const auto parsed = json::parse(output);

    // Every sample line of the text came back, with the right family type.
    std::size_t sample_lines = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') ++sample_lines;
    CHECK(parsed.size() == sample_lines);

    std::set<std::string> histogram_samples;
    bool saw_escaped_name = false;
    bool saw_inf = false;
    for (const auto& row : parsed) {
        const std::string family = row[0], type = row[1], name = row[2], value = row[4];
        if (family == "flinkscaler_job_passes") CHECK(type == "counter");
        if (family == "flinkscaler_job_pass_duration_seconds") {
            CHECK(type == "histogram");
            histogram_samples.insert(name);
        }
        if (row[3].contains("job_name") && row[3]["job_name"] == s.name) saw_escaped_name = true;
        if (name == "flinkscaler_vertex_true_processing_rate" && value == "inf") saw_inf = true;
    }
    CHECK(histogram_samples == std::set<std::string>{"flinkscaler_job_pass_duration_seconds_bucket",
                                                     "flinkscaler_job_pass_duration_seconds_sum",
                                                     "flinkscaler_job_pass_duration_seconds_count"});
    CHECK(saw_escaped_name);
    CHECK(saw_inf);
}

// ---------------------------------------------------------------------------------------------
// The HTTP endpoint

namespace {

/// A board with one job, a store with two of its events, and a server on a free port.
struct Served {
    TempDir dir;
    std::unique_ptr<flinkscaler::store::StateStore> store;
    StatusBoard board{"0.1.0"};
    StatusServer server;

    explicit Served(std::chrono::steady_clock::duration liveness = 1h)
        : store(flinkscaler::store::open_sqlite_store((dir.path / "state.db").string())),
          server("127.0.0.1:0", board, store.get(), liveness) {
        board.put_job(evaluated_job());
        server.start();
    }
    httplib::Client client() const {
        httplib::Client c("127.0.0.1", server.port());
        c.set_connection_timeout(5);
        c.set_read_timeout(5);
        return c;
    }
};

}  // namespace

TEST_CASE("status server: healthz and readyz report liveness and readiness", "[status][server]") {
    Served s;
    auto c = s.client();
    auto res = c.Get("/healthz");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "ok");

    res = c.Get("/readyz");
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(res->body.rfind("not ready", 0) == 0);
    s.board.set_ready(true);
    res = c.Get("/readyz");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "ready");
}

TEST_CASE("status server: healthz fails with the reason when the loop stops ticking", "[status][server]") {
    Served s(50ms);
    auto c = s.client();
    s.board.heartbeat(kT0);
    auto res = c.Get("/healthz");
    REQUIRE(res);
    CHECK(res->status == 200);
    std::this_thread::sleep_for(120ms);
    res = c.Get("/healthz");
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(res->body.find("not alive: the job loop has not ticked for") == 0);
    CHECK(res->body.find("(limit 0.1 s)") != std::string::npos);  // 50 ms, one decimal
}

TEST_CASE("status server: metrics are the board's text with the Prometheus content type", "[status][server]") {
    Served s;
    s.board.pass_finished("prod", PassResult::Ok, 10ms);
    auto c = s.client();
    const auto res = c.Get("/metrics");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(has_line(res->body, R"(flinkscaler_job_passes_total{cluster="prod",result="ok"} 1)"));
    CHECK(samples(res->body, "flinkscaler_vertex_parallelism").size() == 2);

    // HEAD answers like GET without a body.
    const auto head = c.Head("/metrics");
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->body.empty());
}

TEST_CASE("status server: the jobs list holds every job without history", "[status][server]") {
    Served s;
    s.board.put_job(job("dev", "z", "Z", JobPhase::Collecting));
    auto c = s.client();
    const auto res = c.Get("/api/v1/jobs");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "application/json");
    const auto body = json::parse(res->body);
    REQUIRE(body["jobs"].size() == 2);
    CHECK(body["jobs"][0]["key"] == "dev/z");
    CHECK(body["jobs"][1]["key"] == kKey);
    CHECK(body["jobs"][1]["vertices"][0]["recommended_parallelism"] == 8);
    CHECK(body["jobs"][1]["vertices"][1]["utilization"].is_null());
    CHECK(!body["jobs"][1].contains("scaling_history"));
    CHECK(!body["jobs"][1].contains("events"));
}

TEST_CASE("status server: one job by its slash key, plain or percent-encoded, with its stored events",
          "[status][server]") {
    Served s;
    Event report{EventType::Normal, "ScalingReport", "Scaling execution enabled, begin scaling vertices", {}, {}};
    Event ineffective{EventType::Warning, "IneffectiveScaling", "Ineffective scaling detected", {}, {}};
    s.store->record(kKey, report, kT0);
    s.store->record(kKey, ineffective, kT0 + 5s);
    s.store->record("prod/another-job", report, kT0 + 9s);  // not this job's

    auto c = s.client();
    for (const std::string& path : std::vector<std::string>{"/api/v1/jobs/" + kKey, "/api/v1/jobs/prod%2F" + kJobId,
                                   "/api/v1/jobs/prod%2f" + kJobId}) {
        INFO(path);
        const auto res = c.Get(path.c_str());
        REQUIRE(res);
        CHECK(res->status == 200);
        CHECK(res->get_header_value("Content-Type") == "application/json");
        const auto body = json::parse(res->body);
        CHECK(body["key"] == kKey);
        CHECK(body.contains("scaling_history"));
        REQUIRE(body["events"].size() == 2);
        // Newest first.
        CHECK(body["events"][0]["reason"] == "IneffectiveScaling");
        CHECK(body["events"][0]["type"] == "Warning");
        CHECK(body["events"][0]["create_time"] == "2026-01-01T00:00:05.000Z");
        CHECK(body["events"][0]["count"] == 1);
        CHECK(body["events"][1]["reason"] == "ScalingReport");
        CHECK(body["events"][1]["message"] == "Scaling execution enabled, begin scaling vertices");
        CHECK(body["events"][1]["create_time"] == "2026-01-01T00:00:00.000Z");
        CHECK(body["events"][1]["update_time"] == "2026-01-01T00:00:00.000Z");
        CHECK(body["events"][1]["event_key"].get<std::string>().size() == 16);
    }
}

TEST_CASE("status server: at most the newest 50 events of a job", "[status][server]") {
    Served s;
    for (int i = 0; i < 60; ++i)
        s.store->record(kKey, Event{EventType::Normal, "ScalingReport", "report " + std::to_string(i), {}, {}},
                        kT0 + std::chrono::seconds(i));
    auto c = s.client();
    const auto res = c.Get(("/api/v1/jobs/" + kKey).c_str());
    REQUIRE(res);
    const auto body = json::parse(res->body);
    REQUIRE(body["events"].size() == 50);
    CHECK(body["events"][0]["message"] == "report 59");
    CHECK(body["events"][49]["message"] == "report 10");
}

TEST_CASE("status server: without a store a job has no events", "[status][server]") {
    StatusBoard board("dev");
    board.put_job(evaluated_job());
    StatusServer server("127.0.0.1:0", board, nullptr, 1h);
    server.start();
    httplib::Client c("127.0.0.1", server.port());
    const auto res = c.Get(("/api/v1/jobs/" + kKey).c_str());
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(json::parse(res->body)["events"] == json::array());
}

TEST_CASE("status server: unknown job, unknown path and other methods are refused with JSON", "[status][server]") {
    Served s;
    auto c = s.client();

    auto res = c.Get("/api/v1/jobs/prod/ffffffffffffffffffffffffffffffff");
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(json::parse(res->body)["error"] == "unknown job: prod/ffffffffffffffffffffffffffffffff");

    for (const char* path : {"/", "/nope", "/api/v1/jobs/", "/metrics/extra", "/api/v1"}) {
        INFO(path);
        res = c.Get(path);
        REQUIRE(res);
        CHECK(res->status == 404);
        CHECK(json::parse(res->body).contains("error"));
    }

    res = c.Post("/metrics", "x", "text/plain");
    REQUIRE(res);
    CHECK(res->status == 405);
    CHECK(res->get_header_value("Allow") == "GET, HEAD");
    CHECK(json::parse(res->body)["error"] == "method POST not allowed; the status endpoint is read-only");
    res = c.Put(("/api/v1/jobs/" + kKey).c_str(), "{}", "application/json");
    REQUIRE(res);
    CHECK(res->status == 405);
    res = c.Delete(("/api/v1/jobs/" + kKey).c_str());
    REQUIRE(res);
    CHECK(res->status == 405);
    res = c.Patch("/healthz", "{}", "application/json");
    REQUIRE(res);
    CHECK(res->status == 405);
    res = c.Options("/metrics");
    REQUIRE(res);
    CHECK(res->status == 405);
    httplib::Request trace;
    trace.method = "TRACE";
    trace.path = "/metrics";
    res = c.send(trace);
    REQUIRE(res);
    CHECK(res->status == 405);
    CHECK(res->get_header_value("Allow") == "GET, HEAD");
    // The job is untouched by all of that.
    CHECK(s.board.job(kKey));
}

TEST_CASE("status server: start fails naming the address when it cannot bind; stop is idempotent",
          "[status][server]") {
    StatusBoard board("dev");
    StatusServer first("127.0.0.1:0", board, nullptr, 1h);
    first.start();
    const int port = first.port();
    REQUIRE(port > 0);
    first.start();  // already serving: nothing changes
    CHECK(first.port() == port);

    const std::string taken = "127.0.0.1:" + std::to_string(port);
    StatusServer second(taken, board, nullptr, 1h);
    try {
        second.start();
        FAIL("bound a port that is already taken");
    } catch (const std::runtime_error& e) {
        CHECK_THAT(e.what(), Catch::Matchers::Contains(taken));
    }
    CHECK(second.port() == 0);
    second.stop();  // never started: harmless

    for (const std::string bad : {"8089", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:70000", "::1:8089", "[::1"}) {
        INFO(bad);
        StatusServer server(bad, board, nullptr, 1h);
        try {
            server.start();
            FAIL("accepted a malformed address");
        } catch (const std::runtime_error& e) {
            CHECK_THAT(e.what(), Catch::Matchers::Contains("'" + bad + "'"));
        }
    }

    first.stop();
    first.stop();
    CHECK(first.port() == 0);
    // The port is free again and nothing answers on it any more.
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(1);
    CHECK(!c.Get("/healthz"));
    // And it can be started again.
    StatusServer again(taken, board, nullptr, 1h);
    again.start();
    CHECK(again.port() == port);
    httplib::Client c2("127.0.0.1", port);
    const auto res = c2.Get("/healthz");
    REQUIRE(res);
    CHECK(res->status == 200);
}

TEST_CASE("status server: a keep-alive client is served many requests and stop still returns promptly",
          "[status][server]") {
    Served s;
    auto c = s.client();
    c.set_keep_alive(true);
    for (int i = 0; i < 20; ++i) {
        const auto res = c.Get("/metrics");
        REQUIRE(res);
        CHECK(res->status == 200);
    }
    const auto started = std::chrono::steady_clock::now();
    s.server.stop();
    // An idle keep-alive connection holds its thread for at most the 1 s keep-alive timeout.
    CHECK(std::chrono::steady_clock::now() - started < 3s);
}
