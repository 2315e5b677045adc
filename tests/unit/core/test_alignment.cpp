// SPDX-License-Identifier: Apache-2.0
//
// SCALE and ALIGN (algorithm.md §4.4-4.5): raw parallelism from the scale factor, the
// lower/upper/max-parallelism limits, and every alignment mode, pinned to Worked Example 7.
#include "flinkscaler/options.hpp"
#include "flinkscaler/vertex_scaler.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace flinkscaler;

namespace {

const std::string kAlignmentKey = "job.autoscaler.scaling.parallelism-alignment.mode";
const std::string kLegacyKey = "job.autoscaler.scaling.key-group.partitions.adjust.mode";

AutoscalerOptions options_with(const Configuration& conf) { return AutoscalerOptions::from(conf); }
AutoscalerOptions mode(const std::string& value) { return options_with({{kAlignmentKey, value}}); }
AutoscalerOptions legacy(const std::string& value) { return options_with({{kLegacyKey, value}}); }

// A keyed vertex (one HASH input) with `key_groups` key groups and the default limits 1..200.
ScaleRequest keyed(int p, double factor, int key_groups) {
    ScaleRequest r;
    r.vertex = "keyed";
    r.current_parallelism = p;
    r.scale_factor = factor;
    r.lower = std::min(p, 1);
    r.upper = std::max(p, 200);
    r.max_parallelism = key_groups;
    r.input_ship_strategies = {ShipStrategy::HASH};
    return r;
}

// A source (no inputs) reading `partitions` partitions, default limits 1..200.
ScaleRequest source(int p, double factor, int partitions, int max_parallelism) {
    ScaleRequest r;
    r.vertex = "source";
    r.current_parallelism = p;
    r.scale_factor = factor;
    r.lower = std::min(p, 1);
    r.upper = std::max(p, 200);
    r.max_parallelism = max_parallelism;
    r.num_source_partitions = partitions;
    return r;
}

int scale_with(const ScaleRequest& r, const AutoscalerOptions& options) {
    Events events;
    return scale(r, options, events);
}

std::vector<Event> events_of(const ScaleRequest& r, const AutoscalerOptions& options, int& result) {
    Events events;
    result = scale(r, options, events);
    return events;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Mode resolution

TEST_CASE("alignment mode comes from the new key, else the deprecated key, else BALANCED", "[alignment][options]") {
    CHECK(options_with({}).alignment_mode == AlignmentMode::BALANCED);
    CHECK(mode("BALANCED").alignment_mode == AlignmentMode::BALANCED);
    CHECK(mode("EVENLY_SPREAD").alignment_mode == AlignmentMode::EVENLY_SPREAD);
    CHECK(mode("OFF").alignment_mode == AlignmentMode::OFF);
    CHECK(options_with({{"kubernetes.operator." + kAlignmentKey, "OFF"}}).alignment_mode == AlignmentMode::OFF);
    CHECK(legacy("EVENLY_SPREAD").alignment_mode == AlignmentMode::LEGACY_EVENLY_SPREAD);
    CHECK(legacy("MAXIMIZE_UTILISATION").alignment_mode == AlignmentMode::LEGACY_MAXIMIZE_UTILISATION);
    // The new key takes precedence over the deprecated one.
    CHECK(options_with({{kAlignmentKey, "OFF"}, {kLegacyKey, "MAXIMIZE_UTILISATION"}}).alignment_mode ==
          AlignmentMode::OFF);
}

TEST_CASE("alignment mode names are case-sensitive: an unknown name is a custom mode that falls back to BALANCED",
          "[alignment][options]") {
    const auto options = mode("evenly_spread");
    CHECK(options.alignment_mode == AlignmentMode::BALANCED);
    CHECK(options.unsupported_alignment_mode == "evenly_spread");
}

// ---------------------------------------------------------------------------------------------
// Example 7

TEST_CASE("Example 7: keyed vertex 128 key groups, p 16 -> n 24 aligns per mode", "[alignment][example7]") {
    const auto r = keyed(16, 1.5, 128);
    CHECK(scale_with(r, mode("BALANCED")) == 26);  // 24 (floor 5), 25 (5), 26 (4 < 5)
    CHECK(scale_with(r, options_with({})) == 26);  // BALANCED is the default
    CHECK(scale_with(r, mode("EVENLY_SPREAD")) == 32);
    CHECK(scale_with(r, mode("OFF")) == 24);

    Events events;
    CHECK(align_parallelism(r, 24, AlignmentMode::BALANCED, mode("BALANCED"), events) == 26);
    CHECK(align_parallelism(r, 24, AlignmentMode::EVENLY_SPREAD, mode("BALANCED"), events) == 32);
    CHECK(align_parallelism(r, 24, AlignmentMode::OFF, mode("BALANCED"), events) == 24);
    CHECK(events.empty());
}

TEST_CASE("Example 7: keyed sink maxPar 720, p 2, f 3.5 becomes 8; REBALANCE and partition-less source keep 7",
          "[alignment][example7]") {
    const auto options = options_with({});
    CHECK(scale_with(keyed(2, 3.5, 720), options) == 8);

    auto rebalance = keyed(2, 3.5, 720);
    rebalance.input_ship_strategies = {ShipStrategy::REBALANCE};
    CHECK(scale_with(rebalance, options) == 7);

    CHECK(scale_with(source(2, 3.5, 0, 720), options) == 7);
}

TEST_CASE("Example 7: BALANCED picks the first load-reducing parallelism, EVENLY_SPREAD the first divisor",
          "[alignment][example7]") {
    // maxPar 1000, p 10, n 15: 16 lowers floor(1000/q) from 66 to 62.
    CHECK(scale_with(keyed(10, 1.5, 1000), mode("BALANCED")) == 16);
    CHECK(scale_with(keyed(10, 1.5, 1000), mode("EVENLY_SPREAD")) == 20);
}

TEST_CASE("Example 7: BALANCED scale-down N 720, p 100, n 50 searches upward to 52", "[alignment][example7]") {
    CHECK(scale_with(keyed(100, 0.5, 720), mode("BALANCED")) == 52);
    CHECK(scale_with(keyed(100, 0.5, 720), mode("EVENLY_SPREAD")) == 60);
    CHECK(scale_with(keyed(100, 0.5, 720), mode("OFF")) == 50);
}

TEST_CASE("Example 7: built-in modes keep a source above its partition count, legacy caps it with ScalingLimited",
          "[alignment][example7]") {
    const auto r = source(10, 2.0, 15, 720);
    for (const auto* value : {"BALANCED", "EVENLY_SPREAD", "OFF"}) {
        int result = 0;
        const auto events = events_of(r, mode(value), result);
        CAPTURE(value);
        CHECK(result == 20);
        CHECK(events.empty());
    }

    int result = 0;
    const auto events = events_of(r, legacy("EVENLY_SPREAD"), result);
    CHECK(result == 15);
    REQUIRE(events.size() == 1);
    const Event& e = events.front();
    CHECK(e.type == EventType::Warning);
    CHECK(e.reason == "ScalingLimited");
    CHECK(e.message_key == std::optional<std::string>("ScalingLimitedsource"));
    CHECK(e.interval == std::optional<Millis>(std::chrono::minutes(30)));
    // expected 20, actual 15, N 15, cap min(maxPar 720, upper 200) = 200, lower 1
    CHECK(e.message ==
          "Scaling limited for vertex source: computed parallelism 20 adjusted to 15 to spread 15 key groups or "
          "partitions evenly (upper bound 200, lower bound 1)");
}

TEST_CASE("Example 7: legacy EVENLY_SPREAD with source partitions", "[alignment][example7][legacy]") {
    const auto options = legacy("EVENLY_SPREAD");

    SECTION("p 6, N 15, f 0.4 -> 3 (a divisor, no event)") {
        int result = 0;
        CHECK(events_of(source(6, 0.4, 15, 128), options, result).empty());
        CHECK(result == 3);
    }
    SECTION("p 7, N 15, f 1.2 -> 15") {
        int result = 0;
        CHECK(events_of(source(7, 1.2, 15, 128), options, result).empty());
        CHECK(result == 15);
    }
    SECTION("p 20, N 35, maxPar 30, f 0.9 -> 18 via the relaxed downward fallback") {
        CHECK(scale_with(source(20, 0.9, 35, 30), options) == 18);
    }
    SECTION("p 22, N 35, maxPar 30, lower 20, f 1.1 is blocked at 22 with a ScalingLimited event") {
        auto r = source(22, 1.1, 35, 30);
        r.lower = 20;
        int result = 0;
        const auto events = events_of(r, options, result);
        CHECK(result == 22);
        REQUIRE(events.size() == 1);
        CHECK(events.front().reason == "ScalingLimited");
        CHECK(events.front().type == EventType::Warning);
        CHECK(events.front().message ==
              "Scaling limited for vertex source: computed parallelism 25 adjusted to 22 to spread 35 key groups or "
              "partitions evenly (upper bound 30, lower bound 20)");
    }
    SECTION("p 80, N 200, maxPar 128, f 1.4 -> 100 with a ScalingLimited event") {
        int result = 0;
        const auto events = events_of(source(80, 1.4, 200, 128), options, result);
        CHECK(result == 100);
        REQUIRE(events.size() == 1);
        CHECK(events.front().reason == "ScalingLimited");
    }
    SECTION("p 24, N 199, f 4 -> 199") {
        int result = 0;
        CHECK(events_of(source(24, 4.0, 199, 720), options, result).empty());
        CHECK(result == 199);
    }
}

TEST_CASE("Example 7: legacy MAXIMIZE_UTILISATION, p 24, N 199, f 4 -> 100", "[alignment][example7][legacy]") {
    int result = 0;
    CHECK(events_of(source(24, 4.0, 199, 720), legacy("MAXIMIZE_UTILISATION"), result).empty());
    CHECK(result == 100);
}

TEST_CASE("Example 7: N 12, p 5, n 7, cap 8: built-in EVENLY_SPREAD keeps 7, legacy EVENLY_SPREAD relaxes to 6",
          "[alignment][example7][legacy]") {
    const auto r = source(5, 1.3, 12, 8);  // ceil(6.5) = 7, cap min(12, min(8, 200)) = 8
    CHECK(scale_with(r, mode("EVENLY_SPREAD")) == 7);
    int result = 0;
    const auto events = events_of(r, legacy("EVENLY_SPREAD"), result);
    CHECK(result == 6);
    REQUIRE(events.size() == 1);
    CHECK(events.front().reason == "ScalingLimited");
}

TEST_CASE("legacy fallback: a relaxed scale-down is executed, one lifted back to p by the lower limit is blocked",
          "[alignment][legacy]") {
    const auto options = legacy("EVENLY_SPREAD");
    int result = 0;

    // N 7, p 5, n 4: no divisor in [4, 5]; the fallback reaches c = 3 (floor 2 > 1), 7 mod 3 != 0
    // -> c = 4 = n: a scale-down without event.
    auto events = events_of(source(5, 0.8, 7, 128), options, result);
    CHECK(result == 4);
    CHECK(events.empty());

    // N 9, p 6, n 4 (ceil 3.6): no divisor in [4, 6]; the fallback stops at the divisor 3 != n
    // -> 3 with a ScalingLimited event.
    events = events_of(source(6, 0.6, 9, 128), options, result);
    CHECK(result == 3);
    REQUIRE(events.size() == 1);
    CHECK(events.front().reason == "ScalingLimited");

    // p 40 with 32 key groups and lower 40: n = 32, N 30 partitions, region [32, 30] empty, the
    // fallback 30 is lifted to the lower limit 40 >= p -> blocked, stays 40, with an event.
    auto lifted = source(40, 0.5, 30, 32);
    lifted.lower = 40;
    events = events_of(lifted, options, result);
    CHECK(result == 40);
    REQUIRE(events.size() == 1);
    CHECK(events.front().message.find("computed parallelism 32 adjusted to 40") != std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// §4.4 limits

TEST_CASE("SCALE raises the raw parallelism to the lower limit", "[alignment][limits]") {
    auto r = keyed(10, 0.05, 128);
    r.input_ship_strategies = {ShipStrategy::REBALANCE};
    r.lower = 5;
    CHECK(scale_with(r, options_with({})) == 5);
    r.lower = 1;
    CHECK(scale_with(r, options_with({})) == 1);
}

TEST_CASE("SCALE caps the raw parallelism at the upper limit", "[alignment][limits]") {
    auto r = keyed(10, 10.0, 720);
    r.input_ship_strategies = {ShipStrategy::REBALANCE};
    r.upper = 50;
    CHECK(scale_with(r, options_with({})) == 50);
}

TEST_CASE("SCALE caps the raw parallelism at the max parallelism (key groups)", "[alignment][limits]") {
    auto r = keyed(10, 10.0, 64);
    r.input_ship_strategies = {ShipStrategy::REBALANCE};
    CHECK(scale_with(r, options_with({})) == 64);
    // keyed: capped to 64 and 64 divides 64
    CHECK(scale_with(keyed(10, 10.0, 64), options_with({})) == 64);
}

TEST_CASE("SCALE with a lower limit above the max parallelism ends at the max parallelism", "[alignment][limits]") {
    auto r = keyed(60, 0.5, 32);
    r.input_ship_strategies = {ShipStrategy::REBALANCE};
    r.lower = 50;
    CHECK(scale_with(r, options_with({})) == 32);
}

TEST_CASE("SCALE returns the current parallelism unaligned when the clamped target equals it", "[alignment][limits]") {
    // p 3 with 128 key groups is not aligned, but an unchanged target is never re-aligned.
    CHECK(scale_with(keyed(3, 1.0, 128), mode("EVENLY_SPREAD")) == 3);
    CHECK(scale_with(keyed(3, 1.2, 128), mode("EVENLY_SPREAD")) == 4);  // ceil(3.6) = 4, a divisor
}

TEST_CASE("SCALE saturates a huge factor at int range before clamping", "[alignment][limits]") {
    auto r = keyed(1000, 1e300, 32768);
    r.input_ship_strategies = {ShipStrategy::REBALANCE};
    r.upper = 5000;
    CHECK(scale_with(r, options_with({})) == 5000);
}

// ---------------------------------------------------------------------------------------------
// Applicability and the scale-down region

TEST_CASE("alignment applies only with a HASH input or known source partitions", "[alignment]") {
    for (auto strategy : {ShipStrategy::REBALANCE, ShipStrategy::FORWARD, ShipStrategy::RESCALE,
                          ShipStrategy::BROADCAST}) {
        auto r = keyed(16, 1.5, 128);
        r.input_ship_strategies = {strategy, ShipStrategy::REBALANCE};
        CAPTURE(to_string(strategy));
        CHECK(scale_with(r, mode("BALANCED")) == 24);
        CHECK(scale_with(r, mode("EVENLY_SPREAD")) == 24);
        CHECK(scale_with(r, legacy("EVENLY_SPREAD")) == 24);
    }
    // One HASH input among several is enough.
    auto mixed = keyed(16, 1.5, 128);
    mixed.input_ship_strategies = {ShipStrategy::REBALANCE, ShipStrategy::HASH};
    CHECK(scale_with(mixed, mode("EVENLY_SPREAD")) == 32);
    // A source without partitions is not aligned; with partitions it is (to the partitions).
    CHECK(scale_with(source(16, 1.5, 0, 128), mode("EVENLY_SPREAD")) == 24);
    CHECK(scale_with(source(16, 1.5, 100, 128), mode("EVENLY_SPREAD")) == 25);
}

TEST_CASE("a scale-down searches [n, p] and stays at p when p is the first aligned value (8 partitions, p 4, n 3)",
          "[alignment]") {
    // Example 3's source: f = 0.7392 -> ceil(2.9568) = 3 -> 4.
    const auto r = source(4, 0.7392, 8, 128);
    CHECK(scale_with(r, mode("BALANCED")) == 4);
    CHECK(scale_with(r, mode("EVENLY_SPREAD")) == 4);
    CHECK(scale_with(r, legacy("EVENLY_SPREAD")) == 4);
    CHECK(scale_with(r, mode("OFF")) == 3);
    Events events;
    CHECK(align_parallelism(r, 3, AlignmentMode::BALANCED, mode("BALANCED"), events) == 4);
}

TEST_CASE("a scale-down region is capped by the alignment cap, not only by p", "[alignment]") {
    // N 6 partitions, p 10, n 7: region [7, min(10, 6)] is empty -> BALANCED keeps 7.
    CHECK(scale_with(source(10, 0.7, 6, 128), mode("BALANCED")) == 7);
}

// ---------------------------------------------------------------------------------------------
// Properties

TEST_CASE("property: SCALE stays within [lower, min(maxPar, upper)] unless it keeps the current parallelism",
          "[alignment][property]") {
    std::mt19937 rng(20240611);
    const std::vector<AutoscalerOptions> all_modes{mode("BALANCED"), mode("EVENLY_SPREAD"), mode("OFF"),
                                                   legacy("EVENLY_SPREAD"), legacy("MAXIMIZE_UTILISATION")};
    std::uniform_int_distribution<int> max_par_dist(1, 1024);
    std::uniform_real_distribution<double> factor_dist(0.0, 6.0);
    std::uniform_int_distribution<int> coin(0, 2);
    for (int i = 0; i < 5000; ++i) {
        const int max_par = max_par_dist(rng);
        const int p = std::uniform_int_distribution<int>(1, max_par)(rng);
        const int min_cfg = std::uniform_int_distribution<int>(1, 50)(rng);
        const int max_cfg = std::uniform_int_distribution<int>(1, 400)(rng);
        ScaleRequest r;
        r.vertex = "v";
        r.current_parallelism = p;
        r.scale_factor = factor_dist(rng);
        r.lower = std::min(p, min_cfg);
        r.upper = std::max(p, max_cfg);
        r.max_parallelism = max_par;
        const int kind = coin(rng);
        if (kind == 0) r.input_ship_strategies = {ShipStrategy::HASH};
        else if (kind == 1) r.num_source_partitions = std::uniform_int_distribution<int>(1, 300)(rng);
        else r.input_ship_strategies = {ShipStrategy::REBALANCE};
        for (const auto& options : all_modes) {
            const int n = scale_with(r, options);
            CAPTURE(i, p, r.scale_factor, r.lower, r.upper, max_par, r.num_source_partitions, to_string(options.alignment_mode));
            if (n == p) continue;
            CHECK(n >= std::min(r.lower, max_par));
            CHECK(n <= std::min(max_par, r.upper));
        }
    }
}

TEST_CASE("property: SCALE never reverses direction: a factor above 1 never lowers, below 1 never raises",
          "[alignment][property]") {
    std::mt19937 rng(7);
    const std::vector<AutoscalerOptions> all_modes{mode("BALANCED"), mode("EVENLY_SPREAD"), mode("OFF"),
                                                   legacy("EVENLY_SPREAD"), legacy("MAXIMIZE_UTILISATION")};
    for (int i = 0; i < 5000; ++i) {
        const int max_par = std::uniform_int_distribution<int>(1, 1024)(rng);
        const int p = std::uniform_int_distribution<int>(1, max_par)(rng);
        const bool up = i % 2 == 0;
        const double factor = up ? std::uniform_real_distribution<double>(1.0001, 8.0)(rng)
                                 : std::uniform_real_distribution<double>(0.0, 0.9999)(rng);
        auto r = keyed(p, factor, max_par);
        if (i % 3 == 0) {
            r.input_ship_strategies.clear();
            r.num_source_partitions = std::uniform_int_distribution<int>(1, 500)(rng);
        }
        for (const auto& options : all_modes) {
            const int n = scale_with(r, options);
            CAPTURE(i, p, factor, max_par, r.num_source_partitions, to_string(options.alignment_mode));
            if (up) CHECK(n >= p);
            else CHECK(n <= p);
        }
    }
}

TEST_CASE("property: BALANCED never returns less than the clamped target and EVENLY_SPREAD returns a divisor or it",
          "[alignment][property]") {
    std::mt19937 rng(99);
    const auto balanced = mode("BALANCED");
    const auto evenly = mode("EVENLY_SPREAD");
    for (int i = 0; i < 5000; ++i) {
        const int max_par = std::uniform_int_distribution<int>(1, 2048)(rng);
        const int p = std::uniform_int_distribution<int>(1, max_par)(rng);
        const double factor = std::uniform_real_distribution<double>(0.0, 5.0)(rng);
        const auto r = keyed(p, factor, max_par);
        const int clamped =
            std::min(std::max(r.lower, static_cast<int>(std::ceil(factor * p))), std::min(max_par, r.upper));
        CAPTURE(i, p, factor, max_par, clamped);
        const int b = scale_with(r, balanced);
        const int e = scale_with(r, evenly);
        if (clamped == p) {
            CHECK(b == p);
            CHECK(e == p);
            continue;
        }
        CHECK(b >= clamped);
        CHECK(e >= clamped);
        CHECK((e == clamped || max_par % e == 0));
        // When EVENLY_SPREAD finds a divisor, BALANCED (which also accepts divisors) stops no later.
        if (max_par % e == 0) CHECK(b <= e);
        // BALANCED's answer is a divisor, or lowers the per-subtask share, or is the clamped target.
        CHECK((max_par % b == 0 || max_par / b < max_par / clamped || b == clamped));
    }
}
