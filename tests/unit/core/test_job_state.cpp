// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/job_state.hpp"

#include "flinkscaler/numeric.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>

using namespace std::chrono_literals;
using flinkscaler::AutoscalerOptions;
using flinkscaler::CollectedSample;
using flinkscaler::DelayedScaleDown;
using flinkscaler::EvaluatedScalingMetric;
using flinkscaler::EvaluatedVertexMetrics;
using flinkscaler::Instant;
using flinkscaler::JobState;
using flinkscaler::kInf;
using flinkscaler::kNaN;
using flinkscaler::MetricHistory;
using flinkscaler::Millis;
using flinkscaler::ScalingHistory;
using flinkscaler::ScalingMetric;
using flinkscaler::ScalingSummary;
using flinkscaler::ScalingTracking;
using flinkscaler::Seconds;
using flinkscaler::StateFormatError;
using nlohmann::json;

namespace {

using M = ScalingMetric;

const std::string kV1 = "0a448493b4782967b150582570326227";
const std::string kV2 = "bc764cd8ddf7a0cff126f51c16239658";

// 2026-01-01T00:00:00.000Z
const Instant kT0 = flinkscaler::instant_from_epoch_ms(1767225600000);

Instant at(Millis offset) { return kT0 + offset; }

// Values are equal, or both NaN (MetricValues' own == cannot see NaN as equal to itself).
bool same_value(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

bool same_history(const MetricHistory& a, const MetricHistory& b) {
    if (a.size() != b.size()) return false;
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
        if (ia->first != ib->first) return false;
        const auto& sa = ia->second;
        const auto& sb = ib->second;
        if (sa.vertex_metrics.size() != sb.vertex_metrics.size()) return false;
        for (const auto& [vertex, values] : sa.vertex_metrics) {
            auto it = sb.vertex_metrics.find(vertex);
            if (it == sb.vertex_metrics.end() || it->second.size() != values.size()) return false;
            for (const auto& [metric, value] : values) {
                auto v = it->second.find(metric);
                if (v == it->second.end() || !same_value(value, v->second)) return false;
            }
        }
        if (sa.global_metrics.size() != sb.global_metrics.size()) return false;
        for (const auto& [metric, value] : sa.global_metrics) {
            auto v = sb.global_metrics.find(metric);
            if (v == sb.global_metrics.end() || !same_value(value, v->second)) return false;
        }
    }
    return true;
}

// Persisted state is stored as text: round trip through the serialized string.
json through_text(const json& j) { return json::parse(j.dump()); }

std::string state_error(const std::function<void()>& read) {
    try {
        read();
    } catch (const StateFormatError& e) {
        return e.what();
    }
    return "<no StateFormatError thrown>";
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

EvaluatedVertexMetrics some_evaluated_metrics() {
    return {{M::TRUE_PROCESSING_RATE, EvaluatedScalingMetric{kNaN, 588.235}},
            {M::EXPECTED_PROCESSING_RATE, EvaluatedScalingMetric{2352.94, kNaN}},
            {M::SCALE_DOWN_RATE_THRESHOLD, EvaluatedScalingMetric{kInf, kNaN}},
            {M::LAG, EvaluatedScalingMetric{-kInf, kNaN}},
            {M::PARALLELISM, EvaluatedScalingMetric{4.0, kNaN}}};
}

ScalingHistory some_scaling_history() {
    ScalingHistory h;
    h[kV1][at(0ms)] = ScalingSummary{1, 4, some_evaluated_metrics()};
    h[kV1][at(61'001ms)] = ScalingSummary{4, 2, {}};
    h[kV2][at(5ms)] = ScalingSummary{3, 1, {{M::LOAD, EvaluatedScalingMetric{kNaN, 0.85}}}};
    return h;
}

AutoscalerOptions history_options(int max_count, Millis max_age) {
    AutoscalerOptions o;
    o.history_max_count = max_count;
    o.history_max_age = max_age;
    return o;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// JSON round trips (§7.1, §7.2)

TEST_CASE("metric history round-trips through JSON text with NaN, infinities and millisecond timestamps",
          "[job_state][json]") {
    MetricHistory h;
    h[at(0ms)].vertex_metrics[kV1] = {{M::LOAD, 0.85}, {M::LAG, 2000.0}, {M::OBSERVED_TPR, kInf},
                                     {M::ACCUMULATED_BUSY_TIME, kNaN}, {M::NUM_RECORDS_IN, 0.1 + 0.2}};
    h[at(0ms)].global_metrics = {{M::HEAP_MAX_USAGE_RATIO, 0.123456789012345}, {M::GC_PRESSURE, -kInf}};
    h[at(1'001ms)].vertex_metrics[kV1] = {{M::LOAD, kNaN}, {M::NUM_RECORDS_IN, 1e300}};
    h[at(1'001ms)].vertex_metrics[kV2] = {};
    h[at(1'002ms)];  // an empty sample
    h[flinkscaler::instant_from_epoch_ms(1767225600999)].global_metrics[M::NUM_TASK_SLOTS_USED] = 3.0;

    const json j = flinkscaler::to_json(h);
    CHECK(j.contains("2026-01-01T00:00:01.001Z"));
    CHECK(j["2026-01-01T00:00:00.000Z"]["vertexMetrics"][kV1]["OBSERVED_TPR"] == "Infinity");
    CHECK(j["2026-01-01T00:00:00.000Z"]["vertexMetrics"][kV1]["ACCUMULATED_BUSY_TIME"] == "NaN");
    CHECK(j["2026-01-01T00:00:00.000Z"]["globalMetrics"]["GC_PRESSURE"] == "-Infinity");

    const MetricHistory back = flinkscaler::metric_history_from_json(through_text(j));
    CHECK(same_history(back, h));
    // exact doubles, not approximations
    CHECK(back.at(at(0ms)).vertex_metrics.at(kV1).at(M::NUM_RECORDS_IN) == 0.1 + 0.2);
    CHECK(back.at(at(0ms)).global_metrics.at(M::HEAP_MAX_USAGE_RATIO) == 0.123456789012345);
    // the helper itself must notice a difference
    MetricHistory changed = h;
    changed.at(at(0ms)).vertex_metrics.at(kV1).at(M::LOAD) = 0.86;
    CHECK_FALSE(same_history(back, changed));
}

TEST_CASE("scaling history round-trips through JSON, evaluated NaN and infinite fields included",
          "[job_state][json]") {
    const ScalingHistory h = some_scaling_history();
    const ScalingHistory back = flinkscaler::scaling_history_from_json(through_text(flinkscaler::to_json(h)));
    CHECK(back == h);
    CHECK(std::isinf(back.at(kV1).at(at(0ms)).metrics.at(M::SCALE_DOWN_RATE_THRESHOLD).current));
    CHECK(back.at(kV1).at(at(0ms)).metrics.at(M::LAG).current == -kInf);
}

TEST_CASE("scaling tracking round-trips through JSON with and without restart durations", "[job_state][json]") {
    ScalingTracking t;
    t.records[at(0ms)] = Millis{1'000};
    t.records[at(60'500ms)] = std::nullopt;
    t.records[at(120'000ms)] = Millis{-250};  // clock skew can make it negative (§1.4)
    const ScalingTracking back = flinkscaler::scaling_tracking_from_json(through_text(flinkscaler::to_json(t)));
    CHECK(back == t);
    CHECK_FALSE(back.records.at(at(60'500ms)).has_value());

    const ScalingTracking empty{};
    CHECK(flinkscaler::scaling_tracking_from_json(through_text(flinkscaler::to_json(empty))) == empty);
}

TEST_CASE("delayed scale-down round-trips through JSON", "[job_state][json]") {
    DelayedScaleDown d;
    d.trigger(kV1, at(0ms), 80, false);
    d.trigger(kV1, at(10'000ms), 90, true);
    d.trigger(kV1, at(40'001ms), 72, false);
    d.trigger(kV2, at(5ms), 3, true);
    const DelayedScaleDown back = flinkscaler::delayed_scale_down_from_json(through_text(flinkscaler::to_json(d)));
    CHECK(back == d);
    CHECK(back.vertices.at(kV1).first_trigger_time == at(0ms));
    REQUIRE(back.vertices.at(kV1).recommendations.size() == 2);
    CHECK(back.vertices.at(kV1).recommendations[0] == DelayedScaleDown::Recommendation{at(10'000ms), 90, true});
    CHECK(back.vertices.at(kV1).recommendations[1] == DelayedScaleDown::Recommendation{at(40'001ms), 72, false});
}

TEST_CASE("a whole job state round-trips through JSON", "[job_state][json]") {
    JobState s;
    s.metric_history[at(0ms)].vertex_metrics[kV1] = {{M::LOAD, 0.5}, {M::OBSERVED_TPR, kInf}};
    s.metric_history[at(1'234ms)].vertex_metrics[kV1] = {{M::LOAD, 0.25}, {M::LAG, -kInf}};
    s.metric_history[at(1'234ms)].global_metrics = {{M::HEAP_MEMORY_USED, 1.5e9}};
    s.scaling_history = some_scaling_history();
    s.scaling_tracking.records[at(0ms)] = Millis{2'000};
    s.scaling_tracking.records[at(61'001ms)] = std::nullopt;
    s.delayed_scale_down.trigger(kV2, at(7ms), 2, true);
    s.parallelism_overrides = {{kV1, 4}, {kV2, 1}};

    const JobState back = flinkscaler::job_state_from_json(through_text(flinkscaler::to_json(s)));
    CHECK(back == s);
    CHECK(flinkscaler::job_state_from_json(flinkscaler::to_json(JobState{})) == JobState{});
}

TEST_CASE("parallelism overrides stored as strings, as the reference does, are accepted", "[job_state][json]") {
    const json j = {{kV1, "4"}, {kV2, 12}};
    CHECK(flinkscaler::parallelism_overrides_from_json(j) == std::map<std::string, int>{{kV1, 4}, {kV2, 12}});

    json history = flinkscaler::to_json(some_scaling_history());
    history[kV2]["2026-01-01T00:00:00.005Z"]["newParallelism"] = "7";
    CHECK(flinkscaler::scaling_history_from_json(history).at(kV2).at(at(5ms)).new_parallelism == 7);

    const auto error = state_error([&] { (void)flinkscaler::parallelism_overrides_from_json({{kV1, "4x"}}); });
    CHECK(contains(error, "$." + kV1));
}

TEST_CASE("malformed state throws StateFormatError naming the JSON path of the problem", "[job_state][json]") {
    SECTION("non-integer newParallelism in the scaling history") {
        json j = {{"scalingHistory", flinkscaler::to_json(some_scaling_history())}};
        j["scalingHistory"][kV1]["2026-01-01T00:01:01.001Z"]["newParallelism"] = "four";
        const auto error = state_error([&] { (void)flinkscaler::job_state_from_json(j); });
        CHECK(contains(error, "$.scalingHistory." + kV1 + ".2026-01-01T00:01:01.001Z.newParallelism"));
    }
    SECTION("missing currentParallelism") {
        json j = flinkscaler::to_json(some_scaling_history());
        j[kV2]["2026-01-01T00:00:00.005Z"].erase("currentParallelism");
        const auto error = state_error([&] { (void)flinkscaler::scaling_history_from_json(j); });
        CHECK(contains(error, "$." + kV2 + ".2026-01-01T00:00:00.005Z.currentParallelism"));
    }
    SECTION("a metric value that is neither a number nor NaN/Infinity") {
        const json j = json::parse(R"({"collectedMetrics": {"2026-01-01T00:00:00.000Z":
            {"vertexMetrics": {"0a448493b4782967b150582570326227": {"LOAD": "lots"}}}}})");
        const auto error = state_error([&] { (void)flinkscaler::job_state_from_json(j); });
        CHECK(contains(error, "$.collectedMetrics.2026-01-01T00:00:00.000Z.vertexMetrics." + kV1 + ".LOAD"));
    }
    SECTION("an unknown metric name") {
        const json j = json::parse(R"({"2026-01-01T00:00:00.000Z": {"globalMetrics": {"NOT_A_METRIC": 1.0}}})");
        const auto error = state_error([&] { (void)flinkscaler::metric_history_from_json(j); });
        CHECK(contains(error, "$.2026-01-01T00:00:00.000Z.globalMetrics.NOT_A_METRIC"));
    }
    SECTION("a timestamp key that is not ISO-8601") {
        const json j = json::parse(R"({"scalingTracking": {"scalingRecords": {"yesterday": {"restartDurationMs": 5}}}})");
        const auto error = state_error([&] { (void)flinkscaler::job_state_from_json(j); });
        CHECK(contains(error, "$.scalingTracking.scalingRecords.yesterday"));
    }
    SECTION("a restart duration that is not an integer") {
        const json j = json::parse(R"({"scalingRecords": {"2026-01-01T00:00:00.000Z": {"restartDurationMs": "1s"}}})");
        const auto error = state_error([&] { (void)flinkscaler::scaling_tracking_from_json(j); });
        CHECK(contains(error, "$.scalingRecords.2026-01-01T00:00:00.000Z.restartDurationMs"));
    }
    SECTION("a recommendation without parallelism in the delayed scale-down queue") {
        json j = flinkscaler::to_json(JobState{});
        j["delayedScaleDown"]["delayedVertices"][kV1] = {
            {"firstTriggerTime", "2026-01-01T00:00:00.000Z"},
            {"recommendedParallelisms", {{{"triggerTime", "2026-01-01T00:00:00.000Z"}}}}};
        const auto error = state_error([&] { (void)flinkscaler::job_state_from_json(j); });
        CHECK(contains(error, "$.delayedScaleDown.delayedVertices." + kV1 + ".recommendedParallelisms[0].parallelism"));
    }
    SECTION("a section that is not an object") {
        const auto error = state_error([&] { (void)flinkscaler::job_state_from_json({{"scalingHistory", 42}}); });
        CHECK(contains(error, "$.scalingHistory"));
        CHECK(contains(state_error([&] { (void)flinkscaler::job_state_from_json(json::array()); }), "$"));
    }
}

// ---------------------------------------------------------------------------------------------
// Retention (§7.1)

TEST_CASE("trim_scaling_history drops entries older than max age, then keeps the max count newest, "
          "and removes emptied vertices",
          "[job_state][retention]") {
    const Instant now = at(48h);
    ScalingHistory h;
    h[kV1][now - 25h] = {1, 2, {}};
    h[kV1][now - 24h] = {2, 3, {}};  // exactly max age: kept by age
    h[kV1][now - 23h] = {3, 4, {}};
    h[kV1][now - 2h] = {4, 5, {}};
    h[kV1][now - 1h] = {5, 6, {}};
    h[kV2][now - 30h] = {1, 2, {}};  // only old entries: the vertex disappears
    const auto options = history_options(3, 24h);

    CHECK(flinkscaler::trim_scaling_history(h, options, now));
    CHECK_FALSE(h.count(kV2));
    REQUIRE(h.count(kV1));
    std::vector<Instant> kept;
    for (const auto& [ts, s] : h.at(kV1)) kept.push_back(ts);
    CHECK(kept == std::vector<Instant>{now - 23h, now - 2h, now - 1h});

    // Nothing left to drop: reports false and changes nothing.
    const ScalingHistory before = h;
    CHECK_FALSE(flinkscaler::trim_scaling_history(h, options, now));
    CHECK(h == before);
}

TEST_CASE("trim_scaling_history keeps an entry exactly max age old", "[job_state][retention]") {
    const Instant now = at(48h);
    ScalingHistory h;
    h[kV1][now - 24h] = {2, 3, {}};
    h[kV1][now - 24h - 1ms] = {1, 2, {}};
    CHECK(flinkscaler::trim_scaling_history(h, history_options(3, 24h), now));
    REQUIRE(h.at(kV1).size() == 1);
    CHECK(h.at(kV1).begin()->first == now - 24h);
}

TEST_CASE("trim_scaling_tracking drops old and surplus records but always keeps the newest", "[job_state][retention]") {
    const Instant now = at(100h);
    SECTION("all records too old: the newest survives") {
        ScalingTracking t;
        t.records[now - 30h] = Millis{1'000};
        t.records[now - 25h] = std::nullopt;
        flinkscaler::trim_scaling_tracking(t, history_options(3, 24h), now);
        REQUIRE(t.records.size() == 1);
        CHECK(t.records.begin()->first == now - 25h);
    }
    SECTION("age boundary is strict: a record exactly max age old is kept") {
        ScalingTracking t;
        t.records[now - 24h - 1ms] = Millis{1};
        t.records[now - 24h] = Millis{2};
        t.records[now - 1h] = Millis{3};
        flinkscaler::trim_scaling_tracking(t, history_options(3, 24h), now);
        CHECK(t.records.size() == 2);
        CHECK(t.records.begin()->first == now - 24h);
    }
    SECTION("more records than max count: the oldest go") {
        ScalingTracking t;
        for (int i = 1; i <= 5; ++i) t.records[now - std::chrono::hours(i)] = Millis{i};
        flinkscaler::trim_scaling_tracking(t, history_options(3, 24h), now);
        REQUIRE(t.records.size() == 3);
        CHECK(t.records.begin()->first == now - 3h);
        CHECK(t.records.rbegin()->first == now - 1h);
    }
    SECTION("max count 0 still keeps the newest record") {
        ScalingTracking t;
        t.records[now - 2h] = Millis{1};
        t.records[now - 1h] = std::nullopt;
        flinkscaler::trim_scaling_tracking(t, history_options(0, 24h), now);
        REQUIRE(t.records.size() == 1);
        CHECK(t.records.begin()->first == now - 1h);
    }
}

TEST_CASE("effective restart time: max tracked duration in whole seconds, capped, only when tracking is enabled",
          "[job_state][retention]") {
    AutoscalerOptions o;
    o.restart_time = 10min;
    o.restart_time_tracking_limit = 15min;
    ScalingTracking t;
    t.records[at(0ms)] = Millis{180'000};   // 3 min
    t.records[at(1h)] = Millis{300'000};    // 5 min
    t.records[at(2h)] = std::nullopt;

    SECTION("Example 2: tracked 3 min and 5 min -> 300 s") {
        o.restart_time_tracking_enabled = true;
        CHECK(flinkscaler::effective_restart_time(t, o) == Seconds{300});
    }
    SECTION("tracking disabled -> restart.time") {
        CHECK(flinkscaler::effective_restart_time(t, o) == Seconds{600});
    }
    SECTION("no record has a duration -> restart.time") {
        o.restart_time_tracking_enabled = true;
        ScalingTracking none;
        none.records[at(0ms)] = std::nullopt;
        CHECK(flinkscaler::effective_restart_time(none, o) == Seconds{600});
        CHECK(flinkscaler::effective_restart_time(ScalingTracking{}, o) == Seconds{600});
    }
    SECTION("the limit caps the tracked maximum") {
        o.restart_time_tracking_enabled = true;
        o.restart_time_tracking_limit = 4min;
        CHECK(flinkscaler::effective_restart_time(t, o) == Seconds{240});
    }
    SECTION("durations, restart.time and limit are truncated to whole seconds") {
        o.restart_time = Millis{90'999};
        CHECK(flinkscaler::effective_restart_time(t, o) == Seconds{90});
        o.restart_time_tracking_enabled = true;
        ScalingTracking fractional;
        fractional.records[at(0ms)] = Millis{61'999};
        fractional.records[at(1h)] = Millis{61'500};
        CHECK(flinkscaler::effective_restart_time(fractional, o) == Seconds{61});
        o.restart_time_tracking_limit = Millis{30'900};
        CHECK(flinkscaler::effective_restart_time(fractional, o) == Seconds{30});
    }
}

// ---------------------------------------------------------------------------------------------
// Delayed scale-down (§4.8)

TEST_CASE("delayed scale-down keeps a strictly decreasing queue and the first trigger time (Example 8)",
          "[job_state][delayed]") {
    using R = DelayedScaleDown::Recommendation;
    DelayedScaleDown d;
    auto t = [](int s) { return at(std::chrono::seconds(s)); };

    d.trigger(kV1, t(0), 80, true);
    CHECK(d.updated);
    d.trigger(kV1, t(10), 90, false);  // 80 <= 90 evicted from the tail
    CHECK(d.vertices.at(kV1).recommendations == std::vector<R>{{t(10), 90, false}});
    d.trigger(kV1, t(40), 72, false);
    d.trigger(kV1, t(59), 64, false);
    CHECK(d.vertices.at(kV1).recommendations == std::vector<R>{{t(10), 90, false}, {t(40), 72, false}, {t(59), 64, false}});
    const auto& entry = d.trigger(kV1, t(60), 70, false);  // 64 evicted, 72 stays
    CHECK(entry.first_trigger_time == t(0));               // never refreshed
    CHECK(entry.recommendations == std::vector<R>{{t(10), 90, false}, {t(40), 72, false}, {t(60), 70, false}});

    // Window start 0: nothing older; the maximum is the head.
    CHECK(d.max_recommended(kV1, t(0)) == R{t(10), 90, false});
    CHECK(d.vertices.at(kV1).recommendations.size() == 3);
    // Window start 11: the head (10 s) leaves, 72 becomes the maximum.
    CHECK(d.max_recommended(kV1, t(11)) == R{t(40), 72, false});
    CHECK(d.vertices.at(kV1).recommendations == std::vector<R>{{t(40), 72, false}, {t(60), 70, false}});
    // A recommendation exactly at the window start is kept.
    CHECK(d.max_recommended(kV1, t(40)) == R{t(40), 72, false});
}

TEST_CASE("delayed scale-down evicts an equal parallelism and replaces it by the newer recommendation",
          "[job_state][delayed]") {
    using R = DelayedScaleDown::Recommendation;
    DelayedScaleDown d;
    d.trigger(kV1, at(1s), 70, true);
    d.trigger(kV1, at(2s), 70, false);
    CHECK(d.vertices.at(kV1).recommendations == std::vector<R>{{at(2s), 70, false}});
    CHECK(d.vertices.at(kV1).first_trigger_time == at(1s));
}

TEST_CASE("delayed scale-down clear_vertex and clear_all drop entries and mark the state updated only on change",
          "[job_state][delayed]") {
    DelayedScaleDown d;
    d.trigger(kV1, at(0s), 5, false);
    d.trigger(kV2, at(0s), 3, false);
    d.updated = false;

    d.clear_vertex("not-there");
    CHECK_FALSE(d.updated);
    d.clear_vertex(kV1);
    CHECK(d.updated);
    CHECK_FALSE(d.vertices.count(kV1));
    CHECK(d.vertices.count(kV2));

    // A cleared vertex starts a fresh delay.
    d.trigger(kV1, at(100s), 4, false);
    CHECK(d.vertices.at(kV1).first_trigger_time == at(100s));

    d.updated = false;
    d.clear_all();
    CHECK(d.updated);
    CHECK(d.vertices.empty());
    d.updated = false;
    d.clear_all();
    CHECK_FALSE(d.updated);
}

// ---------------------------------------------------------------------------------------------
// Instants

TEST_CASE("format_instant writes ISO-8601 UTC with milliseconds", "[job_state][time]") {
    CHECK(flinkscaler::format_instant(flinkscaler::instant_from_epoch_ms(0)) == "1970-01-01T00:00:00.000Z");
    CHECK(flinkscaler::format_instant(kT0) == "2026-01-01T00:00:00.000Z");
    CHECK(flinkscaler::format_instant(flinkscaler::instant_from_epoch_ms(1709251199123)) == "2024-02-29T23:59:59.123Z");
    CHECK(flinkscaler::format_instant(flinkscaler::instant_from_epoch_ms(-1)) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("parse_instant reads ISO-8601 UTC with or without a fraction, and epoch milliseconds", "[job_state][time]") {
    CHECK(flinkscaler::parse_instant("2026-01-01T00:00:00Z") == kT0);
    CHECK(flinkscaler::parse_instant("2026-01-01T00:00:00.5Z") == kT0 + 500ms);
    CHECK(flinkscaler::parse_instant("2026-01-01T00:00:00.042Z") == kT0 + 42ms);
    CHECK(flinkscaler::parse_instant("2024-02-29T23:59:59.123Z") == flinkscaler::instant_from_epoch_ms(1709251199123));
    CHECK(flinkscaler::parse_instant("1767225600123") == kT0 + 123ms);
    CHECK(flinkscaler::parse_instant("-1") == flinkscaler::instant_from_epoch_ms(-1));
    for (std::int64_t ms : {0LL, -1LL, 1767225600000LL, 1767225600999LL, 4102444800001LL}) {
        const Instant t = flinkscaler::instant_from_epoch_ms(ms);
        CHECK(flinkscaler::parse_instant(flinkscaler::format_instant(t)) == t);
    }
}

TEST_CASE("parse_instant rejects text that is not a UTC timestamp", "[job_state][time]") {
    for (const char* bad : {"", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01 00:00:00Z",
                            "2026-01-01T00:00:00", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00+01:00",
                            "2026-01-01T00:00:00Zjunk"}) {
        INFO(bad);
        CHECK_THROWS_AS(flinkscaler::parse_instant(bad), std::invalid_argument);
    }
}
