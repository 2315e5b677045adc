// SPDX-License-Identifier: Apache-2.0
#include "flink/rescaler.hpp"

#include <algorithm>
#include <cctype>

namespace flinkscaler::flink {

std::map<VertexId, int> merge_overrides(const std::map<VertexId, int>& autoscaler_overrides,
                                        const AutoscalerOptions& options, const std::set<VertexId>& excluded_this_cycle) {
    std::map<VertexId, int> merged = options.user_parallelism_overrides;
    for (const auto& [vertex, parallelism] : autoscaler_overrides) {
        const bool excluded = options.is_excluded_vertex(vertex) || excluded_this_cycle.count(vertex) > 0;
        if (excluded && merged.count(vertex)) continue;
        merged[vertex] = parallelism;
    }
    return merged;
}

std::optional<ResourceRequirements> desired_requirements(const ResourceRequirements& current,
                                                         const std::map<VertexId, int>& overrides) {
    ResourceRequirements desired = current;
    bool differs = false;
    for (auto& [vertex, requirement] : desired) {
        auto it = overrides.find(vertex);
        if (it == overrides.end()) continue;
        const ResourceRequirement wanted{1, it->second};
        if (!(requirement == wanted)) {
            requirement = wanted;
            differs = true;
        }
    }
    if (!differs) return std::nullopt;
    return desired;
}

bool uses_adaptive_scheduler(const AutoscalerOptions& options) {
    std::string scheduler = options.scheduler;
    std::transform(scheduler.begin(), scheduler.end(), scheduler.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return scheduler == "adaptive";
}

std::string_view to_string(RescaleResult::Status s) {
    switch (s) {
        case RescaleResult::Status::NothingToApply: return "nothing-to-apply";
        case RescaleResult::Status::Applied: return "applied";
        case RescaleResult::Status::NotAdaptive: return "not-adaptive";
        case RescaleResult::Status::NotRunning: return "not-running";
        case RescaleResult::Status::Rejected: return "rejected";
    }
    return "?";
}

std::string_view to_string(RescaleProgress p) {
    switch (p) {
        case RescaleProgress::Done: return "done";
        case RescaleProgress::InsufficientResources: return "insufficient-resources";
        case RescaleProgress::NotStarted: return "not-started";
        case RescaleProgress::NotRunning: return "not-running";
    }
    return "?";
}

namespace {

std::string describe(const ResourceRequirements& requirements) {
    std::string out;
    for (const auto& [vertex, r] : requirements)
        out += (out.empty() ? "" : ", ") + vertex + ": [" + std::to_string(r.lower_bound) + ", " +
               std::to_string(r.upper_bound) + "]";
    return out;
}

}  // namespace

bool is_rejection(const FlinkApiError& error) {
    return error.kind == FlinkApiError::Kind::Http && error.status >= 400 && error.status < 500 && error.status != 409;
}

RescaleResult apply_parallelism_overrides(FlinkApi& api, const std::string& job, bool job_running,
                                          const std::map<VertexId, int>& stored_overrides,
                                          const AutoscalerOptions& options,
                                          const std::set<VertexId>& excluded_this_cycle) {
    RescaleResult result;
    if (stored_overrides.empty()) return result;
    if (!uses_adaptive_scheduler(options)) {
        result.status = RescaleResult::Status::NotAdaptive;
        result.message = "job " + job + " cannot be rescaled in place: jobmanager.scheduler is \"" +
                         (options.scheduler.empty() ? std::string("default") : options.scheduler) +
                         "\", the resource-requirements API needs \"adaptive\"";
        return result;
    }
    if (!job_running) {
        result.status = RescaleResult::Status::NotRunning;
        result.message = "job " + job + " is not running; its parallelism is applied when it runs again";
        return result;
    }
    result.before = api.resource_requirements(job);
    const auto desired = desired_requirements(result.before, merge_overrides(stored_overrides, options,
                                                                             excluded_this_cycle));
    if (!desired) return result;
    result.requested = *desired;
    try {
        api.set_resource_requirements(job, *desired);
    } catch (const FlinkApiError& e) {
        if (!is_rejection(e)) throw;
        result.status = RescaleResult::Status::Rejected;
        result.message = "Flink refused the new resource requirements for job " + job + " (" + describe(*desired) +
                         "): " + e.what();
        return result;
    }
    result.status = RescaleResult::Status::Applied;
    result.message = "requested new resource requirements for job " + job + ": " + describe(*desired);
    return result;
}

RescaleProgress rescale_progress(const JobDetails& details, const ResourceRequirements& requested,
                                 std::optional<Instant> running_before) {
    const bool running = details.state == "RUNNING" &&
                         std::all_of(details.vertices.begin(), details.vertices.end(), [](const VertexDetails& v) {
                             return v.status == "RUNNING" || v.status == "FINISHED";
                         });
    if (!running) return RescaleProgress::NotRunning;
    bool all_at_upper = true;
    for (const auto& v : details.vertices) {
        auto it = requested.find(v.id);
        if (it != requested.end() && v.parallelism != it->second.upper_bound) all_at_upper = false;
    }
    if (all_at_upper) return RescaleProgress::Done;
    const bool restarted = details.running_since && (!running_before || *details.running_since > *running_before);
    return restarted ? RescaleProgress::InsufficientResources : RescaleProgress::NotStarted;
}

}  // namespace flinkscaler::flink
