// SPDX-License-Identifier: Apache-2.0
#include "flink/flink_api.hpp"

#include "http/connection.hpp"
#include "flink/metric_selection.hpp"

#include <functional>

namespace flinkscaler::flink {

std::string_view to_string(FlinkApiError::Kind kind) {
    switch (kind) {
    case FlinkApiError::Kind::NoResponse: return "no_response";
    case FlinkApiError::Kind::Http: return "http";
    case FlinkApiError::Kind::Malformed: return "malformed";
    }
    return "unknown";
}

namespace {

std::string shorten(const std::string& text, std::size_t limit = 300) {
    std::string first_line = text.substr(0, text.find('\n'));
    if (first_line.size() > limit) first_line = first_line.substr(0, limit) + "...";
    return first_line;
}

class ConnectionTransport final : public RestTransport {
public:
    explicit ConnectionTransport(std::shared_ptr<http::Connection> connection) : connection_(std::move(connection)) {}
    http::Response get(const std::string& path_and_query) override { return connection_->get(path_and_query); }
    http::Response put(const std::string& path, const std::string& json_body) override {
        return connection_->put(path, json_body);
    }

private:
    std::shared_ptr<http::Connection> connection_;
};

class RestFlinkApi final : public FlinkApi {
public:
    RestFlinkApi(std::string cluster, std::shared_ptr<RestTransport> connection,
                 std::shared_ptr<RestTransport> rescale_connection)
        : cluster_(std::move(cluster)),
          connection_(std::move(connection)),
          rescale_connection_(rescale_connection ? std::move(rescale_connection) : connection_) {}

    DashboardConfig dashboard_config() override { return read("/config", parse_dashboard_config); }
    ClusterOverview overview() override { return read("/overview", parse_cluster_overview); }
    std::vector<JobOverview> list_jobs() override { return read("/jobs/overview", parse_jobs_overview); }
    Configuration job_configuration(const std::string& job) override {
        return read("/jobs/" + job + "/jobmanager/config", parse_jobmanager_config);
    }
    JobDetails job_details(const std::string& job) override { return read("/jobs/" + job, parse_job_details); }

    std::vector<std::string> vertex_metric_names(const std::string& job, const VertexId& vertex) override {
        return read(vertex_metrics_path(job, vertex), parse_metric_names);
    }

    std::map<std::string, AggregatedMetric> vertex_metrics(const std::string& job, const VertexId& vertex,
                                                           const std::vector<std::string>& names) override {
        return read_batched(vertex_metrics_path(job, vertex) + "?get=", "", names);
    }

    std::map<std::string, AggregatedMetric> task_manager_metrics(const std::vector<std::string>& names) override {
        return read_batched("/taskmanagers/metrics?get=", "&agg=min,max,avg", names);
    }

    std::map<std::string, double> job_manager_metrics(const std::vector<std::string>& names) override {
        std::map<std::string, double> out;
        for (const auto& get : get_parameters(names))
            out.merge(read("/jobmanager/metrics?get=" + get, parse_metric_values));
        return out;
    }

    ResourceRequirements resource_requirements(const std::string& job) override {
        return read("/jobs/" + job + "/resource-requirements", parse_resource_requirements);
    }

    void set_resource_requirements(const std::string& job, const ResourceRequirements& requirements) override {
        const std::string path = "/jobs/" + job + "/resource-requirements";
        http::Response response;
        try {
            response = rescale_connection_->put(path, resource_requirements_body(requirements));
        } catch (const http::RequestError& e) {
            throw FlinkApiError(FlinkApiError::Kind::NoResponse, 0, context("PUT", path) + e.what());
        }
        if (!response.ok()) throw http_error("PUT", path, response);
    }

private:
    static std::string vertex_metrics_path(const std::string& job, const VertexId& vertex) {
        return "/jobs/" + job + "/vertices/" + vertex + "/subtasks/metrics";
    }

    std::string context(const char* method, const std::string& path) const {
        return "cluster " + cluster_ + ": " + method + " " + path + ": ";
    }

    FlinkApiError http_error(const char* method, const std::string& path, const http::Response& response) const {
        const auto messages = parse_error_messages(response.body);
        std::string detail;
        if (!messages.empty()) {
            // An unexpected exception puts the useful text in the second element, after a marker
            // line (flink-rest.md §4.1).
            std::string message = messages.size() > 1 && messages[0] == "Internal server error." ? messages[1] : messages[0];
            const std::string marker = "<Exception on server side:";
            if (message.starts_with(marker)) {
                const auto text = message.find_first_not_of('\n', marker.size());
                message = text == std::string::npos ? std::string() : message.substr(text);
            }
            detail = shorten(message);
        } else if (response.status == 405 && std::string_view(method) != "GET") {
            detail = "method not allowed by a proxy in between (a YARN ResourceManager's web proxy refuses " +
                     std::string(method) + " on some Hadoop versions: use flink-access: auto or direct)";
        } else if (response.content_type.find("text/html") != std::string::npos) {
            detail = "an HTML page instead of a Flink error (a proxy in between?)";
        } else {
            detail = shorten(response.body, 120);
        }
        return FlinkApiError(FlinkApiError::Kind::Http, response.status,
                             context(method, path) + "HTTP " + std::to_string(response.status) + ": " + detail);
    }

    template <typename Parse>
    auto read(const std::string& path, Parse parse) -> decltype(parse(std::string_view{})) {
        http::Response response;
        try {
            response = connection_->get(path);
        } catch (const http::RequestError& e) {
            throw FlinkApiError(FlinkApiError::Kind::NoResponse, 0, context("GET", path) + e.what());
        }
        if (!response.ok()) throw http_error("GET", path, response);
        try {
            return parse(response.body);
        } catch (const std::exception& e) {  // ResponseError, TopologyError
            throw FlinkApiError(FlinkApiError::Kind::Malformed, response.status, context("GET", path) + e.what());
        }
    }

    // Long name lists are split (request-line limit); one empty batch means an unknown name, so
    // the whole answer is empty, as Flink would answer one request.
    std::map<std::string, AggregatedMetric> read_batched(const std::string& prefix, const std::string& suffix,
                                                         const std::vector<std::string>& names) {
        std::map<std::string, AggregatedMetric> out;
        for (const auto& get : get_parameters(names)) {
            auto batch = read(prefix + get + suffix, parse_aggregated_metrics);
            if (batch.empty()) return {};
            out.merge(batch);
        }
        return out;
    }

    std::string cluster_;
    std::shared_ptr<RestTransport> connection_;
    std::shared_ptr<RestTransport> rescale_connection_;
};

}  // namespace

std::unique_ptr<FlinkApi> make_rest_flink_api(std::string cluster, std::shared_ptr<http::Connection> connection,
                                              std::shared_ptr<http::Connection> rescale_connection) {
    auto rescale = rescale_connection ? std::make_shared<ConnectionTransport>(std::move(rescale_connection)) : nullptr;
    return std::make_unique<RestFlinkApi>(std::move(cluster), std::make_shared<ConnectionTransport>(std::move(connection)),
                                          std::move(rescale));
}

std::unique_ptr<FlinkApi> make_rest_flink_api(std::string cluster, std::shared_ptr<RestTransport> transport) {
    return std::make_unique<RestFlinkApi>(std::move(cluster), std::move(transport), nullptr);
}

}  // namespace flinkscaler::flink
