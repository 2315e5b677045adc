// SPDX-License-Identifier: Apache-2.0
#include "store/export_replay.hpp"

#include <algorithm>
#include <optional>

namespace flinkscaler::store {

namespace {

const VertexInfo* find_vertex(const std::vector<VertexInfo>& vertices, const VertexId& id) {
    const auto it = std::find_if(vertices.begin(), vertices.end(), [&](const VertexInfo& v) { return v.id == id; });
    return it == vertices.end() ? nullptr : &*it;
}

/// Why `next` cannot follow `previous` in one replay document (which carries only parallelism
/// and RUNNING-timestamp changes after the first sample), or nullopt when it can. Names are
/// ignored: they only label reports.
std::optional<std::string> topology_change(const std::vector<VertexInfo>& previous, const std::vector<VertexInfo>& next) {
    for (const auto& v : next)
        if (find_vertex(previous, v.id) == nullptr) return "vertex " + v.id + " appeared";
    for (const auto& p : previous) {
        const VertexInfo* v = find_vertex(next, p.id);
        if (v == nullptr) return "vertex " + p.id + " disappeared";
        const auto change = [&](const char* what, const std::string& from, const std::string& to) {
            return "vertex " + p.id + " " + what + " " + from + " -> " + to;
        };
        if (v->inputs != p.inputs) return "vertex " + p.id + " inputs changed";
        if (v->max_parallelism != p.max_parallelism)
            return change("maxParallelism", std::to_string(p.max_parallelism), std::to_string(v->max_parallelism));
        if (v->num_source_partitions != p.num_source_partitions)
            return change("numSourcePartitions", std::to_string(p.num_source_partitions),
                          std::to_string(v->num_source_partitions));
        if (v->finished != p.finished)
            return change("finished", p.finished ? "true" : "false", v->finished ? "true" : "false");
        if (v->slot_sharing_group != p.slot_sharing_group)
            return change("slotSharingGroup", p.slot_sharing_group.value_or("(none)"),
                          v->slot_sharing_group.value_or("(none)"));
    }
    return std::nullopt;
}

}  // namespace

nlohmann::json ReplayExport::document() const { return replay_document(input, job); }

ReplayExport export_replay(StateReader& store, const std::string& job_key, Instant since) {
    const std::optional<JobInfo> info = store.job_info(job_key);
    if (!info) {
        const auto keys = store.job_keys();
        const bool known = std::binary_search(keys.begin(), keys.end(), job_key);
        throw ExportError(known ? "job " + job_key + " has no job info (its options are unknown, so a replay would "
                                                     "not use the options the daemon used)"
                                : "unknown job " + job_key + " (no such job key in the database)");
    }
    std::vector<ReplaySample> samples = store.recorded_samples(job_key, since);
    if (samples.empty())
        throw ExportError("job " + job_key + " has no recorded samples" +
                          (since > instant_from_epoch_ms(0) ? " since " + format_instant(since) : std::string()));

    ReplayExport out;
    // Start after the last change the format cannot express, so every exported sample replays
    // with the topology it was collected with.
    std::size_t first = 0;
    std::string why;
    for (std::size_t i = 1; i < samples.size(); ++i) {
        if (auto change = topology_change(samples[i - 1].vertices, samples[i].vertices)) {
            first = i;
            why = *change;
        }
    }
    if (first > 0) {
        out.skipped = first;
        out.notes.push_back("the job's topology changed at " + format_instant(samples[first].timestamp) + " (" + why +
                            "), which one replay document cannot express: exported the samples from then on, " +
                            std::to_string(first) + " earlier sample(s) left out");
        samples.erase(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(first));
    }

    out.input.options = info->options;
    out.input.samples = std::move(samples);
    out.input.job_name = info->name;
    out.job = {{"cluster", info->cluster}, {"jobId", info->job_id}, {"name", info->name}};
    return out;
}

}  // namespace flinkscaler::store
