// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/topology.hpp"

#include "core/enum_names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace flinkscaler {

namespace {

constexpr detail::EnumNames<ShipStrategy, 9> kShipStrategyNames{{
    {ShipStrategy::HASH, "HASH"},
    {ShipStrategy::REBALANCE, "REBALANCE"},
    {ShipStrategy::RESCALE, "RESCALE"},
    {ShipStrategy::FORWARD, "FORWARD"},
    {ShipStrategy::CUSTOM, "CUSTOM"},
    {ShipStrategy::BROADCAST, "BROADCAST"},
    {ShipStrategy::GLOBAL, "GLOBAL"},
    {ShipStrategy::SHUFFLE, "SHUFFLE"},
    {ShipStrategy::UNKNOWN, "UNKNOWN"},
}};

bool equals_ignore_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
           });
}

}  // namespace

ShipStrategy ship_strategy_from_string(std::string_view text) {
    return detail::value_of(kShipStrategyNames, text, equals_ignore_case).value_or(ShipStrategy::UNKNOWN);
}

std::string_view to_string(ShipStrategy s) { return detail::name_of(kShipStrategyNames, s); }

JobTopology::JobTopology(std::vector<VertexInfo> vertices) {
    for (auto& v : vertices) {
        if (v.parallelism < 1)
            throw TopologyError("vertex " + v.id + ": parallelism " + std::to_string(v.parallelism) + " is below 1");
        if (v.max_parallelism < 1)
            throw TopologyError("vertex " + v.id + ": max parallelism " + std::to_string(v.max_parallelism) +
                                " is below 1");
        if (v.num_source_partitions < 0)
            throw TopologyError("vertex " + v.id + ": negative number of source partitions");
        const VertexId id = v.id;
        if (!vertices_.emplace(id, std::move(v)).second) throw TopologyError("duplicate vertex id " + id);
        outputs_[id];
    }
    for (const auto& [id, v] : vertices_) {
        for (const auto& [input, strategy] : v.inputs) {
            if (!vertices_.count(input))
                throw TopologyError("vertex " + id + " names unknown input vertex " + input);
            outputs_[input].insert(id);
        }
    }
    // Kahn's algorithm in waves, as the reference does; a vertex left over lies on a cycle.
    std::map<VertexId, std::size_t> remaining_inputs;
    for (const auto& [id, v] : vertices_) remaining_inputs[id] = v.inputs.size();
    std::vector<VertexId> wave;
    for (const auto& [id, n] : remaining_inputs)
        if (n == 0) wave.push_back(id);
    while (!wave.empty()) {
        std::vector<VertexId> next;
        for (const auto& id : wave) {
            order_.push_back(id);
            for (const auto& consumer : outputs_[id])
                if (--remaining_inputs[consumer] == 0) next.push_back(consumer);
        }
        wave = std::move(next);
    }
    if (order_.size() != vertices_.size()) {
        for (const auto& [id, n] : remaining_inputs)
            if (n > 0) throw TopologyError("the job graph has a cycle through vertex " + id);
    }
}

const VertexInfo& JobTopology::get(const VertexId& id) const {
    const VertexInfo* v = find(id);
    if (v == nullptr) throw std::out_of_range("unknown vertex " + id);
    return *v;
}

const VertexInfo* JobTopology::find(const VertexId& id) const {
    auto it = vertices_.find(id);
    return it == vertices_.end() ? nullptr : &it->second;
}

const std::set<VertexId>& JobTopology::outputs(const VertexId& id) const {
    auto it = outputs_.find(id);
    if (it == outputs_.end()) throw std::out_of_range("unknown vertex " + id);
    return it->second;
}

std::map<std::string, std::set<VertexId>> JobTopology::slot_sharing_groups() const {
    std::map<std::string, std::set<VertexId>> groups;
    for (const auto& [id, v] : vertices_)
        if (v.slot_sharing_group) groups[*v.slot_sharing_group].insert(id);
    return groups;
}

std::vector<ShipStrategy> JobTopology::input_ship_strategies(const VertexId& id) const {
    std::vector<ShipStrategy> strategies;
    for (const auto& [input, strategy] : get(id).inputs) strategies.push_back(strategy);
    return strategies;
}

std::set<VertexId> JobTopology::finished_vertices() const {
    std::set<VertexId> finished;
    for (const auto& [id, v] : vertices_)
        if (v.finished) finished.insert(id);
    return finished;
}

std::set<VertexId> JobTopology::vertex_ids() const {
    std::set<VertexId> ids;
    for (const auto& [id, v] : vertices_) ids.insert(id);
    return ids;
}

}  // namespace flinkscaler
