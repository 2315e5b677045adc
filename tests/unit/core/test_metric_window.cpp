// SPDX-License-Identifier: Apache-2.0
//
// The window primitives rate / avg / avgOrRate / latest of algorithm.md §0.4.
#include "flinkscaler/metrics.hpp"
#include "flinkscaler/numeric.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

using flinkscaler::CollectedSample;
using flinkscaler::instant_from_epoch_ms;
using flinkscaler::is_nan;
using flinkscaler::kInf;
using flinkscaler::kNaN;
using flinkscaler::latest_value;
using flinkscaler::MetricHistory;
using flinkscaler::MetricSource;
using flinkscaler::ScalingMetric;
using flinkscaler::VertexId;
using flinkscaler::window_average;
using flinkscaler::window_average_or_rate;
using flinkscaler::window_rate;

namespace {

const VertexId kVertex = "v";
const VertexId kOther = "w";

// (epoch ms, value) pairs; nullopt leaves the metric out of that sample (the vertex is present).
using Points = std::vector<std::pair<std::int64_t, std::optional<double>>>;

MetricHistory vertex_history(ScalingMetric metric, const Points& points) {
    MetricHistory h;
    for (const auto& [ms, value] : points) {
        auto& values = h[instant_from_epoch_ms(ms)].vertex_metrics[kVertex];
        if (value) values[metric] = *value;
    }
    return h;
}

MetricHistory global_history(ScalingMetric metric, const Points& points) {
    MetricHistory h;
    for (const auto& [ms, value] : points) {
        auto& values = h[instant_from_epoch_ms(ms)].global_metrics;
        if (value) values[metric] = *value;
    }
    return h;
}

double rate(const MetricHistory& h, ScalingMetric metric = ScalingMetric::NUM_RECORDS_IN) {
    return window_rate(h, MetricSource::of(kVertex), metric);
}

double average(const MetricHistory& h, int min_observations = 1, ScalingMetric metric = ScalingMetric::LOAD) {
    return window_average(h, MetricSource::of(kVertex), metric, min_observations);
}

constexpr auto kIn = ScalingMetric::NUM_RECORDS_IN;
constexpr auto kLoad = ScalingMetric::LOAD;
constexpr auto kGauge = ScalingMetric::NUM_RECORDS_IN_PER_SECOND;

}  // namespace

TEST_CASE("window rate uses only the first and the last valid sample, ignoring values in between", "[window][rate]") {
    // A regression or a mean of pairwise rates would be pulled by the 5000 in the middle.
    const auto h = vertex_history(kIn, {{0, 0.0}, {1000, 5000.0}, {2000, 10.0}, {4000, 400.0}});
    CHECK(rate(h) == 100.0);
}

TEST_CASE("window rate skips NaN and absent values when picking the first and last sample", "[window][rate]") {
    const auto h = vertex_history(
        kIn, {{0, kNaN}, {1000, 100.0}, {2000, std::nullopt}, {3000, 300.0}, {4000, kNaN}, {5000, std::nullopt}});
    // first valid at 1 s, last valid at 3 s: 200 records in 2 s
    CHECK(rate(h) == 100.0);
}

TEST_CASE("window rate skips samples in which the vertex is missing entirely", "[window][rate]") {
    auto h = vertex_history(kIn, {{1000, 0.0}, {2000, 50.0}});
    h[instant_from_epoch_ms(9000)].vertex_metrics[kOther][kIn] = 1e9;
    CHECK(rate(h) == 50.0);
}

TEST_CASE("window rate is NaN with fewer than two valid samples", "[window][rate]") {
    CHECK(is_nan(rate(MetricHistory{})));
    CHECK(is_nan(rate(vertex_history(kIn, {{0, 5.0}}))));
    CHECK(is_nan(rate(vertex_history(kIn, {{0, 5.0}, {1000, kNaN}, {2000, std::nullopt}}))));
    CHECK(is_nan(rate(vertex_history(kIn, {{0, kNaN}, {1000, 7.0}}))));
}

TEST_CASE("window rate can be negative for a shrinking backlog", "[window][rate]") {
    const auto h = vertex_history(ScalingMetric::LAG, {{3000, 3600.0}, {5000, 400.0}});
    CHECK(rate(h, ScalingMetric::LAG) == -1600.0);
}

TEST_CASE("window rate divides 1000 times the difference by whole milliseconds", "[window][rate]") {
    CHECK(rate(vertex_history(kIn, {{10, 0.0}, {11, 1.0}})) == 1000.0);
    CHECK(rate(vertex_history(kIn, {{0, 0.0}, {3, 1.0}})) == 1000.0 / 3.0);
    CHECK(rate(vertex_history(kIn, {{0, 1000000.0}, {60000, 1120000.0}})) == 2000.0);
    // (1000 x 49) / 3 = 16333.333333333334 but 1000 x (49 / 3) = 16333.333333333332: the spec fixes
    // the first order of evaluation.
    CHECK(rate(vertex_history(kIn, {{0, 1.0}, {3, 50.0}})) == 16333.333333333334);
}

TEST_CASE("window rate of a job-global metric reads the global map", "[window][rate]") {
    const auto h = global_history(ScalingMetric::HEAP_MEMORY_USED, {{0, 100.0}, {2000, 300.0}});
    CHECK(window_rate(h, MetricSource::global(), ScalingMetric::HEAP_MEMORY_USED) == 100.0);
    CHECK(is_nan(window_rate(h, MetricSource::of(kVertex), ScalingMetric::HEAP_MEMORY_USED)));
}

TEST_CASE("window average is the mean of the finite values, skipping NaN and absent ones", "[window][avg]") {
    const auto h = vertex_history(kLoad, {{0, 1.0}, {1, kNaN}, {2, 2.0}, {3, std::nullopt}, {4, 6.0}});
    CHECK(average(h) == 3.0);
}

TEST_CASE("window average skips infinite values when finite ones exist", "[window][avg]") {
    const auto h = vertex_history(kLoad, {{0, kInf}, {1, 2.0}, {2, -kInf}, {3, 4.0}});
    CHECK(average(h) == 3.0);
}

TEST_CASE("window average is +Inf when only infinite values were seen, whatever the minimum", "[window][avg]") {
    CHECK(average(vertex_history(kLoad, {{0, kInf}, {1, kNaN}, {2, kInf}})) == kInf);
    CHECK(average(vertex_history(kLoad, {{0, kInf}}), 3) == kInf);
    CHECK(average(vertex_history(kLoad, {{0, -kInf}})) == kInf);
}

TEST_CASE("window average is NaN without values or with fewer finite values than the minimum", "[window][avg]") {
    CHECK(is_nan(average(MetricHistory{})));
    CHECK(is_nan(average(vertex_history(kLoad, {{0, kNaN}, {1, std::nullopt}}))));
    const auto two = vertex_history(kLoad, {{0, 2.0}, {1, 4.0}});
    CHECK(average(two, 2) == 3.0);
    CHECK(is_nan(average(two, 3)));
    // An infinite value does not count as an observation.
    CHECK(is_nan(average(vertex_history(kLoad, {{0, kInf}, {1, 2.0}}), 2)));
    // min_observations defaults to 1
    CHECK(window_average(vertex_history(kLoad, {{0, 5.0}}), MetricSource::of(kVertex), kLoad) == 5.0);
}

TEST_CASE("window average sums the values in time order", "[window][avg]") {
    // In time order 1e16 + 1 + 1 - 1e16 == 0 in doubles; any other order (or a compensated sum) gives 2.
    const auto h = vertex_history(kLoad, {{3, -1e16}, {0, 1e16}, {1, 1.0}, {2, 1.0}});
    CHECK(average(h) == 0.0);
}

TEST_CASE("window average of a job-global gauge reads the global map", "[window][avg]") {
    const auto h = global_history(ScalingMetric::HEAP_MAX_USAGE_RATIO, {{0, 0.5}, {1, std::nullopt}, {2, 0.7}});
    CHECK(window_average(h, MetricSource::global(), ScalingMetric::HEAP_MAX_USAGE_RATIO) == (0.5 + 0.7) / 2);
}

TEST_CASE("avgOrRate returns the gauge mean when it is finite", "[window][avgOrRate]") {
    auto h = vertex_history(kGauge, {{0, 1980.0}, {60000, 2020.0}});
    h[instant_from_epoch_ms(0)].vertex_metrics[kVertex][kIn] = 0.0;
    h[instant_from_epoch_ms(60000)].vertex_metrics[kVertex][kIn] = 60.0;
    CHECK(window_average_or_rate(h, MetricSource::of(kVertex), kGauge, kIn) == 2000.0);
}

TEST_CASE("avgOrRate falls back to the counter rate when the gauge is missing, NaN or infinite",
          "[window][avgOrRate]") {
    const auto gauge_value = GENERATE(std::optional<double>{}, std::optional<double>{kNaN}, std::optional<double>{kInf});
    auto h = vertex_history(kGauge, {{0, gauge_value}, {2000, gauge_value}});
    h[instant_from_epoch_ms(0)].vertex_metrics[kVertex][kIn] = 100.0;
    h[instant_from_epoch_ms(2000)].vertex_metrics[kVertex][kIn] = 500.0;
    CHECK(window_average_or_rate(h, MetricSource::of(kVertex), kGauge, kIn) == 200.0);
}

TEST_CASE("latest value reads the newest sample only", "[window][latest]") {
    const auto h = vertex_history(ScalingMetric::LAG, {{2000, 48000.0}, {1000, 30000.0}});
    CHECK(latest_value(h, MetricSource::of(kVertex), ScalingMetric::LAG) == 48000.0);
    // Absent in the newest sample: NaN, even though an older sample has a value.
    const auto gap = vertex_history(ScalingMetric::LAG, {{1000, 30000.0}, {2000, std::nullopt}});
    CHECK(is_nan(latest_value(gap, MetricSource::of(kVertex), ScalingMetric::LAG)));
    CHECK(is_nan(latest_value(MetricHistory{}, MetricSource::of(kVertex), ScalingMetric::LAG)));
    const auto g = global_history(ScalingMetric::GC_PRESSURE, {{0, 0.2}, {1, 0.3}});
    CHECK(latest_value(g, MetricSource::global(), ScalingMetric::GC_PRESSURE) == 0.3);
}
