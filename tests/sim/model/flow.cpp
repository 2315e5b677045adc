// SPDX-License-Identifier: Apache-2.0
#include "sim/model/flow.hpp"

#include <algorithm>
#include <stdexcept>

namespace flinkscaler::sim {

FlowGraph::FlowGraph(std::vector<FlowVertex> vertices) : vertices_(std::move(vertices)) {
    const std::size_t n = vertices_.size();
    std::vector<std::size_t> pending(n, 0);
    std::vector<std::vector<std::size_t>> consumers(n);
    for (std::size_t v = 0; v < n; ++v) {
        for (const auto& [from, broadcast] : vertices_[v].inputs) {
            if (from >= n || from == v) throw std::invalid_argument("input edge refers to a bad vertex");
            consumers[from].push_back(v);
            ++pending[v];
        }
        if (vertices_[v].inputs.empty()) sources_.push_back(v);
    }
    // Kahn's algorithm; a leftover vertex means a cycle.
    std::vector<std::size_t> ready(sources_);
    while (!ready.empty()) {
        const std::size_t v = ready.back();
        ready.pop_back();
        order_.push_back(v);
        for (const std::size_t c : consumers[v])
            if (--pending[c] == 0) ready.push_back(c);
    }
    if (order_.size() != n) throw std::invalid_argument("the job graph has a cycle");

    const std::size_t s_count = sources_.size();
    nb_.assign(n * s_count, 0.0);
    b_.assign(n * s_count, 0.0);
    for (std::size_t s = 0; s < s_count; ++s) nb_[sources_[s] * s_count + s] = 1.0;
    for (const std::size_t v : order_) {
        const auto& vx = vertices_[v];
        for (const auto& [from, broadcast] : vx.inputs) {
            const auto& up = vertices_[from];
            for (std::size_t s = 0; s < s_count; ++s) {
                const double received = nb_[from * s_count + s] + b_[from * s_count + s] * up.parallelism;
                const double out = received * up.output_ratio;
                (broadcast ? b_ : nb_)[v * s_count + s] += out;
            }
        }
    }
    max_weight_.resize(n);
    for (std::size_t v = 0; v < n; ++v) {
        const auto& w = vertices_[v].weights;
        max_weight_[v] = w.empty() ? 1.0 : *std::max_element(w.begin(), w.end());
    }
    reach_.assign(n * n, 0);
    // Reverse topological order: a vertex reaches its consumers and whatever they reach.
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
        const std::size_t u = *it;
        for (const std::size_t c : consumers[u]) {
            reach_[u * n + c] = 1;
            for (std::size_t w = 0; w < n; ++w)
                if (reach_[c * n + w]) reach_[u * n + w] = 1;
        }
    }
}

double FlowResult::utilisation(const FlowGraph& g, std::size_t v, std::size_t i) const {
    const auto& vx = g.vertices()[v];
    const double w = i < vx.weights.size() ? vx.weights[i] : 0.0;
    const double load = w * nb_in[v] + b_in[v];
    return std::clamp(load / vx.capacity, 0.0, 1.0);
}

void solve_flow(const FlowGraph& graph, const std::vector<double>& demand, FlowResult& r) {
    const std::size_t n = graph.vertices().size();
    const std::size_t s_count = graph.sources().size();
    r.source_rate.assign(demand.begin(), demand.end());
    r.source_rate.resize(s_count, 0.0);
    r.nb_in.assign(n, 0.0);
    r.b_in.assign(n, 0.0);
    r.throttling.assign(n, 0);
    r.backpressured.assign(n, 0);

    const auto inputs_of = [&](std::size_t v, double& nb, double& b) {
        nb = 0;
        b = 0;
        for (std::size_t s = 0; s < s_count; ++s) {
            nb += graph.nb_coefficient(v, s) * r.source_rate[s];
            b += graph.b_coefficient(v, s) * r.source_rate[s];
        }
    };
    for (const std::size_t v : graph.order()) {
        double nb = 0, b = 0;
        inputs_of(v, nb, b);
        const double peak = graph.max_weight(v) * nb + b;  // busiest subtask, records/s
        const double capacity = graph.vertices()[v].capacity;
        if (peak > capacity * (1 + 1e-12)) {
            const double factor = capacity / peak;
            for (std::size_t s = 0; s < s_count; ++s)
                if (graph.nb_coefficient(v, s) > 0 || graph.b_coefficient(v, s) > 0) r.source_rate[s] *= factor;
            r.throttling[v] = 1;
        }
    }
    for (std::size_t v = 0; v < n; ++v) inputs_of(v, r.nb_in[v], r.b_in[v]);
    for (std::size_t w = 0; w < n; ++w) {
        if (!r.throttling[w]) continue;
        for (std::size_t u = 0; u < n; ++u)
            if (graph.is_upstream(u, w)) r.backpressured[u] = 1;
    }
}

}  // namespace flinkscaler::sim
