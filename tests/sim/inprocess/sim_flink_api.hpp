// SPDX-License-Identifier: Apache-2.0
//
// flink::FlinkApi over one simulated cluster, in process: the requests are the ones the REST
// client sends (it is the REST client: flink::make_rest_flink_api over a transport that hands
// each request to ClusterState::serve instead of a socket), answered at the simulated time the
// caller's `now` source gives, and parsed by the real flink::parse_* functions. So the collector,
// the metric selection and the rescaler run unchanged against the simulator, in simulated time,
// without threads or ports: for tests and benchmarks (bench/collector_bench.cpp).
//
// What a socket would add is mapped to the errors the HTTP client raises (http::RequestError,
// which the api turns into FlinkApiError::Kind::NoResponse): a cluster_down fault is a refused
// connection, and a request a fault holds (latency or timeout fault) for at least
// `request_timeout` wall seconds is a timeout; shorter delays are not waited for. Unlike
// http::Connection there are no retries: each call is exactly one request to the simulator.
#pragma once

#include "flink/flink_api.hpp"
#include "flinkscaler/time.hpp"
#include "sim/rest/cluster_state.hpp"
#include "sim/rest/sim_time.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace flinkscaler::sim {

struct SimApiSettings {
    /// A request held this long (or longer) by a fault gets no response, as with
    /// http::ConnectionSettings::request_timeout (same default).
    Millis request_timeout{10000};
};

class SimFlinkApi final : public flink::FlinkApi {
public:
    /// The simulated time of each request, in flinkscaler's time; convert with cluster.epoch().
    using Now = std::function<Instant()>;

    /// `cluster` must outlive the api. Every request is served at `now()`.
    SimFlinkApi(ClusterState& cluster, Now now, SimApiSettings settings = {});
    ~SimFlinkApi() override;

    flink::DashboardConfig dashboard_config() override { return rest_->dashboard_config(); }
    flink::ClusterOverview overview() override { return rest_->overview(); }
    std::vector<flink::JobOverview> list_jobs() override { return rest_->list_jobs(); }
    Configuration job_configuration(const std::string& job) override { return rest_->job_configuration(job); }
    flink::JobDetails job_details(const std::string& job) override { return rest_->job_details(job); }
    std::vector<std::string> vertex_metric_names(const std::string& job, const VertexId& vertex) override {
        return rest_->vertex_metric_names(job, vertex);
    }
    std::map<std::string, AggregatedMetric> vertex_metrics(const std::string& job, const VertexId& vertex,
                                                                  const std::vector<std::string>& names) override {
        return rest_->vertex_metrics(job, vertex, names);
    }
    std::map<std::string, AggregatedMetric> task_manager_metrics(const std::vector<std::string>& names) override {
        return rest_->task_manager_metrics(names);
    }
    std::map<std::string, double> job_manager_metrics(const std::vector<std::string>& names) override {
        return rest_->job_manager_metrics(names);
    }
    flink::ResourceRequirements resource_requirements(const std::string& job) override {
        return rest_->resource_requirements(job);
    }
    void set_resource_requirements(const std::string& job, const flink::ResourceRequirements& requirements) override {
        rest_->set_resource_requirements(job, requirements);
    }

    /// Requests served so far (every call of the FlinkApi is one or more, like over HTTP).
    std::uint64_t requests() const;

private:
    class Transport;
    std::shared_ptr<Transport> transport_;
    std::unique_ptr<flink::FlinkApi> rest_;
};

}  // namespace flinkscaler::sim
