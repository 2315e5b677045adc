// SPDX-License-Identifier: Apache-2.0
//
// GET and PUT /jobs/:jid/resource-requirements (flink-rest.md §3.2, §3.3): the adaptive
// scheduler's per-vertex bounds, their validation with Flink's error texts, 409 while an
// accepted update has not been acted upon, and 500 for schedulers that cannot rescale.
#include "sim/rest/flink_errors.hpp"
#include "sim/rest/rest_endpoints.hpp"

#include <limits>
#include <string>

namespace flinkscaler::sim {

namespace {

using json = nlohmann::ordered_json;

RestResponse job_not_found_rpc(std::string_view jid) {
    // The dispatcher's job-not-found error, wrapped by the REST handler.
    return handler_error(404, "org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (" +
                                  std::string(jid) + ")");
}

std::optional<RestResponse> not_ready(const EndpointContext& ctx, const Job& job, std::string_view jid) {
    if (job.terminal()) return job_not_found_rpc(jid);
    if (job.status == JobStatus::Initializing)
        return internal_error("java.util.concurrent.CompletionException: "
                              "org.apache.flink.runtime.rest.handler.RestHandlerException: "
                              "Unable to get JobMasterGateway for initializing job " + std::string(jid));
    const auto scheduler = ctx.model.spec().scheduler;
    if (scheduler != Scheduler::Adaptive) {
        const std::string name = scheduler == Scheduler::Default ? "DefaultScheduler" : "AdaptiveBatchScheduler";
        return internal_error("java.util.concurrent.CompletionException: java.lang.UnsupportedOperationException: The " +
                              name +
                              " does not support changing the parallelism without a job restart. This feature is "
                              "currently only expected to work with the AdaptiveScheduler.");
    }
    return std::nullopt;
}

RestResponse bad_format() {
    return handler_error(400, "Request did not match expected format JobResourceRequirementsBody.");
}

std::optional<int> bound_value(const nlohmann::json& node) {
    if (!node.is_number_integer()) return std::nullopt;
    const auto v = node.get<long long>();
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) return std::nullopt;
    return static_cast<int>(v);
}

}  // namespace

RestResponse get_resource_requirements(const EndpointContext& ctx, std::string_view jid) {
    const auto index = ctx.visible_job(jid);
    if (!index) return job_not_found_rpc(jid);
    const Job& job = ctx.model.job(*index);
    if (auto error = not_ready(ctx, job, jid)) return *error;
    json out = json::object();
    for (std::size_t v = 0; v < job.spec.vertices.size(); ++v) {
        const auto& b = job.vertices[v].requirement;
        out[job.spec.vertices[v].id] = {{"parallelism", {{"lowerBound", b.lower}, {"upperBound", b.upper}}}};
    }
    return json_response(out);
}

RestResponse put_resource_requirements(EndpointContext& ctx, std::string_view jid, std::string_view body) {
    // 1. The REST layer parses the body before any handler logic runs.
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return handler_error(400, "Request body does not specify resource requirements.");
    const auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return bad_format();
    if (parsed.empty()) return handler_error(400, "Request body does not specify resource requirements.");
    std::map<std::string, Bounds> requested;
    for (const auto& [vid, entry] : parsed.items()) {
        if (!entry.is_object() || !entry.contains("parallelism") || !entry["parallelism"].is_object()) return bad_format();
        const auto& p = entry["parallelism"];
        if (!p.contains("lowerBound") || !p.contains("upperBound")) return bad_format();
        const auto lower = bound_value(p["lowerBound"]);
        const auto upper = bound_value(p["upperBound"]);
        if (!lower || !upper) return bad_format();
        std::string id = vid;
        for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        requested[id] = Bounds{*lower, *upper};
    }

    // 2. The job and its scheduler.
    const auto index = ctx.visible_job(jid);
    if (!index) return job_not_found_rpc(jid);
    const Job& job = ctx.model.job(*index);
    if (auto error = not_ready(ctx, job, jid)) return *error;
    if (ctx.model.spec().reactive)
        return internal_error("java.util.concurrent.CompletionException: java.lang.UnsupportedOperationException: "
                              "Cannot change the parallelism of a job running in reactive mode.");

    // 3. -1 means "unbounded": lower -> 1, upper -> the vertex's max parallelism.
    for (auto& [vid, b] : requested) {
        if (b.lower == -1) b.lower = 1;
        if (b.upper == -1)
            if (const auto v = job.vertex_index(vid)) b.upper = job.spec.vertices[*v].max_parallelism;
    }

    // 4. One update at a time.
    if (ctx.model.spec().rescale.conflict_while_pending && ctx.model.update_pending(*index))
        return handler_error(409, "Another update to the job [" + std::string(jid) +
                                      "] resource requirements is in progress.");

    // 5. Validation against the job graph.
    if (const auto problem = ctx.model.check_requirements(*index, requested)) {
        using Kind = RequirementsProblem::Kind;
        const std::string& vid = problem->vertex_id;
        switch (problem->kind) {
        case Kind::NotPositive:
            return handler_error(400, "The parallelism bounds of job vertex " + vid + " must be greater than zero, got " +
                                          std::to_string(problem->value) + ".");
        case Kind::LowerAboveUpper:
            return handler_error(400, "Invalid resource requirements for job vertex " + vid +
                                          ": lower bound greater than upper bound (" + std::to_string(problem->value) +
                                          " > " + std::to_string(problem->limit) + ").");
        case Kind::UnknownVertex:
            return handler_error(400, "Job vertex [" + vid + "] was not found in the JobGraph.");
        case Kind::MissingVertex:
            return handler_error(400, "The request is incomplete, missing job vertex [" + vid +
                                          "] resource requirements.");
        case Kind::AboveMaxParallelism:
            return handler_error(400, "The newly requested parallelism " + std::to_string(problem->value) +
                                          " for the job vertex " + vid + " exceeds its maximum parallelism " +
                                          std::to_string(problem->limit) + ".");
        }
    }
    ctx.model.set_requirements(*index, requested);
    return json_response(json::object());
}

}  // namespace flinkscaler::sim
