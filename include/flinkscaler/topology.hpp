// SPDX-License-Identifier: Apache-2.0
//
// The job graph the algorithm works on (algorithm.md §2.2): vertices with their parallelism,
// key-group count and source partitions, and the edges between them with their ship strategy.
#pragma once

#include "flinkscaler/metrics.hpp"

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler {

enum class ShipStrategy { HASH, REBALANCE, RESCALE, FORWARD, CUSTOM, BROADCAST, GLOBAL, SHUFFLE, UNKNOWN };

/// Case-insensitive match of Flink's `ship_strategy` text; anything unrecognised is UNKNOWN.
ShipStrategy ship_strategy_from_string(std::string_view text);
std::string_view to_string(ShipStrategy s);

/// Raised for a graph the algorithm cannot work on (unknown input vertex, cycle, duplicate id,
/// parallelism < 1). The message names the vertex.
struct TopologyError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

struct VertexInfo {
    VertexId id;
    /// Upstream vertex -> ship strategy of the edge into this vertex. Empty for sources.
    std::map<VertexId, ShipStrategy> inputs;
    int parallelism = 1;
    /// Number of key groups (Flink's max parallelism).
    int max_parallelism = 128;
    /// Kafka/Pulsar partitions read by a source (§2.6); 0 when unknown or not a source.
    int num_source_partitions = 0;
    /// A FINISHED vertex is never queried nor rescaled (§2.7).
    bool finished = false;
    std::optional<std::string> slot_sharing_group;
    /// Human-readable operator name (reports only).
    std::string name;
};

/// An immutable, validated job graph with derived outputs and a topological order.
class JobTopology {
public:
    JobTopology() = default;
    /// Validates the vertices (ids unique, inputs known, acyclic, parallelism >= 1,
    /// max parallelism >= 1); throws TopologyError otherwise.
    explicit JobTopology(std::vector<VertexInfo> vertices);

    const VertexInfo& get(const VertexId& id) const;  ///< throws std::out_of_range
    const VertexInfo* find(const VertexId& id) const;
    bool contains(const VertexId& id) const { return find(id) != nullptr; }
    bool is_source(const VertexId& id) const { return get(id).inputs.empty(); }
    const std::set<VertexId>& outputs(const VertexId& id) const;
    /// Sources first; every vertex after all of its inputs.
    const std::vector<VertexId>& topological_order() const { return order_; }
    std::size_t size() const { return vertices_.size(); }
    const std::map<VertexId, VertexInfo>& vertices() const { return vertices_; }
    /// Slot sharing group -> vertices, for vertices that report a group.
    std::map<std::string, std::set<VertexId>> slot_sharing_groups() const;
    std::vector<ShipStrategy> input_ship_strategies(const VertexId& id) const;
    std::set<VertexId> finished_vertices() const;
    /// The vertex ids as a set: a change of this set resets name caches and trims histories.
    std::set<VertexId> vertex_ids() const;

private:
    std::map<VertexId, VertexInfo> vertices_;
    std::map<VertexId, std::set<VertexId>> outputs_;
    std::vector<VertexId> order_;
};

}  // namespace flinkscaler
