// SPDX-License-Identifier: Apache-2.0
// The /metrics exposition of a known board state, pinned byte for byte (the families' order,
// HELP texts, label order, zero-filled series, number formatting), so that a change of the
// rendering code that changes the output fails here; and the tables of docs/status-endpoint.md
// that are generated from the family and phase tables.
#include "service/metric_families.hpp"
#include "service/status_board.hpp"

#include "flinkscaler/event_reasons.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

using namespace std::chrono_literals;
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
using flinkscaler::service::VertexStatus;

namespace {

// 2026-01-01T00:00:00.000Z
const Instant kT0 = flinkscaler::instant_from_epoch_ms(1767225600000);

VertexStatus vertex(std::string id, std::string name, int parallelism) {
    VertexStatus v;
    v.id = std::move(id);
    v.name = std::move(name);
    v.parallelism = parallelism;
    return v;
}

JobStatus job(const std::string& cluster, const std::string& job_id, const std::string& name, JobPhase phase) {
    JobStatus s;
    s.key = cluster + "/" + job_id;
    s.cluster = cluster;
    s.job_id = job_id;
    s.name = name;
    s.flink_state = "RUNNING";
    s.phase = phase;
    return s;
}

/// A board that has seen a bit of everything: three clusters (one only through a discovery),
/// every counter family, a histogram, jobs in three phases with evaluated and unevaluated
/// vertices, a name that needs escaping and an infinite rate.
void fill(StatusBoard& board) {
    auto orders = job("prod", "0123456789abcdef0123456789abcdef", "orders \"eu\"\\main\nv2", JobPhase::Decided);
    auto map = vertex("0a448493b4782967b150582570326227", "Map: enrich", 4);
    map.recommended = 8;
    map.utilization = 0.99;
    map.true_processing_rate = 2020.2;
    map.target_data_rate = 2300;
    map.lag = 48000;
    orders.vertices.push_back(map);
    auto sink = vertex("ea632d67b7d595e5b851708ae9ad79d6", "Sink: writer", 2);
    sink.true_processing_rate = INFINITY;
    orders.vertices.push_back(sink);
    board.put_job(orders);
    auto payments = job("staging", "ffffffffffffffffffffffffffffffff", "payments", JobPhase::Collecting);
    payments.vertices.push_back(vertex("v1", "Source", 1));
    board.put_job(payments);
    board.put_job(job("staging", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "reports", JobPhase::Disabled));

    board.discovery_finished("prod", true);
    board.discovery_finished("prod", true);
    board.discovery_finished("prod", false);
    board.discovery_finished("prod", true);
    board.discovery_finished("yarn/application_1716900000000_0042", true);
    board.count(Family::RestErrors, "prod", ApiErrorKind::Http);
    board.count(Family::RestErrors, "prod", ApiErrorKind::NoResponse);
    board.count(Family::RestErrors, "staging", ApiErrorKind::Malformed);
    board.count(Family::ScalingDecisions, "prod", DecisionOutcome::Scaled);
    board.count(Family::ScalingDecisions, "prod", DecisionOutcome::NoChange);
    board.count(Family::ScalingDecisions, "prod", DecisionOutcome::NoChange);
    board.count(Family::ScalingDecisions, "staging", DecisionOutcome::Blocked);
    board.count(Family::Rescales, "prod", RescaleResult::Applied);
    board.count(Family::Rescales, "prod", RescaleResult::DryRun);
    board.count(Family::Rescales, "staging", RescaleResult::Failed);
    board.pass_finished("prod", PassResult::Ok, 3ms);
    board.pass_finished("prod", PassResult::Ok, 40ms);
    board.pass_finished("prod", PassResult::Ok, 2000ms);
    board.pass_finished("staging", PassResult::Error, 45000ms);
    board.pass_finished("staging", PassResult::NotReady, 5ms);
    board.pass_finished("staging", PassResult::Disabled, 1ms);
    board.poll_overrun();
    board.poll_overrun();
    board.poll_overrun();
    board.heartbeat(kT0 + 1500ms);
}

/// The text with the live resident-memory value replaced by "RSS" (the only sample that depends
/// on the process rather than on the board).
std::string pinned(const std::string& text) {
    std::string out;
    std::istringstream in(text);
    const std::string rss = "flinkscaler_process_resident_memory_bytes ";
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(rss, 0) == 0) line = rss + "RSS";
        out += line + "\n";
    }
    return out;
}

}  // namespace

TEST_CASE("metrics: the exposition of a known board state is pinned byte for byte", "[status][metrics]") {
    StatusBoard board("1.2.3-test");
    fill(board);
    const std::string expected = R"TEXT(
# HELP flinkscaler_build_info Build of the running flinkscaler; always 1.
# TYPE flinkscaler_build_info gauge
flinkscaler_build_info{version="1.2.3-test"} 1
# HELP flinkscaler_cluster_up 1 if the last job listing (discovery) of the cluster succeeded, 0 if it failed; absent before the first.
# TYPE flinkscaler_cluster_up gauge
flinkscaler_cluster_up{cluster="prod"} 1
flinkscaler_cluster_up{cluster="yarn/application_1716900000000_0042"} 1
# HELP flinkscaler_discoveries_total Job listings of a cluster (discovery), by result.
# TYPE flinkscaler_discoveries_total counter
flinkscaler_discoveries_total{cluster="prod",result="error"} 1
flinkscaler_discoveries_total{cluster="prod",result="ok"} 3
flinkscaler_discoveries_total{cluster="staging",result="error"} 0
flinkscaler_discoveries_total{cluster="staging",result="ok"} 0
flinkscaler_discoveries_total{cluster="yarn/application_1716900000000_0042",result="error"} 0
flinkscaler_discoveries_total{cluster="yarn/application_1716900000000_0042",result="ok"} 1
# HELP flinkscaler_job_pass_duration_seconds Duration of one control-loop pass of one job (collect, evaluate, decide, maybe rescale, save), by cluster.
# TYPE flinkscaler_job_pass_duration_seconds histogram
flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le="0.005"} 1
flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le="0.01"} 1
flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le="0.025"} 1
flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le="0.05"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le="0.1"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le="0.25"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le="0.5"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le="1"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le="2.5"} 3
flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le="5"} 3
flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le="10"} 3
flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le="30"} 3
flinkscaler_job_pass_duration_seconds_bucket{cluster="prod",le="+Inf"} 3
flinkscaler_job_pass_duration_seconds_sum{cluster="prod"} 2.043
flinkscaler_job_pass_duration_seconds_count{cluster="prod"} 3
flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="0.005"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="0.01"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="0.025"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="0.05"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="0.1"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="0.25"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="0.5"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="1"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="2.5"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="5"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="10"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="30"} 2
flinkscaler_job_pass_duration_seconds_bucket{cluster="staging",le="+Inf"} 3
flinkscaler_job_pass_duration_seconds_sum{cluster="staging"} 45.006
flinkscaler_job_pass_duration_seconds_count{cluster="staging"} 3
flinkscaler_job_pass_duration_seconds_bucket{cluster="yarn/application_1716900000000_0042",le="0.005"} 0
flinkscaler_job_pass_duration_seconds_bucket{cluster="yarn/application_1716900000000_0042",le="0.01"} 0
flinkscaler_job_pass_duration_seconds_bucket{cluster="yarn/application_1716900000000_0042",le="0.025"} 0
flinkscaler_job_pass_duration_seconds_bucket{cluster="yarn/application_1716900000000_0042",le="0.05"} 0
flinkscaler_job_pass_duration_seconds_bucket{cluster="yarn/application_1716900000000_0042",le="0.1"} 0
flinkscaler_job_pass_duration_seconds_bucket{cluster="yarn/application_1716900000000_0042",le="0.25"} 0
flinkscaler_job_pass_duration_seconds_bucket{cluster="yarn/application_1716900000000_0042",le="0.5"} 0
flinkscaler_job_pass_duration_seconds_bucket{cluster="yarn/application_1716900000000_0042",le="1"} 0
flinkscaler_job_pass_duration_seconds_bucket{cluster="yarn/application_1716900000000_0042",le="2.5"} 0
flinkscaler_job_pass_duration_seconds_bucket{cluster="yarn/application_1716900000000_0042",le="5"} 0
flinkscaler_job_pass_duration_seconds_bucket{cluster="yarn/application_1716900000000_0042",le="10"} 0
flinkscaler_job_pass_duration_seconds_bucket{cluster="yarn/application_1716900000000_0042",le="30"} 0
flinkscaler_job_pass_duration_seconds_bucket{cluster="yarn/application_1716900000000_0042",le="+Inf"} 0
flinkscaler_job_pass_duration_seconds_sum{cluster="yarn/application_1716900000000_0042"} 0
flinkscaler_job_pass_duration_seconds_count{cluster="yarn/application_1716900000000_0042"} 0
# HELP flinkscaler_job_passes_skipped_total Passes of the jobs of a cluster that ran but did not decide, by the phase they ended in.
# TYPE flinkscaler_job_passes_skipped_total counter
flinkscaler_job_passes_skipped_total{cluster="prod",reason="collecting"} 0
flinkscaler_job_passes_skipped_total{cluster="prod",reason="metrics_gated"} 0
flinkscaler_job_passes_skipped_total{cluster="prod",reason="not_ready"} 0
flinkscaler_job_passes_skipped_total{cluster="prod",reason="rescale_blocked"} 0
flinkscaler_job_passes_skipped_total{cluster="prod",reason="rescale_pending"} 0
flinkscaler_job_passes_skipped_total{cluster="prod",reason="rescale_rejected"} 0
flinkscaler_job_passes_skipped_total{cluster="prod",reason="stabilizing"} 0
flinkscaler_job_passes_skipped_total{cluster="prod",reason="window_not_full"} 0
flinkscaler_job_passes_skipped_total{cluster="staging",reason="collecting"} 0
flinkscaler_job_passes_skipped_total{cluster="staging",reason="metrics_gated"} 0
flinkscaler_job_passes_skipped_total{cluster="staging",reason="not_ready"} 0
flinkscaler_job_passes_skipped_total{cluster="staging",reason="rescale_blocked"} 0
flinkscaler_job_passes_skipped_total{cluster="staging",reason="rescale_pending"} 0
flinkscaler_job_passes_skipped_total{cluster="staging",reason="rescale_rejected"} 0
flinkscaler_job_passes_skipped_total{cluster="staging",reason="stabilizing"} 0
flinkscaler_job_passes_skipped_total{cluster="staging",reason="window_not_full"} 0
flinkscaler_job_passes_skipped_total{cluster="yarn/application_1716900000000_0042",reason="collecting"} 0
flinkscaler_job_passes_skipped_total{cluster="yarn/application_1716900000000_0042",reason="metrics_gated"} 0
flinkscaler_job_passes_skipped_total{cluster="yarn/application_1716900000000_0042",reason="not_ready"} 0
flinkscaler_job_passes_skipped_total{cluster="yarn/application_1716900000000_0042",reason="rescale_blocked"} 0
flinkscaler_job_passes_skipped_total{cluster="yarn/application_1716900000000_0042",reason="rescale_pending"} 0
flinkscaler_job_passes_skipped_total{cluster="yarn/application_1716900000000_0042",reason="rescale_rejected"} 0
flinkscaler_job_passes_skipped_total{cluster="yarn/application_1716900000000_0042",reason="stabilizing"} 0
flinkscaler_job_passes_skipped_total{cluster="yarn/application_1716900000000_0042",reason="window_not_full"} 0
# HELP flinkscaler_job_passes_total Finished control-loop passes of the jobs of a cluster, by result.
# TYPE flinkscaler_job_passes_total counter
flinkscaler_job_passes_total{cluster="prod",result="disabled"} 0
flinkscaler_job_passes_total{cluster="prod",result="error"} 0
flinkscaler_job_passes_total{cluster="prod",result="not_ready"} 0
flinkscaler_job_passes_total{cluster="prod",result="ok"} 3
flinkscaler_job_passes_total{cluster="staging",result="disabled"} 1
flinkscaler_job_passes_total{cluster="staging",result="error"} 1
flinkscaler_job_passes_total{cluster="staging",result="not_ready"} 1
flinkscaler_job_passes_total{cluster="staging",result="ok"} 0
flinkscaler_job_passes_total{cluster="yarn/application_1716900000000_0042",result="disabled"} 0
flinkscaler_job_passes_total{cluster="yarn/application_1716900000000_0042",result="error"} 0
flinkscaler_job_passes_total{cluster="yarn/application_1716900000000_0042",result="not_ready"} 0
flinkscaler_job_passes_total{cluster="yarn/application_1716900000000_0042",result="ok"} 0
# HELP flinkscaler_jobs Jobs the daemon tracks, by the phase of their last pass.
# TYPE flinkscaler_jobs gauge
flinkscaler_jobs{phase="cluster_unreachable"} 0
flinkscaler_jobs{phase="collecting"} 1
flinkscaler_jobs{phase="decided"} 1
flinkscaler_jobs{phase="disabled"} 1
flinkscaler_jobs{phase="error"} 0
flinkscaler_jobs{phase="metrics_gated"} 0
flinkscaler_jobs{phase="not_ready"} 0
flinkscaler_jobs{phase="rescale_blocked"} 0
flinkscaler_jobs{phase="rescale_pending"} 0
flinkscaler_jobs{phase="rescale_rejected"} 0
flinkscaler_jobs{phase="stabilizing"} 0
flinkscaler_jobs{phase="store_unavailable"} 0
flinkscaler_jobs{phase="window_not_full"} 0
# HELP flinkscaler_last_poll_timestamp_seconds Unix time of the last poll tick of the job loop; absent before the first.
# TYPE flinkscaler_last_poll_timestamp_seconds gauge
flinkscaler_last_poll_timestamp_seconds 1767225601.5
# HELP flinkscaler_poll_overruns_total Poll ticks skipped for a job because its previous pass was still running.
# TYPE flinkscaler_poll_overruns_total counter
flinkscaler_poll_overruns_total 3
# HELP flinkscaler_process_resident_memory_bytes Resident memory of the daemon, read from /proc/self/statm at scrape time.
# TYPE flinkscaler_process_resident_memory_bytes gauge
flinkscaler_process_resident_memory_bytes RSS
# HELP flinkscaler_rescales_total Rescales of jobs of a cluster: applied (resource requirements PUT accepted), failed (no answer, 5xx, 409), rejected (Flink refused them with a 4xx), or dry_run (decided but not sent).
# TYPE flinkscaler_rescales_total counter
flinkscaler_rescales_total{cluster="prod",result="applied"} 1
flinkscaler_rescales_total{cluster="prod",result="dry_run"} 1
flinkscaler_rescales_total{cluster="prod",result="failed"} 0
flinkscaler_rescales_total{cluster="prod",result="rejected"} 0
flinkscaler_rescales_total{cluster="staging",result="applied"} 0
flinkscaler_rescales_total{cluster="staging",result="dry_run"} 0
flinkscaler_rescales_total{cluster="staging",result="failed"} 1
flinkscaler_rescales_total{cluster="staging",result="rejected"} 0
flinkscaler_rescales_total{cluster="yarn/application_1716900000000_0042",result="applied"} 0
flinkscaler_rescales_total{cluster="yarn/application_1716900000000_0042",result="dry_run"} 0
flinkscaler_rescales_total{cluster="yarn/application_1716900000000_0042",result="failed"} 0
flinkscaler_rescales_total{cluster="yarn/application_1716900000000_0042",result="rejected"} 0
# HELP flinkscaler_rest_errors_total Failed Flink REST calls to a cluster: no_response (connection or timeout), http (error status), malformed (unreadable body).
# TYPE flinkscaler_rest_errors_total counter
flinkscaler_rest_errors_total{cluster="prod",kind="http"} 1
flinkscaler_rest_errors_total{cluster="prod",kind="malformed"} 0
flinkscaler_rest_errors_total{cluster="prod",kind="no_response"} 1
flinkscaler_rest_errors_total{cluster="staging",kind="http"} 0
flinkscaler_rest_errors_total{cluster="staging",kind="malformed"} 1
flinkscaler_rest_errors_total{cluster="staging",kind="no_response"} 0
flinkscaler_rest_errors_total{cluster="yarn/application_1716900000000_0042",kind="http"} 0
flinkscaler_rest_errors_total{cluster="yarn/application_1716900000000_0042",kind="malformed"} 0
flinkscaler_rest_errors_total{cluster="yarn/application_1716900000000_0042",kind="no_response"} 0
# HELP flinkscaler_scaling_decisions_total Scaling decisions for jobs of a cluster, by outcome: scale (a rescale was wanted), no_change, or blocked (a change was wanted but a check stopped it).
# TYPE flinkscaler_scaling_decisions_total counter
flinkscaler_scaling_decisions_total{cluster="prod",outcome="blocked"} 0
flinkscaler_scaling_decisions_total{cluster="prod",outcome="no_change"} 2
flinkscaler_scaling_decisions_total{cluster="prod",outcome="scale"} 1
flinkscaler_scaling_decisions_total{cluster="staging",outcome="blocked"} 1
flinkscaler_scaling_decisions_total{cluster="staging",outcome="no_change"} 0
flinkscaler_scaling_decisions_total{cluster="staging",outcome="scale"} 0
flinkscaler_scaling_decisions_total{cluster="yarn/application_1716900000000_0042",outcome="blocked"} 0
flinkscaler_scaling_decisions_total{cluster="yarn/application_1716900000000_0042",outcome="no_change"} 0
flinkscaler_scaling_decisions_total{cluster="yarn/application_1716900000000_0042",outcome="scale"} 0
# HELP flinkscaler_state_store_writable 1 while every job's last commit to the state store succeeded, 0 while some job's failed (disk full, I/O error); nothing is sent to Flink for such a job.
# TYPE flinkscaler_state_store_writable gauge
flinkscaler_state_store_writable 1
# HELP flinkscaler_vertex_lag Pending records (backlog) of a source vertex in the last evaluation.
# TYPE flinkscaler_vertex_lag gauge
flinkscaler_vertex_lag{cluster="prod",job="0123456789abcdef0123456789abcdef",job_name="orders \"eu\"\\main\nv2",vertex="0a448493b4782967b150582570326227",vertex_name="Map: enrich"} 48000
# HELP flinkscaler_vertex_parallelism Current parallelism of the vertex as Flink reports it.
# TYPE flinkscaler_vertex_parallelism gauge
flinkscaler_vertex_parallelism{cluster="prod",job="0123456789abcdef0123456789abcdef",job_name="orders \"eu\"\\main\nv2",vertex="0a448493b4782967b150582570326227",vertex_name="Map: enrich"} 4
flinkscaler_vertex_parallelism{cluster="prod",job="0123456789abcdef0123456789abcdef",job_name="orders \"eu\"\\main\nv2",vertex="ea632d67b7d595e5b851708ae9ad79d6",vertex_name="Sink: writer"} 2
flinkscaler_vertex_parallelism{cluster="staging",job="ffffffffffffffffffffffffffffffff",job_name="payments",vertex="v1",vertex_name="Source"} 1
# HELP flinkscaler_vertex_recommended_parallelism Parallelism the last scaling decision computed for the vertex (absent before the first one).
# TYPE flinkscaler_vertex_recommended_parallelism gauge
flinkscaler_vertex_recommended_parallelism{cluster="prod",job="0123456789abcdef0123456789abcdef",job_name="orders \"eu\"\\main\nv2",vertex="0a448493b4782967b150582570326227",vertex_name="Map: enrich"} 8
# HELP flinkscaler_vertex_target_data_rate Records per second the vertex must process to keep up, in the last evaluation.
# TYPE flinkscaler_vertex_target_data_rate gauge
flinkscaler_vertex_target_data_rate{cluster="prod",job="0123456789abcdef0123456789abcdef",job_name="orders \"eu\"\\main\nv2",vertex="0a448493b4782967b150582570326227",vertex_name="Map: enrich"} 2300
# HELP flinkscaler_vertex_true_processing_rate Records per second the vertex could process at full busy time at its current parallelism, in the last evaluation.
# TYPE flinkscaler_vertex_true_processing_rate gauge
flinkscaler_vertex_true_processing_rate{cluster="prod",job="0123456789abcdef0123456789abcdef",job_name="orders \"eu\"\\main\nv2",vertex="0a448493b4782967b150582570326227",vertex_name="Map: enrich"} 2020.2
flinkscaler_vertex_true_processing_rate{cluster="prod",job="0123456789abcdef0123456789abcdef",job_name="orders \"eu\"\\main\nv2",vertex="ea632d67b7d595e5b851708ae9ad79d6",vertex_name="Sink: writer"} +Inf
# HELP flinkscaler_vertex_utilization Busy-time ratio (0..1) of the vertex in the last evaluation.
# TYPE flinkscaler_vertex_utilization gauge
flinkscaler_vertex_utilization{cluster="prod",job="0123456789abcdef0123456789abcdef",job_name="orders \"eu\"\\main\nv2",vertex="0a448493b4782967b150582570326227",vertex_name="Map: enrich"} 0.99
)TEXT";
    const auto text = pinned(board.prometheus_text());
    INFO(text);
    CHECK(text == expected.substr(1));
}

namespace {

const std::string kDoc = std::string(FLINKSCALER_FIXTURES) + "/../../docs/status-endpoint.md";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The text between `<!-- BEGIN GENERATED name -->\n` and `<!-- END GENERATED name -->`.
std::string generated_section(const std::string& doc, const std::string& name) {
    const std::string begin = "<!-- BEGIN GENERATED " + name + " -->\n";
    const std::string end = "<!-- END GENERATED " + name + " -->";
    const auto from = doc.find(begin);
    const auto to = doc.find(end);
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    REQUIRE(from + begin.size() <= to);
    return doc.substr(from + begin.size(), to - from - begin.size());
}

/// Rewrites the section in the committed doc (FLINKSCALER_UPDATE_DOCS=1).
void update_section(const std::string& name, const std::string& rendered) {
    std::string doc = read_file(kDoc);
    const std::string begin = "<!-- BEGIN GENERATED " + name + " -->\n";
    const auto from = doc.find(begin) + begin.size();
    const auto to = doc.find("<!-- END GENERATED " + name + " -->");
    doc.replace(from, to - from, rendered);
    std::ofstream(kDoc, std::ios::binary | std::ios::trunc) << doc;
}

void check_generated(const std::string& name, const std::string& rendered) {
    const char* update = std::getenv("FLINKSCALER_UPDATE_DOCS");
    if (update != nullptr && std::string(update) == "1") update_section(name, rendered);
    INFO("docs/status-endpoint.md's generated " + name +
         " table differs from the code's table; regenerate it with\n"
         "  FLINKSCALER_UPDATE_DOCS=1 build/tests/unit/service-tests '[docs]'");
    CHECK(generated_section(read_file(kDoc), name) == rendered);
}

}  // namespace

TEST_CASE("metrics: the metrics table of docs/status-endpoint.md is the rendering of the family table",
          "[status][metrics][docs]") {
    check_generated("metrics", flinkscaler::service::metrics_reference_markdown());
}

TEST_CASE("metrics: the phase table of docs/status-endpoint.md is the rendering of JobPhase's table",
          "[status][metrics][docs]") {
    check_generated("phases", flinkscaler::service::phases_reference_markdown());
}

// The event table is pinned by core-tests too (test_event_reasons.cpp); here it can be rewritten
// with the other generated tables of the same document.
TEST_CASE("metrics: the event reason table of docs/status-endpoint.md is the rendering of kEventReasons",
          "[status][metrics][docs]") {
    check_generated("events", flinkscaler::event_reasons_markdown());
}
