// SPDX-License-Identifier: Apache-2.0
//
// Job endpoints: /jobs/overview, /jobs, /jobs/:jid (details with IO counters and plan),
// /jobs/:jid/status, /plan, /config and /checkpoints/config (flink-rest.md §1.3 - §1.8, §1.10).
#include "sim/model/ids.hpp"
#include "sim/model/metric_snapshot.hpp"
#include "sim/rest/flink_errors.hpp"
#include "sim/rest/rest_endpoints.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

namespace flinkscaler::sim {

namespace {

using json = nlohmann::ordered_json;

std::int64_t ms(const EndpointContext& ctx, double t_s) { return ctx.model.epoch_ms(t_s); }

std::int64_t start_time(const EndpointContext& ctx, const Job& job) { return ms(ctx, job.submitted_s); }
std::int64_t end_time(const EndpointContext& ctx, const Job& job) { return job.end_s ? ms(ctx, *job.end_s) : -1; }
std::int64_t duration(const EndpointContext& ctx, const Job& job) {
    return (job.end_s ? ms(ctx, *job.end_s) : ctx.now_ms()) - start_time(ctx, job);
}

/// Task state counts keyed by upper-case ExecutionState names, in declaration order
/// (`vertices[].tasks`, `status-counts` of /jobs/:jid).
json task_counts(TaskState state, int count) {
    json out = json::object();
    for (std::size_t i = 0; i < kTaskStateCount; ++i) {
        const auto s = static_cast<TaskState>(i);
        out[std::string(task_state_name(s))] = s == state ? count : 0;
    }
    return out;
}

/// The `tasks` object of /jobs/overview: lower-case keys plus `total`, in the order Flink
/// writes them.
json overview_task_counts(TaskState state, int count) {
    static constexpr std::array<std::pair<std::string_view, std::optional<TaskState>>, 11> kKeys = {{
        {"running", TaskState::Running}, {"canceling", TaskState::Canceling}, {"canceled", TaskState::Canceled},
        {"total", std::nullopt}, {"created", TaskState::Created}, {"scheduled", TaskState::Scheduled},
        {"deploying", TaskState::Deploying}, {"reconciling", TaskState::Reconciling},
        {"finished", TaskState::Finished}, {"initializing", TaskState::Initializing}, {"failed", TaskState::Failed},
    }};
    json out = json::object();
    for (const auto& [key, s] : kKeys) out[std::string(key)] = !s || *s == state ? count : 0;
    return out;
}

json timestamps(const Job& job) {
    json out = json::object();
    for (std::size_t i = 0; i < kJobStatusCount; ++i)
        out[std::string(job_status_name(static_cast<JobStatus>(i)))] = job.timestamps[i];
    return out;
}

/// "Source: orders -> Filter" -> "Source: orders<br/>+- Filter<br/>", as the plan shows chains.
std::string plan_description(const VertexSpec& v) {
    std::string out;
    std::string_view rest = v.name;
    bool first = true;
    while (true) {
        const auto arrow = rest.find(" -> ");
        out += (first ? "" : "+- ") + std::string(rest.substr(0, arrow)) + "<br/>";
        first = false;
        if (arrow == std::string_view::npos) break;
        rest.remove_prefix(arrow + 4);
    }
    return out;
}

json plan_json(const EndpointContext& ctx, const Job& job) {
    json nodes = json::array();
    // Flink lists sinks first; clients must not depend on the order.
    for (std::size_t k = job.spec.vertices.size(); k-- > 0;) {
        const auto& vs = job.spec.vertices[k];
        json node = {
            {"id", vs.id},
            {"parallelism", job.vertices[k].parallelism},
            {"operator", ""},
            {"operator_strategy", ""},
            {"description", plan_description(vs)},
        };
        if (!vs.inputs.empty()) {  // a source has no "inputs" key at all
            json inputs = json::array();
            for (std::size_t i = 0; i < vs.inputs.size(); ++i)
                inputs.push_back({{"num", i},
                                  {"id", job.spec.vertices[vs.inputs[i].from].id},
                                  {"ship_strategy", vs.inputs[i].ship_strategy},
                                  {"exchange", "pipelined_bounded"}});
            node["inputs"] = inputs;
        }
        node["optimizer_properties"] = json::object();
        nodes.push_back(std::move(node));
    }
    json plan = {{"jid", job.spec.id}, {"name", job.spec.name}};
    if (ctx.model.spec().version.has_job_type()) plan["type"] = "STREAMING";
    plan["nodes"] = nodes;
    return plan;
}

json io_json(const IoCounters& io, bool complete) {
    return json{
        {"read-bytes", static_cast<long long>(io.read_bytes)},       {"read-bytes-complete", complete},
        {"write-bytes", static_cast<long long>(io.write_bytes)},     {"write-bytes-complete", complete},
        {"read-records", static_cast<long long>(io.read_records)},   {"read-records-complete", complete},
        {"write-records", static_cast<long long>(io.write_records)}, {"write-records-complete", complete},
        {"accumulated-backpressured-time", static_cast<long long>(io.backpressured_ms)},
        {"accumulated-idle-time", static_cast<long long>(io.idle_ms)},
        {"accumulated-busy-time", json_number(io.busy_ms)},
    };
}

}  // namespace

RestResponse get_jobs_overview(const EndpointContext& ctx) {
    json jobs = json::array();
    for (std::size_t i = 0; i < ctx.model.job_count(); ++i) {
        const Job& job = ctx.model.job(i);
        if (!ctx.visible(job)) continue;
        jobs.push_back(json{
            {"jid", job.spec.id},
            {"name", job.spec.name},
            {"start-time", start_time(ctx, job)},
            {"end-time", end_time(ctx, job)},
            {"duration", duration(ctx, job)},
            {"state", job_status_name(job.status)},
            {"last-modification", ms(ctx, job.last_modification_s)},
            {"tasks", overview_task_counts(job.tasks, job.status == JobStatus::Initializing ? 0 : job.total_subtasks())},
        });
    }
    return json_response(json{{"jobs", jobs}});
}

RestResponse get_jobs(const EndpointContext& ctx) {
    json jobs = json::array();
    for (std::size_t i = 0; i < ctx.model.job_count(); ++i) {
        const Job& job = ctx.model.job(i);
        if (ctx.visible(job)) jobs.push_back({{"id", job.spec.id}, {"status", job_status_name(job.status)}});
    }
    return json_response(json{{"jobs", jobs}});
}

RestResponse get_job_status(const EndpointContext& ctx, std::string_view jid) {
    const auto index = ctx.visible_job(jid);
    if (!index) return job_not_found(jid);
    return json_response(json{{"status", job_status_name(ctx.model.job(*index).status)}});
}

RestResponse get_job_details(EndpointContext& ctx, std::string_view jid) {
    const auto index = ctx.visible_job(jid);
    if (!index) return job_not_found(jid);
    const Job& job = ctx.model.job(*index);
    const auto& version = ctx.model.spec().version;
    // Counters of running tasks come from the metric store (as stale as the fetcher); before
    // the store has data of the current execution attempt they are 0 and flagged incomplete.
    // Tasks that are not running report what the execution graph kept.
    const auto snapshot = ctx.store.request(ctx.model);
    const JobSnapshot* stored = nullptr;
    if (snapshot) {
        const auto it = snapshot->jobs.find(job.spec.id);
        if (it != snapshot->jobs.end() && it->second.attempt == job.attempt) stored = &it->second;
    }

    json out = {
        {"jid", job.spec.id},
        {"name", job.spec.name},
        {"isStoppable", false},
        {"state", job_status_name(job.status)},
    };
    if (version.has_job_type()) out["job-type"] = "STREAMING";
    out["start-time"] = start_time(ctx, job);
    out["end-time"] = end_time(ctx, job);
    out["duration"] = duration(ctx, job);
    out["maxParallelism"] = -1;
    out["now"] = ctx.now_ms();
    out["timestamps"] = timestamps(job);

    json vertices = json::array();
    // A job whose JobMaster is not up yet is served from a sparse placeholder graph.
    const bool placeholder = job.status == JobStatus::Initializing;
    if (!placeholder) {
        for (std::size_t v = 0; v < job.spec.vertices.size(); ++v) {
            const auto& vs = job.spec.vertices[v];
            const auto& vr = job.vertices[v];
            json vertex = {{"id", vs.id}};
            if (version.has_slot_sharing_group_id())
                vertex["slotSharingGroupId"] = derive_hex_id(job.spec.id + "/ssg/" + vs.slot_sharing_group);
            const bool started = job.tasks_running_since_s.has_value() && job.processing();
            vertex["name"] = vs.name;
            vertex["maxParallelism"] = vs.max_parallelism;
            vertex["parallelism"] = vr.parallelism;
            vertex["status"] = task_state_name(job.tasks);
            vertex["start-time"] = started ? ms(ctx, *job.tasks_running_since_s) : -1;
            vertex["end-time"] = job.end_s ? ms(ctx, *job.end_s) : -1;
            vertex["duration"] = started ? ctx.now_ms() - ms(ctx, *job.tasks_running_since_s) : -1;
            vertex["tasks"] = task_counts(job.tasks, vr.parallelism);
            if (job.status == JobStatus::Running)
                vertex["metrics"] = stored ? io_json(stored->io[v], true) : io_json(IoCounters{}, false);
            else
                vertex["metrics"] = io_json(io_counters(job, v), true);
            vertices.push_back(std::move(vertex));
        }
    }
    out["vertices"] = vertices;
    out["status-counts"] = task_counts(job.tasks, placeholder ? 0 : static_cast<int>(job.spec.vertices.size()));
    if (!placeholder) out["plan"] = plan_json(ctx, job);
    return json_response(out);
}

RestResponse get_job_plan(const EndpointContext& ctx, std::string_view jid) {
    const auto index = ctx.visible_job(jid);
    if (!index) return job_not_found(jid);
    return json_response(json{{"plan", plan_json(ctx, ctx.model.job(*index))}});
}

RestResponse get_job_config(const EndpointContext& ctx, std::string_view jid) {
    const auto index = ctx.visible_job(jid);
    if (!index) return job_not_found(jid);
    const Job& job = ctx.model.job(*index);
    int parallelism = 1;
    for (const auto& vs : job.spec.vertices) parallelism = std::max(parallelism, vs.parallelism);
    json execution;
    if (ctx.model.spec().version.has_execution_mode()) execution["execution-mode"] = "PIPELINED";
    execution["restart-strategy"] = "Cluster level default restart strategy";
    execution["job-parallelism"] = parallelism;
    execution["object-reuse-mode"] = false;
    json user = json::object();
    for (const auto& [k, v] : job.spec.user_config) user[k] = v;
    execution["user-config"] = user;
    return json_response(json{{"jid", job.spec.id}, {"name", job.spec.name}, {"execution-config", execution}});
}

RestResponse get_checkpoint_config(const EndpointContext& ctx, std::string_view jid) {
    const auto index = ctx.visible_job(jid);
    if (!index) return job_not_found(jid);
    const Job& job = ctx.model.job(*index);
    if (job.spec.checkpoint_interval_s <= 0)
        return handler_error(404, "Checkpointing is not enabled for this job (" + std::string(jid) + ").");
    const auto interval = static_cast<long long>(std::llround(job.spec.checkpoint_interval_s * 1000));
    return json_response(json{
        {"mode", "exactly_once"}, {"interval", interval}, {"timeout", 600000}, {"min_pause", 0},
        {"max_concurrent", 1}, {"externalization", {{"enabled", true}, {"delete_on_cancellation", false}}},
        {"state_backend", "HashMapStateBackend"}, {"checkpoint_storage", "FileSystemCheckpointStorage"},
        {"unaligned_checkpoints", false}, {"tolerable_failed_checkpoints", 0}, {"aligned_checkpoint_timeout", 0},
        {"checkpoints_after_tasks_finish", true}, {"state_changelog_enabled", false},
        {"changelog_periodic_materialization_interval", 600000}, {"changelog_storage", "memory"},
    });
}

}  // namespace flinkscaler::sim
