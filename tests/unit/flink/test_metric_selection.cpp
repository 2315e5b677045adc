// SPDX-License-Identifier: Apache-2.0
#include "flink/metric_selection.hpp"

#include <catch2/catch.hpp>

using namespace flinkscaler;
using namespace flinkscaler::flink;

namespace {

const std::vector<std::string> kSourceNames{
    "busyTimeMsPerSecond",
    "backPressuredTimeMsPerSecond",
    "idleTimeMsPerSecond",
    "numRecordsInPerSecond",
    "Source__orders.numRecordsIn",
    "Source__orders.numRecordsInPerSecond",
    "Source__orders.numRecordsOut",
    "Source__orders.numRecordsOutPerSecond",
    "Source__orders.pendingRecords",
    "Source__payments.pendingRecords",
    "Source__orders.KafkaSourceReader.topic.orders.partition.0.currentOffset",
    "Filter.numRecordsOutPerSecond",
};

FlinkMetric metric_of(const VertexMetricSelection& s, const std::string& name) {
    for (const auto& [n, m] : s.names)
        if (n == name) return m;
    FAIL("name not selected: " << name);
    return FlinkMetric::BUSY_TIME_PER_SEC;
}

}  // namespace

TEST_CASE("a source selects busy, backpressure, source records in/out, rates and every pendingRecords name",
          "[flink][selection]") {
    const auto s = select_vertex_metrics(kSourceNames, true);
    CHECK(s.missing_required.empty());
    CHECK_FALSE(s.source_without_backlog);
    CHECK(s.names.size() == 7);
    CHECK(metric_of(s, "busyTimeMsPerSecond") == FlinkMetric::BUSY_TIME_PER_SEC);
    CHECK(metric_of(s, "backPressuredTimeMsPerSecond") == FlinkMetric::BACKPRESSURE_TIME_PER_SEC);
    CHECK(metric_of(s, "Source__orders.numRecordsInPerSecond") == FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC);
    CHECK(metric_of(s, "Source__orders.numRecordsIn") == FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN);
    CHECK(metric_of(s, "Source__orders.numRecordsOut") == FlinkMetric::SOURCE_TASK_NUM_RECORDS_OUT);
    CHECK(metric_of(s, "Source__orders.pendingRecords") == FlinkMetric::PENDING_RECORDS);
    CHECK(metric_of(s, "Source__payments.pendingRecords") == FlinkMetric::PENDING_RECORDS);
}

TEST_CASE("a source without a required metric reports it missing; without pendingRecords it only warns",
          "[flink][selection]") {
    const auto s = select_vertex_metrics({"busyTimeMsPerSecond", "Source__x.numRecordsIn"}, true);
    CHECK(s.missing_required ==
          std::vector<FlinkMetric>{FlinkMetric::BACKPRESSURE_TIME_PER_SEC, FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC});
    CHECK(s.source_without_backlog);
}

TEST_CASE("a renamed source operator (no Source__ prefix) cannot provide the source metrics", "[flink][selection]") {
    const auto s = select_vertex_metrics(
        {"busyTimeMsPerSecond", "backPressuredTimeMsPerSecond", "orders.numRecordsIn", "orders.numRecordsInPerSecond"},
        true);
    CHECK(s.missing_required.size() == 2);
}

TEST_CASE("a non-source selects busy time (required) and the task-level numRecordsInPerSecond (exact name)",
          "[flink][selection]") {
    const auto s = select_vertex_metrics(
        {"busyTimeMsPerSecond", "Map.numRecordsInPerSecond", "numRecordsInPerSecond", "x.pendingRecords"}, false);
    CHECK(s.missing_required.empty());
    REQUIRE(s.names.size() == 2);
    CHECK(metric_of(s, "numRecordsInPerSecond") == FlinkMetric::NUM_RECORDS_IN_PER_SEC);
    CHECK(select_vertex_metrics({"Map.busyTimeMsPerSecond"}, false).missing_required ==
          std::vector<FlinkMetric>{FlinkMetric::BUSY_TIME_PER_SEC});
}

TEST_CASE("several names of one logical metric are merged: min of mins, max of maxes, sum of sums, avg unknown",
          "[flink][selection]") {
    const auto s = select_vertex_metrics(kSourceNames, true);
    std::map<std::string, AggregatedMetric> answer{
        {"Source__orders.pendingRecords", {10, 60, 35, 100}},
        {"Source__payments.pendingRecords", {5, 50, 25, 100}},
        {"busyTimeMsPerSecond", {100, 700, 400, 1600}},
    };
    const auto logical = to_logical_metrics(s, answer);
    const auto& pending = logical.at(FlinkMetric::PENDING_RECORDS);
    CHECK(pending.sum == 200);
    CHECK(pending.min == 5);
    CHECK(pending.max == 60);
    CHECK(pending.avg != pending.avg);
    CHECK(logical.at(FlinkMetric::BUSY_TIME_PER_SEC).max == 700);
    CHECK_FALSE(logical.count(FlinkMetric::BACKPRESSURE_TIME_PER_SEC));
}

TEST_CASE("metric names are percent-encoded one by one and joined with literal commas", "[flink][selection]") {
    CHECK(percent_encode("Source__orders.pendingRecords") == "Source__orders.pendingRecords");
    CHECK(percent_encode("Window(Tumbling)__a+b") == "Window%28Tumbling%29__a%2Bb");
    CHECK(percent_encode("x y/z?=&#%") == "x%20y%2Fz%3F%3D%26%23%25");
    CHECK(percent_encode("\xC3\xA9") == "%C3%A9");
    CHECK(get_parameters({"a(1)", "b"}) == std::vector<std::string>{"a%281%29,b"});
}

TEST_CASE("long get lists are split so that no request line exceeds the limit", "[flink][selection]") {
    std::vector<std::string> names;
    for (int i = 0; i < 100; ++i) names.push_back("Source__operator_with_a_long_name_" + std::to_string(i) + ".pendingRecords");
    const auto batches = get_parameters(names, 500);
    CHECK(batches.size() > 1);
    std::size_t total = 0;
    for (const auto& b : batches) {
        CHECK(b.size() <= 500);
        total += static_cast<std::size_t>(std::count(b.begin(), b.end(), ',')) + 1;
    }
    CHECK(total == names.size());
}

TEST_CASE("TaskManager names include the GC gauge only when asked; global metrics map by name",
          "[flink][selection]") {
    CHECK(task_manager_metric_names(false).size() == 4);
    CHECK(task_manager_metric_names(true).back() == "Status.JVM.GarbageCollector.All.TimeMsPerSecond");
    const auto g = to_global_metrics({{"Status.JVM.Memory.Heap.Max", {1, 2, 1.5, 0}},
                                      {"Status.JVM.Memory.Heap.Used", {1, 1, 1, 0}}},
                                     {{"taskSlotsTotal", 8}, {"taskSlotsAvailable", 3}});
    REQUIRE(g.heap_max);
    CHECK(g.heap_max->max == 2);
    CHECK_FALSE(g.gc_time_ms_per_second);
    CHECK(*g.task_slots_total == 8);
    CHECK(*g.task_slots_available == 3);
}
