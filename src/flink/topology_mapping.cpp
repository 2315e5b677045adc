// SPDX-License-Identifier: Apache-2.0
//
// Domain translation, not response parsing: the REST view of a job (plan nodes with ship
// strategies as Flink writes them, plus the `vertices` list) becomes the core's JobTopology.
// The parsers in responses.cpp only build the DTOs.
#include "flink/responses.hpp"

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace flinkscaler::flink {

JobTopology JobDetails::topology(const std::map<VertexId, int>& source_partitions) const {
    std::map<VertexId, const VertexDetails*> by_id;
    for (std::size_t i = 0; i < vertices.size(); ++i)
        if (!by_id.emplace(vertices[i].id, &vertices[i]).second)
            throw ResponseError("$.vertices[" + std::to_string(i) + "]: vertex " + vertices[i].id + " is listed twice");
    std::set<VertexId> planned;
    std::vector<VertexInfo> infos;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const PlanNode& node = plan[i];
        auto it = by_id.find(node.id);
        if (it == by_id.end())
            throw ResponseError("$.plan.nodes[" + std::to_string(i) + "]: vertex " + node.id +
                                " has no entry in $.vertices");
        planned.insert(node.id);
        const VertexDetails& vertex = *it->second;
        VertexInfo info;
        info.id = node.id;
        for (const auto& [input, strategy] : node.inputs)
            info.inputs.emplace(input, ship_strategy_from_string(strategy));
        info.parallelism = vertex.parallelism;
        info.max_parallelism = vertex.max_parallelism;
        info.finished = vertex.status == "FINISHED";
        info.slot_sharing_group = vertex.slot_sharing_group;
        info.name = vertex.name;
        if (auto partitions = source_partitions.find(node.id); partitions != source_partitions.end())
            info.num_source_partitions = partitions->second;
        infos.push_back(std::move(info));
    }
    for (std::size_t i = 0; i < vertices.size(); ++i)
        if (!planned.count(vertices[i].id))
            throw ResponseError("$.vertices[" + std::to_string(i) + "]: vertex " + vertices[i].id + " (" +
                                vertices[i].name + ") is not in $.plan.nodes");
    return JobTopology(std::move(infos));
}

}  // namespace flinkscaler::flink
