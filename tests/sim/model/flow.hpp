// SPDX-License-Identifier: Apache-2.0
//
// The steady-state throughput of one job DAG for one model step: how many records per second
// each source can read and each vertex receives when every subtask processes at most its
// capacity and a saturated vertex backpressures everything upstream of it.
//
// Flows are linear in the source read rates (every vertex multiplies by its output ratio), so
// the graph is reduced once to per-source coefficients, and one pass in topological order
// finds the throttled rates: when a vertex's busiest subtask would exceed its capacity, all
// sources feeding it are slowed by the same factor (backpressure reaches the source and slows
// all of its outputs). Vertices later in the order only ever see less input, so one pass is
// enough.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace flinkscaler::sim {

struct FlowVertex {
    double capacity = 1.0;      ///< records/s per subtask at 100 % busy
    double output_ratio = 1.0;
    int parallelism = 1;
    std::vector<double> weights;  ///< share of the non-broadcast input per subtask, sums to 1
    std::vector<std::pair<std::size_t, bool>> inputs;  ///< (producer, is BROADCAST)
    bool has_outputs = false;
};

class FlowGraph {
public:
    /// `vertices` must form a DAG; throws std::invalid_argument on a cycle or a bad index.
    explicit FlowGraph(std::vector<FlowVertex> vertices);
    FlowGraph() = default;

    const std::vector<FlowVertex>& vertices() const { return vertices_; }
    const std::vector<std::size_t>& order() const { return order_; }    ///< topological
    const std::vector<std::size_t>& sources() const { return sources_; }  ///< vertex indices
    bool is_upstream(std::size_t u, std::size_t v) const { return reach_[u * vertices_.size() + v] != 0; }

    /// Non-broadcast (nb) and broadcast (b) input rate of vertex v per unit read rate of the
    /// source with index s in sources().
    double nb_coefficient(std::size_t v, std::size_t s) const { return nb_[v * sources_.size() + s]; }
    double b_coefficient(std::size_t v, std::size_t s) const { return b_[v * sources_.size() + s]; }
    double max_weight(std::size_t v) const { return max_weight_[v]; }

private:
    std::vector<FlowVertex> vertices_;
    std::vector<std::size_t> order_;
    std::vector<std::size_t> sources_;
    std::vector<double> nb_, b_;
    std::vector<double> max_weight_;
    std::vector<char> reach_;  ///< reach_[u*V+v]: v is strictly downstream of u
};

/// Result of one solve, kept by the caller and reused between steps to avoid allocation.
struct FlowResult {
    std::vector<double> source_rate;  ///< per source index: records/s read from outside
    std::vector<double> nb_in;        ///< per vertex: non-broadcast input, records/s
    std::vector<double> b_in;         ///< per vertex: broadcast input (each subtask gets all)
    std::vector<char> throttling;     ///< per vertex: saturated and limiting its sources
    std::vector<char> backpressured;  ///< per vertex: some throttling vertex is downstream

    /// Records/s vertex v processes in total (a broadcast record counts once per subtask).
    double received(const FlowGraph& g, std::size_t v) const {
        return nb_in[v] + b_in[v] * g.vertices()[v].parallelism;
    }
    /// Utilisation (0..1) of subtask i of vertex v.
    double utilisation(const FlowGraph& g, std::size_t v, std::size_t i) const;
};

/// `demand[s]`: the rate source s would read if nothing downstream limited it (arrival rate
/// plus what it can drain from its backlog within the step).
void solve_flow(const FlowGraph& graph, const std::vector<double>& demand, FlowResult& result);

}  // namespace flinkscaler::sim
