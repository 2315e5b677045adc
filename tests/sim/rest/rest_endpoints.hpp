// SPDX-License-Identifier: Apache-2.0
//
// The Flink REST endpoints of flink-rest.md §0.3 (rows 1-19) over one simulated cluster. Every
// function turns the model state into the JSON shape of the cluster's Flink version. The
// caller holds the cluster's lock and has advanced the model to `now`.
#pragma once

#include "sim/model/cluster.hpp"
#include "sim/rest/cluster_settings.hpp"
#include "sim/rest/faults.hpp"
#include "sim/rest/metric_query.hpp"
#include "sim/rest/metric_store.hpp"
#include "sim/rest/rest_types.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

namespace flinkscaler::sim {

struct EndpointContext {
    Cluster& model;
    MetricStore& store;
    const FaultPlan& faults;
    const ClusterSettings& settings;
    int port = 0;  ///< the port actually bound (shown as rest.port)

    double now_s() const { return model.now_s(); }
    std::int64_t now_ms() const { return model.epoch_ms(model.now_s()); }
    /// A submitted job that no vanish fault hides.
    bool visible(const Job& job) const;
    std::optional<std::size_t> visible_job(std::string_view jid) const;
    HiddenMetric hidden_metric() const;
};

RestResponse json_response(const nlohmann::ordered_json& body, int status = 200);

/// Dispatch a request (path with or without /v1) to the endpoint that serves it.
RestResponse route_request(EndpointContext& ctx, const RestRequest& request);

// Cluster level (rest_cluster.cpp).
RestResponse get_dashboard_config(const EndpointContext& ctx);
RestResponse get_cluster_overview(const EndpointContext& ctx);
RestResponse get_jobmanager_config(const EndpointContext& ctx);
RestResponse get_taskmanagers(const EndpointContext& ctx);

// Jobs (rest_jobs.cpp).
RestResponse get_jobs_overview(const EndpointContext& ctx);
RestResponse get_jobs(const EndpointContext& ctx);
RestResponse get_job_status(const EndpointContext& ctx, std::string_view jid);
RestResponse get_job_details(EndpointContext& ctx, std::string_view jid);
RestResponse get_job_plan(const EndpointContext& ctx, std::string_view jid);
RestResponse get_job_config(const EndpointContext& ctx, std::string_view jid);
RestResponse get_checkpoint_config(const EndpointContext& ctx, std::string_view jid);

// Rescaling (rest_requirements.cpp).
RestResponse get_resource_requirements(const EndpointContext& ctx, std::string_view jid);
RestResponse put_resource_requirements(EndpointContext& ctx, std::string_view jid, std::string_view body);

// Metrics (rest_metrics.cpp).
RestResponse get_subtask_metrics(EndpointContext& ctx, std::string_view jid, std::string_view vid,
                                 const RestRequest& request);
RestResponse get_one_subtask_metrics(EndpointContext& ctx, std::string_view jid, std::string_view vid, int subtask,
                                     const RestRequest& request);
RestResponse get_vertex_metrics(EndpointContext& ctx, std::string_view jid, std::string_view vid,
                                const RestRequest& request);
RestResponse get_job_metrics(EndpointContext& ctx, std::string_view jid, const RestRequest& request);
RestResponse get_jobs_metrics(EndpointContext& ctx, const RestRequest& request);
RestResponse get_taskmanagers_metrics(EndpointContext& ctx, const RestRequest& request);
RestResponse get_taskmanager_metrics(EndpointContext& ctx, std::string_view tm_id, const RestRequest& request);
RestResponse get_jobmanager_metrics(EndpointContext& ctx, const RestRequest& request);

}  // namespace flinkscaler::sim
