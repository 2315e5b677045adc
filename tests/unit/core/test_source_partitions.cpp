// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/source_partitions.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using flinkscaler::count_source_partitions;

namespace {

using Names = std::vector<std::string>;

// Metric names as Flink lists them for a subtask of a Kafka source vertex.
std::string kafka(int subtask, const std::string& topic, int partition, const std::string& metric = "currentOffset") {
    return std::to_string(subtask) + ".Source__Kafka_Source_(testTopic).KafkaSourceReader.topic." + topic +
           ".partition." + std::to_string(partition) + "." + metric;
}

std::string kafka_cluster(int subtask, const std::string& cluster, const std::string& topic, int partition) {
    return std::to_string(subtask) + ".Source__Kafka_Source_(testTopic).kafkaCluster." + cluster +
           ".KafkaSourceReader.topic." + topic + ".partition." + std::to_string(partition) + ".currentOffset";
}

std::string pulsar(int subtask, const std::string& topic, int partition, const std::string& consumer,
                   const std::string& metric = "numMsgsReceived") {
    return std::to_string(subtask) + ".Source__pulsar_source[1].PulsarConsumer.persistent_//public/default/" + topic +
           "-partition-" + std::to_string(partition) + "." + consumer + "." + metric;
}

// The other metrics a source vertex exposes next to the partition ones.
const Names kOtherSourceMetrics = {
    "0.busyTimeMsPerSecond",
    "0.backPressuredTimeMsPerSecond",
    "0.Source__Kafka_Source_(testTopic).numRecordsIn",
    "0.Source__Kafka_Source_(testTopic).numRecordsInPerSecond",
    "0.Source__Kafka_Source_(testTopic).pendingRecords",
    "0.Source__Kafka_Source_(testTopic).KafkaSourceReader.topic.testTopic.partition.0.committedOffset",
};

Names with_other_metrics(Names names) {
    names.insert(names.end(), kOtherSourceMetrics.begin(), kOtherSourceMetrics.end());
    return names;
}

}  // namespace

TEST_CASE("§2.6 vector: Kafka testTopic partitions 0-3 plus anotherTopic 0 count 5", "[source_partitions]") {
    const Names names = with_other_metrics({
        kafka(0, "testTopic", 0),
        kafka(0, "testTopic", 1),
        kafka(1, "testTopic", 2),
        kafka(1, "testTopic", 3),
        kafka(1, "anotherTopic", 0),
        kafka(1, "testTopic", 0),  // the same partition seen by another subtask counts once
    });
    CHECK(count_source_partitions(names) == 5);
}

TEST_CASE("§2.6 vector: Kafka partitions behind kafkaCluster segments are told apart by cluster, count 6",
          "[source_partitions]") {
    const Names names = with_other_metrics({
        kafka_cluster(0, "my-cluster-1", "testTopic", 0),
        kafka_cluster(0, "my-cluster-1", "anotherTopic", 0),
        kafka_cluster(0, "my-cluster-2", "testTopic", 0),
        kafka_cluster(0, "my-cluster-2", "testTopic", 1),
        kafka_cluster(1, "my-cluster-2", "testTopic", 2),
        kafka_cluster(1, "my-cluster-2", "testTopic", 3),
        kafka_cluster(1, "my-cluster-2", "testTopic", 3),
    });
    CHECK(count_source_partitions(names) == 6);
}

TEST_CASE("§2.6 vector: Pulsar testTopic partitions 1,1,2,3,4 plus otherTopic 2 count 5", "[source_partitions]") {
    const Names names = {
        pulsar(0, "testTopic", 1, "d842f"),
        pulsar(0, "testTopic", 1, "660d2"),  // other consumer hash, same partition
        pulsar(0, "testTopic", 2, "a1b2c"),
        pulsar(1, "testTopic", 3, "d842f"),
        pulsar(1, "testTopic", 4, "d842f"),
        pulsar(1, "otherTopic", 2, "m953d"),
        "0.Source__pulsar_source[1].numRecordsIn",
    };
    CHECK(count_source_partitions(names) == 5);
}

TEST_CASE("a partition with and without a kafkaCluster segment are distinct keys", "[source_partitions]") {
    // keys "null-testTopic-0" and "my-cluster-1-testTopic-0"
    CHECK(count_source_partitions({kafka(0, "testTopic", 0), kafka_cluster(0, "my-cluster-1", "testTopic", 0)}) == 2);
}

TEST_CASE("names that only resemble partition metrics are not counted", "[source_partitions]") {
    CHECK(count_source_partitions({}) == 0);
    CHECK(count_source_partitions(kOtherSourceMetrics) == 0);
    CHECK(count_source_partitions({
              kafka(0, "testTopic", 0, "anotherMetric"),
              kafka(0, "testTopic", 0, "currentOffset.extra"),
              "x.KafkaSourceReader.topic.testTopic.partition.abc.currentOffset",
              "x.KafkaSourceReader.topic.testTopic.partition..currentOffset",
              "topic.testTopic.partition",
              pulsar(0, "testTopic", 1, "d842f", "someOtherMetric"),
              "0.PulsarConsumer.testTopic-partition-abc.numMsgsReceived",
              "0.PulsarConsumer.testTopic.numMsgsReceived",
          }) == 0);
}

TEST_CASE("Kafka and Pulsar partitions of one source are counted together", "[source_partitions]") {
    CHECK(count_source_partitions({kafka(0, "testTopic", 0), kafka(0, "testTopic", 1), pulsar(0, "testTopic", 0, "h"),
                                   pulsar(0, "testTopic", 1, "h")}) == 4);
}
