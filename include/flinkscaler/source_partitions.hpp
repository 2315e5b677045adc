// SPDX-License-Identifier: Apache-2.0
//
// Kafka / Pulsar partition counting from a source vertex's metric names (algorithm.md §2.6).
#pragma once

#include <string>
#include <vector>

namespace flinkscaler {

/// The number of distinct partitions named by Kafka `...KafkaSourceReader.topic.<t>.partition.<n>.currentOffset`
/// or Pulsar `...PulsarConsumer.<t>-partition-<n>....numMsgsReceived` metrics; 0 when none.
int count_source_partitions(const std::vector<std::string>& metric_names);

}  // namespace flinkscaler
