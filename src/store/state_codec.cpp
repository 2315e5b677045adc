// SPDX-License-Identifier: Apache-2.0
#include "store/state_codec.hpp"

#include "flinkscaler/json_cursor.hpp"

#include <cstdio>
#include <stdexcept>
#include <string_view>

namespace flinkscaler::store {

namespace {

using nlohmann::json;
using StateCursor = JsonCursor<StateFormatError>;

std::string hex64(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

void fnv1a(std::uint64_t& h, std::string_view bytes) {
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    h ^= 0x1fU;  // field separator
    h *= 0x100000001b3ULL;
}

json job_info_to_json(const JobInfo& info) {
    json options = json::object();
    for (const auto& [key, value] : info.options) options[key] = value;
    return {{"cluster", info.cluster}, {"jobId", info.job_id}, {"name", info.name}, {"options", options}};
}

JobInfo job_info_from_json(const json& j) {
    const StateCursor root(j, "$." + std::string(kJobInfo));
    root.require_object();
    JobInfo info;
    info.cluster = root.at("cluster").string();
    info.job_id = root.at("jobId").string();
    info.name = root.at("name").string();
    if (auto options = root.maybe("options"))
        for (const auto& [key, value] : options->members()) info.options[key] = value.option_value();
    return info;
}

}  // namespace

std::string event_key(const std::string& job_key, const Event& event) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    fnv1a(h, job_key);
    fnv1a(h, to_string(event.type));
    fnv1a(h, event.reason);
    fnv1a(h, event.message_key ? *event.message_key : event.message);
    return hex64(h);
}

std::array<StateRow, 4> encode_state_rows(const JobState& state) {
    json overrides = json::object();
    for (const auto& [vertex, p] : state.parallelism_overrides) overrides[vertex] = p;
    return {{
        {kScalingHistory,
         state.scaling_history.empty() ? std::nullopt : std::optional(to_json(state.scaling_history).dump())},
        {kScalingTracking, state.scaling_tracking.records.empty()
                               ? std::nullopt
                               : std::optional(to_json(state.scaling_tracking).dump())},
        {kParallelismOverrides, state.parallelism_overrides.empty() ? std::nullopt : std::optional(overrides.dump())},
        {kDelayedScaleDown, state.delayed_scale_down.vertices.empty()
                                ? std::nullopt
                                : std::optional(to_json(state.delayed_scale_down).dump())},
    }};
}

void read_state_row(JobState& state, const std::string& type, const std::string& text) {
    if (type == kScalingHistory)
        state.scaling_history = scaling_history_from_json(json::parse(text), "$." + type);
    else if (type == kScalingTracking)
        state.scaling_tracking = scaling_tracking_from_json(json::parse(text), "$." + type);
    else if (type == kParallelismOverrides)
        state.parallelism_overrides = parallelism_overrides_from_json(json::parse(text), "$." + type);
    else if (type == kDelayedScaleDown)
        state.delayed_scale_down = delayed_scale_down_from_json(json::parse(text), "$." + type);
    // other types (jobInfo, configOverrides, or from a newer build) are not ours to read here
}

std::string encode_metric_sample(const CollectedSample& sample) { return to_json(sample).dump(); }

CollectedSample decode_metric_sample(const std::string& text, Instant time) {
    return collected_sample_from_json(json::parse(text), "$." + std::string(kCollectedMetrics) + "." + format_instant(time));
}

std::string encode_job_info(const JobInfo& info) { return job_info_to_json(info).dump(); }

JobInfo decode_job_info(const std::string& job_key, const std::string& text) {
    try {
        return job_info_from_json(json::parse(text));
    } catch (const std::exception& e) {
        throw std::runtime_error("job " + job_key + ": unreadable stored job info: " + e.what());
    }
}

std::string encode_recorded_sample(const ReplaySample& sample) { return to_json(sample).dump(); }

ReplaySample decode_recorded_sample(const std::string& job_key, Instant time, const std::string& text) {
    try {
        return replay_sample_from_json(json::parse(text), "$");
    } catch (const std::exception& e) {
        throw std::runtime_error("job " + job_key + ": unreadable recorded sample at " + format_instant(time) + ": " +
                                 e.what());
    }
}

std::string unreadable_value_problem(const std::string& subject, bool deleted, const std::string& reason) {
    return subject +
           (deleted ? ": unreadable stored value deleted: " : ": unreadable stored value (left in place: read-only): ") +
           reason;
}

}  // namespace flinkscaler::store
