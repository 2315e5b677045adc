// SPDX-License-Identifier: Apache-2.0
//
// The synthetic job the benchmarks share: a linear pipeline source -> v1 -> ... with 32-hex ids
// like Flink's, parallelism 4, and steady raw metrics (every vertex about 60 % busy) with a
// little deterministic variation per sample so that nothing compresses or caches unrealistically.
#pragma once

#include "flinkscaler/sample.hpp"
#include "flinkscaler/topology.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace flinkscaler::bench {

inline std::vector<VertexInfo> linear_pipeline(int vertices) {
    std::vector<VertexInfo> out;
    for (int i = 0; i < vertices; ++i) {
        VertexInfo v;
        char id[33];
        std::snprintf(id, sizeof id, "%032x", 0x5eed0000 + i);
        v.id = id;
        v.name = i == 0 ? "Source: Kafka events" : "Operator " + std::to_string(i);
        v.parallelism = 4;
        v.max_parallelism = 128;
        if (i > 0) v.inputs[out.back().id] = i % 3 == 0 ? ShipStrategy::HASH : ShipStrategy::REBALANCE;
        else v.num_source_partitions = 16;
        out.push_back(v);
    }
    return out;
}

/// The raw metrics of sample number `t`, taken `seconds` after the job started.
inline RawJobMetrics steady_sample(const JobTopology& topology, int t, double seconds) {
    RawJobMetrics raw;
    const double rate = 1000.0 + (t % 7);
    for (const auto& id : topology.topological_order()) {
        RawVertexMetrics v;
        v.metrics[FlinkMetric::BUSY_TIME_PER_SEC] = {550.0 + t % 13, 600.25, 580.5, 2320.75};
        v.io.num_records_in = topology.is_source(id) ? 0 : rate * seconds;
        v.io.num_records_out = rate * seconds;
        if (topology.is_source(id)) {
            v.metrics[FlinkMetric::BACKPRESSURE_TIME_PER_SEC] = {0, 0, 0, 0};
            v.metrics[FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN_PER_SEC] = {250, 250, 250, rate};
            v.metrics[FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN] = {0, 0, 0, rate * seconds};
            v.metrics[FlinkMetric::PENDING_RECORDS] = {10, 10, 10, 40.0 + t % 5};
        } else {
            v.metrics[FlinkMetric::NUM_RECORDS_IN_PER_SEC] = {250, 250, 250, rate};
        }
        raw.vertices[id] = v;
    }
    raw.global.heap_max = AggregatedMetric{1e9, 1e9, 1e9, 2e9};
    raw.global.heap_used = AggregatedMetric{4e8, 5e8, 4.5e8, 9e8};
    raw.global.task_slots_total = 32;
    raw.global.task_slots_available = 8;
    return raw;
}

}  // namespace flinkscaler::bench
