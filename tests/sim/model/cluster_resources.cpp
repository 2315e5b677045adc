// SPDX-License-Identifier: Apache-2.0
//
// Slots and resource requirements of the cluster model: who holds how many slots, how new
// requirements fit into them, their validation, and when the scheduler acts on them.
#include "sim/model/cluster.hpp"

#include "sim/model/ids.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace flinkscaler::sim {

int Cluster::slots_used_by(const Job& job) const {
    if (!job.submitted || job.terminal() || job.status == JobStatus::Initializing || job.waiting_for_resources)
        return 0;
    return slots_needed(job);
}

int Cluster::slots_needed(const Job& job) {
    std::map<std::string_view, int> per_group;
    for (std::size_t i = 0; i < job.vertices.size(); ++i) {
        int& slots = per_group[job.spec.vertices[i].slot_sharing_group];
        slots = std::max(slots, job.vertices[i].parallelism);
    }
    int total = 0;
    for (const auto& [group, slots] : per_group) total += slots;
    return total;
}

int Cluster::slots_used() const {
    int total = 0;
    for (const auto& j : jobs_) total += slots_used_by(j);
    return total;
}

std::vector<int> Cluster::slots_used_per_taskmanager() const {
    std::vector<int> used(static_cast<std::size_t>(std::max(0, spec_.taskmanagers.count)), 0);
    int remaining = slots_used();
    for (auto& u : used) {
        u = std::min(remaining, spec_.taskmanagers.slots);
        remaining -= u;
    }
    return used;
}

std::string Cluster::taskmanager_id(int index) const {
    const std::string hash = derive_hex_id(spec_.name + "/tm/" + std::to_string(index));
    return "127.0.0.1:" + std::to_string(40123 + 2 * index) + "-" + hash.substr(0, 6);
}

std::optional<std::vector<int>> Cluster::fit_parallelism(const Job& job, int available) const {
    // Per slot-sharing group: desired = widest upper bound, minimum = widest lower bound.
    std::map<std::string, std::pair<int, int>> groups;  // name -> (minimum, desired)
    for (std::size_t i = 0; i < job.vertices.size(); ++i) {
        auto& g = groups[job.spec.vertices[i].slot_sharing_group];
        g.first = std::max(g.first, job.vertices[i].requirement.lower);
        g.second = std::max(g.second, job.vertices[i].requirement.upper);
    }
    int minimum = 0, desired = 0;
    for (const auto& [name, g] : groups) {
        minimum += g.first;
        desired += g.second;
    }
    if (minimum > available) return std::nullopt;
    std::map<std::string, int> slots;
    if (desired <= available) {
        for (const auto& [name, g] : groups) slots[name] = g.second;
    } else {
        // Not enough for everything: every group gets its minimum, the rest is dealt out one
        // slot at a time so that groups grow evenly (like the slot-sharing allocator).
        int left = available - minimum;
        for (const auto& [name, g] : groups) slots[name] = g.first;
        bool grew = true;
        while (left > 0 && grew) {
            grew = false;
            for (const auto& [name, g] : groups) {
                if (left > 0 && slots[name] < g.second) {
                    ++slots[name];
                    --left;
                    grew = true;
                }
            }
        }
    }
    std::vector<int> result;
    for (std::size_t i = 0; i < job.vertices.size(); ++i) {
        const auto& r = job.vertices[i].requirement;
        const int cap = slots[job.spec.vertices[i].slot_sharing_group];
        result.push_back(std::max(r.lower, std::min(r.upper, cap)));
    }
    return result;
}

std::optional<RequirementsProblem> Cluster::check_requirements(std::size_t index,
                                                               const std::map<std::string, Bounds>& bounds) const {
    using Kind = RequirementsProblem::Kind;
    const Job& job = jobs_.at(index);
    for (const auto& [vid, b] : bounds) {
        if (b.lower <= 0) return RequirementsProblem{Kind::NotPositive, vid, b.lower, 0};
        if (b.upper <= 0) return RequirementsProblem{Kind::NotPositive, vid, b.upper, 0};
        if (b.lower > b.upper) return RequirementsProblem{Kind::LowerAboveUpper, vid, b.lower, b.upper};
    }
    for (const auto& [vid, b] : bounds)
        if (!job.vertex_index(vid)) return RequirementsProblem{Kind::UnknownVertex, vid, 0, 0};
    for (const auto& vs : job.spec.vertices)
        if (!bounds.contains(vs.id)) return RequirementsProblem{Kind::MissingVertex, vs.id, 0, 0};
    for (const auto& [vid, b] : bounds) {
        const auto& vs = job.spec.vertices[*job.vertex_index(vid)];
        if (b.upper > vs.max_parallelism) return RequirementsProblem{Kind::AboveMaxParallelism, vid, b.upper, vs.max_parallelism};
    }
    return std::nullopt;
}

void Cluster::set_requirements(std::size_t index, const std::map<std::string, Bounds>& bounds) {
    if (!rescalable()) throw std::logic_error("the scheduler does not support changing the parallelism");
    if (check_requirements(index, bounds)) throw std::logic_error("invalid resource requirements");
    Job& job = jobs_.at(index);
    if (!job.submitted || job.terminal()) throw std::logic_error("job is not running");
    for (std::size_t i = 0; i < job.vertices.size(); ++i) job.vertices[i].requirement = bounds.at(job.spec.vertices[i].id);
    job.pending_since_s = now_;
    // A PUT while the job is being (re)created is used by the allocation that follows.
    if (job.status == JobStatus::Created && job.waiting_for_resources) try_allocate(job, now_);
}

void Cluster::set_requirements(std::size_t index, const std::map<std::string, int>& upper_bounds) {
    const Job& job = jobs_.at(index);
    std::map<std::string, Bounds> bounds;
    for (std::size_t i = 0; i < job.vertices.size(); ++i) bounds[job.spec.vertices[i].id] = job.vertices[i].requirement;
    for (const auto& [vid, upper] : upper_bounds) bounds[vid] = Bounds{1, upper};
    set_requirements(index, bounds);
}

std::optional<double> Cluster::rescale_trigger_s(std::size_t index) const {
    const Job& job = jobs_.at(index);
    if (!job.pending_since_s || !job.processing()) return std::nullopt;
    const double earliest = std::max(*job.pending_since_s, job.running_since_s + cooldown_s());
    const double interval = job.spec.checkpoint_interval_s;
    if (!spec_.version.rescale_waits_for_checkpoint() || interval <= 0) return earliest;
    // 2.x: the restart is triggered by the first checkpoint that completes after the cooldown
    // (the max-delay / failed-checkpoint escape hatches are not modelled).
    const double base = *job.tasks_running_since_s;
    const double k = std::max(1.0, std::ceil((earliest - base) / interval - 1e-9));
    return base + k * interval;
}

double Cluster::cooldown_s() const {
    return spec_.rescale.cooldown_s.value_or(spec_.version.default_cooldown_s());
}

}  // namespace flinkscaler::sim
