// SPDX-License-Identifier: Apache-2.0
#include "sim/inprocess/sim_flink_api.hpp"

#include "http/connection.hpp"
#include "sim/rest/request_target.hpp"

#include <utility>

namespace flinkscaler::sim {

/// Serves the REST api's requests from the ClusterState at the caller's simulated time.
class SimFlinkApi::Transport final : public flink::RestTransport {
public:
    Transport(ClusterState& cluster, Now now, SimApiSettings settings)
        : cluster_(cluster), now_(std::move(now)), settings_(settings) {}

    http::Response get(const std::string& path_and_query) override { return send("GET", path_and_query, {}); }
    http::Response put(const std::string& path, const std::string& json_body) override {
        return send("PUT", path, json_body);
    }

    std::uint64_t requests() const { return requests_.load(); }

private:
    http::Response send(const std::string& method, const std::string& target, std::string body) {
        requests_.fetch_add(1);
        // The same "METHOD url: problem" as http::Connection, with the cluster's name as host.
        const std::string where = method + " sim://" + cluster_.name() + target;
        const double now_s = cluster_.epoch().seconds(now_());
        if (cluster_.down_at(now_s)) throw http::RequestError(where + ": connection refused or unreachable");
        const ServedResponse served = cluster_.serve(parse_request_target(method, target, std::move(body)), now_s);
        if (served.delay_s * 1000.0 >= static_cast<double>(settings_.request_timeout.count()))
            throw http::RequestError(where + ": no complete answer within " +
                                     std::to_string(settings_.request_timeout.count()) +
                                     " ms (or the connection was closed)");
        http::Response response;
        response.status = served.response.status;
        response.body = served.response.body;
        response.content_type = served.response.content_type;
        for (const auto& [name, value] : served.headers)
            if (name == "Location") response.location = value;
        return response;
    }

    ClusterState& cluster_;
    Now now_;
    SimApiSettings settings_;
    std::atomic<std::uint64_t> requests_{0};
};

SimFlinkApi::SimFlinkApi(ClusterState& cluster, Now now, SimApiSettings settings)
    : transport_(std::make_shared<Transport>(cluster, std::move(now), settings)),
      rest_(flink::make_rest_flink_api(cluster.name(), transport_)) {}

SimFlinkApi::~SimFlinkApi() = default;

std::uint64_t SimFlinkApi::requests() const { return transport_->requests(); }

}  // namespace flinkscaler::sim
