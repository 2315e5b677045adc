// SPDX-License-Identifier: Apache-2.0
#include "service/job_status_json.hpp"

#include <cmath>
#include <utility>

namespace flinkscaler::service {

namespace {

// Every phase that skips a decision, 0 when none: a stable shape for scripts.
nlohmann::json skipped_passes_json(const JobStatus& job) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [phase, name] : kJobPhaseNames) {
        if (!skips_decision(phase)) continue;
        const auto it = job.skipped_passes.find(phase);
        out[std::string(name)] = it == job.skipped_passes.end() ? 0 : it->second;
    }
    return out;
}

/// JSON has no NaN or infinity; "not known" is null.
nlohmann::json number_or_null(double value) {
    if (!std::isfinite(value)) return nullptr;
    return value;
}

nlohmann::json instant_or_null(const std::optional<Instant>& t) {
    if (!t) return nullptr;
    return format_instant(*t);
}

}  // namespace

void set_error(JobStatus& status, std::string message, Instant now) {
    if (!status.error_since) status.error_since = now;
    status.last_error = std::move(message);
}

nlohmann::json job_status_json(const JobStatus& job, bool with_history) {
    using nlohmann::json;
    json vertex_list = json::array();
    for (const auto& v : job.vertices) {
        vertex_list.push_back({
            {"id", v.id},
            {"name", v.name},
            {"parallelism", v.parallelism},
            {"recommended_parallelism", v.recommended ? json(*v.recommended) : json(nullptr)},
            {"utilization", number_or_null(v.utilization)},
            {"true_processing_rate", number_or_null(v.true_processing_rate)},
            {"target_data_rate", number_or_null(v.target_data_rate)},
            {"lag", number_or_null(v.lag)},
        });
    }
    json out = {
        {"key", job.key},
        {"cluster", job.cluster},
        {"job_id", job.job_id},
        {"name", job.name},
        {"flink_state", job.flink_state},
        {"phase", to_string(job.phase)},
        {"scaling_enabled", job.scaling_enabled},
        {"dry_run", job.dry_run},
        {"last_pass", instant_or_null(job.last_pass)},
        {"last_pass_duration_ms", job.last_pass_duration.count()},
        {"last_error", job.last_error.empty() ? json(nullptr) : json(job.last_error)},
        {"error_since", instant_or_null(job.error_since)},
        {"summary", job.summary},
        {"vertices", std::move(vertex_list)},
        {"last_decision", job.last_decision},
        {"last_decision_time", instant_or_null(job.last_decision_time)},
        {"rescales", job.rescales},
        {"skipped_passes", skipped_passes_json(job)},
        {"last_rescale", instant_or_null(job.last_rescale)},
        {"rescale_failures_in_a_row", job.rescale_failures_in_a_row},
        {"rescale_retry_at", instant_or_null(job.rescale_retry_at)},
    };
    if (with_history) out["scaling_history"] = job.scaling_history;
    return out;
}

}  // namespace flinkscaler::service
