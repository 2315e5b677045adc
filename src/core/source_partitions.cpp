// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/source_partitions.hpp"

#include <regex>
#include <set>

namespace flinkscaler {

int count_source_partitions(const std::vector<std::string>& metric_names) {
    // The reference's patterns, kept as they are: the lazy prefix makes an optional
    // kafkaCluster segment part of the key.
    static const std::regex kafka(
        R"(^.*?(\.kafkaCluster\.(.+))?\.KafkaSourceReader\.topic\.(.+)\.partition\.(\d+)\.currentOffset$)");
    static const std::regex pulsar(R"(^.*\.PulsarConsumer\.(.+)-partition-(\d+)\..*\.numMsgsReceived$)");
    std::set<std::string> partitions;
    std::smatch m;
    for (const auto& name : metric_names) {
        if (std::regex_match(name, m, kafka)) {
            const std::string cluster = m[2].matched ? m[2].str() : "null";
            partitions.insert(cluster + "-" + m[3].str() + "-" + m[4].str());
        } else if (std::regex_match(name, m, pulsar)) {
            partitions.insert(m[1].str() + "-" + m[2].str());
        }
    }
    return static_cast<int>(partitions.size());
}

}  // namespace flinkscaler
