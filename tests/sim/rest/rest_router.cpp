// SPDX-License-Identifier: Apache-2.0
#include "sim/model/ids.hpp"
#include "sim/rest/flink_errors.hpp"
#include "sim/rest/rest_endpoints.hpp"

#include <charconv>
#include <string>
#include <vector>

namespace flinkscaler::sim {

bool EndpointContext::visible(const Job& job) const {
    return job.submitted && !faults.job_hidden(job.spec.id, job.spec.name, now_s());
}

std::optional<std::size_t> EndpointContext::visible_job(std::string_view jid) const {
    for (std::size_t i = 0; i < model.job_count(); ++i)
        if (model.job(i).spec.id == jid) return visible(model.job(i)) ? std::optional<std::size_t>(i) : std::nullopt;
    return std::nullopt;
}

HiddenMetric EndpointContext::hidden_metric() const {
    const FaultPlan* plan = &faults;
    const double now = now_s();
    return [plan, now](std::string_view name) { return plan->metric_hidden(name, now); };
}

RestResponse json_response(const nlohmann::ordered_json& body, int status) {
    return RestResponse{status, body.dump(), "application/json; charset=UTF-8"};
}

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        const auto slash = path.find('/');
        if (slash != 0) parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return parts;
}

std::string lower_id(std::string_view id) {
    std::string out(id);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

RestResponse bad_id(std::string_view parameter, std::string_view value) {
    return bad_parameters("Cannot resolve path parameter (" + std::string(parameter) + ") from value \"" +
                          std::string(value) + "\".");
}

}  // namespace

RestResponse route_request(EndpointContext& ctx, const RestRequest& req) {
    std::string_view path = req.path;
    if (path.starts_with("/v1/") || path == "/v1") path.remove_prefix(3);
    const auto p = split_path(path);
    const std::string shown(path.empty() ? "/" : path);
    const bool get = req.method == "GET";
    const auto only = [&](bool allowed, auto&& handler) -> RestResponse {
        if (!allowed) return method_not_allowed(req.method, shown);
        return handler();
    };
    const std::size_t n = p.size();

    if (n == 1 && p[0] == "config") return only(get, [&] { return get_dashboard_config(ctx); });
    if (n == 1 && p[0] == "overview") return only(get, [&] { return get_cluster_overview(ctx); });
    if (n == 1 && p[0] == "jobs") return only(get, [&] { return get_jobs(ctx); });
    if (n == 1 && p[0] == "taskmanagers") return only(get, [&] { return get_taskmanagers(ctx); });
    if (n == 2 && p[0] == "jobs" && p[1] == "overview") return only(get, [&] { return get_jobs_overview(ctx); });
    if (n == 2 && p[0] == "jobs" && p[1] == "metrics") return only(get, [&] { return get_jobs_metrics(ctx, req); });
    if (n == 2 && p[0] == "jobmanager" && p[1] == "config") return only(get, [&] { return get_jobmanager_config(ctx); });
    if (n == 2 && p[0] == "jobmanager" && p[1] == "metrics")
        return only(get, [&] { return get_jobmanager_metrics(ctx, req); });
    if (n == 2 && p[0] == "taskmanagers" && p[1] == "metrics")
        return only(get, [&] { return get_taskmanagers_metrics(ctx, req); });
    if (n == 3 && p[0] == "taskmanagers" && p[2] == "metrics")
        return only(get, [&] { return get_taskmanager_metrics(ctx, p[1], req); });

    if (n >= 2 && p[0] == "jobs") {
        if (!is_hex_id(p[1])) return bad_id("jobid", p[1]);
        const std::string jid = lower_id(p[1]);
        if (n == 2) return only(get, [&] { return get_job_details(ctx, jid); });
        if (n == 3 && p[2] == "status") return only(get, [&] { return get_job_status(ctx, jid); });
        if (n == 3 && p[2] == "plan") return only(get, [&] { return get_job_plan(ctx, jid); });
        if (n == 3 && p[2] == "config") return only(get, [&] { return get_job_config(ctx, jid); });
        if (n == 3 && p[2] == "metrics") return only(get, [&] { return get_job_metrics(ctx, jid, req); });
        if (n == 4 && p[2] == "jobmanager" && p[3] == "config")
            return only(get, [&] { return get_jobmanager_config(ctx); });  // the job id is ignored
        if (n == 4 && p[2] == "checkpoints" && p[3] == "config")
            return only(get, [&] { return get_checkpoint_config(ctx, jid); });
        if (n == 3 && p[2] == "resource-requirements") {
            if (get) return get_resource_requirements(ctx, jid);
            if (req.method == "PUT") return put_resource_requirements(ctx, jid, req.body);
            return method_not_allowed(req.method, shown);
        }
        if (n >= 5 && p[2] == "vertices") {
            if (!is_hex_id(p[3])) return bad_id("vertexid", p[3]);
            const std::string vid = lower_id(p[3]);
            if (n == 5 && p[4] == "metrics") return only(get, [&] { return get_vertex_metrics(ctx, jid, vid, req); });
            if (n == 6 && p[4] == "subtasks" && p[5] == "metrics")
                return only(get, [&] { return get_subtask_metrics(ctx, jid, vid, req); });
            if (n == 7 && p[4] == "subtasks" && p[6] == "metrics") {
                int index = -1;
                const auto [ptr, ec] = std::from_chars(p[5].data(), p[5].data() + p[5].size(), index);
                if (ec != std::errc{} || ptr != p[5].data() + p[5].size() || index < 0)
                    return bad_parameters("Cannot resolve path parameter (subtaskindex) from value \"" +
                                          std::string(p[5]) + "\".");
                return only(get, [&] { return get_one_subtask_metrics(ctx, jid, vid, index, req); });
            }
        }
    }
    return route_not_found(shown);
}

}  // namespace flinkscaler::sim
