// SPDX-License-Identifier: Apache-2.0
//
// Metric endpoints (flink-rest.md §2.3, §2.4). All of them read the metric store, so they share
// the fetcher's staleness; unknown jobs, vertices and TaskManagers give `[]`, never 404.
#include "sim/rest/flink_errors.hpp"
#include "sim/rest/rest_endpoints.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace flinkscaler::sim {

namespace {

using json = nlohmann::ordered_json;

MetricComponent component_of(const std::vector<ScalarMetric>& metrics) {
    MetricComponent c;
    for (const auto& m : metrics) c.entries.push_back({m.name, {m.value, m.integer}});
    return c;
}

MetricComponent subtask_component(const VertexSnapshot& vertex, std::size_t subtask, std::string_view prefix = {}) {
    MetricComponent c;
    for (const auto& s : vertex.series)
        if (s.has(subtask)) c.entries.push_back({std::string(prefix) + s.name, {s.values[subtask], s.integer}});
    return c;
}

/// The stored vertex of a visible job, or nullptr.
const VertexSnapshot* stored_vertex(EndpointContext& ctx, const ClusterSnapshot* snap, std::string_view jid,
                                    std::string_view vid) {
    if (!snap || !ctx.visible_job(jid)) return nullptr;
    const auto job = snap->jobs.find(std::string(jid));
    if (job == snap->jobs.end()) return nullptr;
    for (const auto& v : job->second.vertices)
        if (v.id == vid) return &v;
    return nullptr;
}

RestResponse listing_or_values(const std::vector<MetricComponent>& components, const RestRequest& request,
                               const Aggregations& agg, const HiddenMetric& hidden) {
    if (!request.has_param("get")) return json_response(list_names(components, hidden));
    return json_response(aggregate(components, split_names(request.param("get")), agg, hidden));
}

RestResponse raw_listing_or_values(const MetricComponent& component, const RestRequest& request,
                                   const HiddenMetric& hidden) {
    if (!request.has_param("get")) return json_response(list_names({component}, hidden));
    return json_response(raw_values(component, split_names(request.param("get")), hidden));
}

std::optional<Aggregations> aggregations(const EndpointContext& ctx, const RestRequest& request, std::string& error) {
    const std::optional<std::string> agg = request.has_param("agg") ? std::optional(request.param("agg")) : std::nullopt;
    return parse_aggregations(agg, ctx.model.spec().version, error);
}

}  // namespace

RestResponse get_subtask_metrics(EndpointContext& ctx, std::string_view jid, std::string_view vid,
                                 const RestRequest& request) {
    std::string error;
    const auto agg = aggregations(ctx, request, error);
    if (!agg) return bad_parameters(error);
    std::optional<std::vector<int>> selected;
    if (request.has_param("subtasks")) {
        selected = parse_subtask_ranges(request.param("subtasks"), error);
        if (!selected) return bad_parameters(error);
    }
    const auto snap = ctx.store.request(ctx.model);
    const auto* vertex = stored_vertex(ctx, snap.get(), jid, vid);
    std::vector<MetricComponent> components;
    if (vertex) {
        const auto p = static_cast<std::size_t>(vertex->parallelism);
        if (selected) {
            for (const int i : *selected)
                if (static_cast<std::size_t>(i) < p) components.push_back(subtask_component(*vertex, static_cast<std::size_t>(i)));
        } else {
            for (std::size_t i = 0; i < p; ++i) components.push_back(subtask_component(*vertex, i));
        }
    }
    return listing_or_values(components, request, *agg, ctx.hidden_metric());
}

RestResponse get_one_subtask_metrics(EndpointContext& ctx, std::string_view jid, std::string_view vid, int subtask,
                                     const RestRequest& request) {
    const auto snap = ctx.store.request(ctx.model);
    const auto* vertex = stored_vertex(ctx, snap.get(), jid, vid);
    MetricComponent component;
    if (vertex && subtask < vertex->parallelism) component = subtask_component(*vertex, static_cast<std::size_t>(subtask));
    return raw_listing_or_values(component, request, ctx.hidden_metric());
}

RestResponse get_vertex_metrics(EndpointContext& ctx, std::string_view jid, std::string_view vid,
                                const RestRequest& request) {
    const auto snap = ctx.store.request(ctx.model);
    const auto* vertex = stored_vertex(ctx, snap.get(), jid, vid);
    MetricComponent component;
    if (vertex)
        for (std::size_t i = 0; i < static_cast<std::size_t>(vertex->parallelism); ++i) {
            auto part = subtask_component(*vertex, i, std::to_string(i) + ".");
            for (auto& e : part.entries) component.entries.push_back(std::move(e));
        }
    // A missing-metric fault names the metric without the "<subtask>." prefix.
    const auto hidden = ctx.hidden_metric();
    const HiddenMetric unprefixed = [hidden](std::string_view name) {
        const auto dot = name.find('.');
        return hidden(dot == std::string_view::npos ? name : name.substr(dot + 1));
    };
    return raw_listing_or_values(component, request, unprefixed);
}

RestResponse get_job_metrics(EndpointContext& ctx, std::string_view jid, const RestRequest& request) {
    const auto snap = ctx.store.request(ctx.model);
    MetricComponent component;
    if (snap && ctx.visible_job(jid)) {
        const auto it = snap->jobs.find(std::string(jid));
        if (it != snap->jobs.end()) component = component_of(it->second.metrics);
    }
    return raw_listing_or_values(component, request, ctx.hidden_metric());
}

RestResponse get_jobs_metrics(EndpointContext& ctx, const RestRequest& request) {
    std::string error;
    const auto agg = aggregations(ctx, request, error);
    if (!agg) return bad_parameters(error);
    const auto snap = ctx.store.request(ctx.model);
    std::vector<MetricComponent> components;
    if (snap) {
        const auto wanted = split_names(request.param("jobs"));
        for (const auto& [id, job] : snap->jobs) {
            if (!ctx.visible_job(id)) continue;
            if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), id) == wanted.end()) continue;
            components.push_back(component_of(job.metrics));
        }
    }
    return listing_or_values(components, request, *agg, ctx.hidden_metric());
}

RestResponse get_taskmanagers_metrics(EndpointContext& ctx, const RestRequest& request) {
    std::string error;
    const auto agg = aggregations(ctx, request, error);
    if (!agg) return bad_parameters(error);
    const auto snap = ctx.store.request(ctx.model);
    std::vector<MetricComponent> components;
    if (snap) {
        const auto wanted = split_names(request.param("taskmanagers"));
        for (const auto& tm : snap->taskmanagers)
            if (wanted.empty() || std::find(wanted.begin(), wanted.end(), tm.id) != wanted.end())
                components.push_back(component_of(tm.metrics));
    }
    return listing_or_values(components, request, *agg, ctx.hidden_metric());
}

RestResponse get_taskmanager_metrics(EndpointContext& ctx, std::string_view tm_id, const RestRequest& request) {
    const auto snap = ctx.store.request(ctx.model);
    MetricComponent component;
    if (snap)
        for (const auto& tm : snap->taskmanagers)
            if (tm.id == tm_id) component = component_of(tm.metrics);
    return raw_listing_or_values(component, request, ctx.hidden_metric());
}

RestResponse get_jobmanager_metrics(EndpointContext& ctx, const RestRequest& request) {
    const auto snap = ctx.store.request(ctx.model);
    MetricComponent component;
    if (snap) component = component_of(snap->jobmanager);
    return raw_listing_or_values(component, request, ctx.hidden_metric());
}

}  // namespace flinkscaler::sim
