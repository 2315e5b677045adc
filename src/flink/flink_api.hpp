// SPDX-License-Identifier: Apache-2.0
//
// The narrow interface through which the service talks to one Flink cluster. Every call maps to
// one REST call of flink-rest.md; implementations throw FlinkApiError with the cluster, the
// endpoint and what went wrong (no response, HTTP error with Flink's message, malformed body).
#pragma once

#include "flink/responses.hpp"

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace flinkscaler::http {
class Connection;
struct Response;
}

namespace flinkscaler::flink {

struct FlinkApiError : std::runtime_error {
    enum class Kind {
        NoResponse,  ///< connection refused, timeout, TLS failure
        Http,        ///< a non-2xx status; `status` and Flink's first error message are kept
        Malformed,   ///< a 2xx body that does not have the documented shape
    };
    FlinkApiError(Kind kind, int status, const std::string& message)
        : std::runtime_error(message), kind(kind), status(status) {}
    Kind kind;
    int status = 0;  ///< HTTP status, 0 without a response
};
/// "no_response", "http" or "malformed" (the label of flinkscaler_rest_errors_total).
std::string_view to_string(FlinkApiError::Kind kind);

class FlinkApi {
public:
    virtual ~FlinkApi() = default;

    virtual DashboardConfig dashboard_config() = 0;                       ///< GET /config
    virtual ClusterOverview overview() = 0;                               ///< GET /overview
    virtual std::vector<JobOverview> list_jobs() = 0;                     ///< GET /jobs/overview
    virtual Configuration job_configuration(const std::string& job) = 0;  ///< GET /jobs/:jid/jobmanager/config
    virtual JobDetails job_details(const std::string& job) = 0;           ///< GET /jobs/:jid
    /// GET /jobs/:jid/vertices/:vid/subtasks/metrics (listing).
    virtual std::vector<std::string> vertex_metric_names(const std::string& job, const VertexId& vertex) = 0;
    /// GET /jobs/:jid/vertices/:vid/subtasks/metrics?get=... (all aggregates). An empty map means
    /// some requested name is unknown (flink-rest.md §2.3).
    virtual std::map<std::string, AggregatedMetric> vertex_metrics(const std::string& job, const VertexId& vertex,
                                                                   const std::vector<std::string>& names) = 0;
    /// GET /taskmanagers/metrics?get=...&agg=min,max,avg (empty map: some name unknown).
    virtual std::map<std::string, AggregatedMetric> task_manager_metrics(const std::vector<std::string>& names) = 0;
    /// GET /jobmanager/metrics?get=... (unknown names are left out).
    virtual std::map<std::string, double> job_manager_metrics(const std::vector<std::string>& names) = 0;
    virtual ResourceRequirements resource_requirements(const std::string& job) = 0;  ///< GET .../resource-requirements
    virtual void set_resource_requirements(const std::string& job, const ResourceRequirements& requirements) = 0;
};

/// What carries the requests of the REST FlinkApi: a GET of a path with its query, a PUT of a
/// JSON body. Returns any HTTP status (the api interprets it) and throws http::RequestError when
/// no response came. An http::Connection is the real one; the simulator's in-process FlinkApi
/// (tests/sim/inprocess) serves the same requests without sockets.
class RestTransport {
public:
    virtual ~RestTransport() = default;
    virtual http::Response get(const std::string& path_and_query) = 0;
    virtual http::Response put(const std::string& path, const std::string& json_body) = 0;
};

/// FlinkApi over the REST API of one JobManager. `cluster` names it in every error. The PUT of
/// resource requirements goes to `rescale_connection` when one is given: a YARN ResourceManager's
/// web proxy may refuse methods other than GET (flink-rest.md §6.2), so reads can go through it
/// while the rescale goes straight to the JobManager.
std::unique_ptr<FlinkApi> make_rest_flink_api(std::string cluster, std::shared_ptr<http::Connection> connection,
                                              std::shared_ptr<http::Connection> rescale_connection = nullptr);
/// The same over any transport (reads and the rescale PUT both go through `transport`).
std::unique_ptr<FlinkApi> make_rest_flink_api(std::string cluster, std::shared_ptr<RestTransport> transport);

}  // namespace flinkscaler::flink
