// SPDX-License-Identifier: Apache-2.0
//
// The simulated YARN ResourceManagers of a scenario (flink-rest.md §6): the applications
// REST API (/ws/v1/cluster/apps, /apps/<id>, /info) of the active RM, the 307 redirect of a
// standby RM (HA, §6.4), and the web proxy /proxy/<appId>/... that forwards a request to the
// application's simulated Flink cluster in-process (§6.2), optionally refusing non-GET
// methods with 405 like some Hadoop versions do. No sockets here: the HTTP layer (one
// HttpEndpoint per RM) calls serve(), and so can tests.
#pragma once

#include "sim/rest/cluster_state.hpp"
#include "sim/rest/rest_types.hpp"
#include "sim/rest/yarn_spec.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace flinkscaler::sim {

enum class YarnAppState { Accepted, Running, Finished };

class ResourceManagers {
public:
    /// `clusters[i]` is the state of the scenario's cluster i (an application's `cluster`
    /// indexes it); they must outlive this object.
    ResourceManagers(YarnSpec spec, std::int64_t start_epoch_ms, std::vector<ClusterState*> clusters);

    std::size_t count() const { return spec_.resource_managers.size(); }
    const ResourceManagerSpec& rm(std::size_t index) const { return spec_.resource_managers.at(index); }
    const YarnSpec& spec() const { return spec_; }

    /// The port RM `index` is bound to (0 before the first bind).
    int port(std::size_t index) const;
    void set_port(std::size_t index, int port);

    /// Which RM is active at `now_s` (the scenario's `active`, then its failovers).
    std::size_t active_at(double now_s) const;
    /// RM `index` refuses connections (a `down` window is open).
    bool down_at(std::size_t index, double now_s) const;
    /// The cluster's application has finished with `stop_cluster_on_finish`: its port is closed.
    bool cluster_stopped(std::size_t cluster, double now_s) const;
    YarnAppState app_state(const YarnApplicationSpec& app, double now_s) const;

    /// Answer a request to RM `index` at simulated time `now_s`. `target` is the raw path and
    /// query as received (for the Location of a redirect); empty = rebuilt from the request.
    ServedResponse serve(std::size_t index, const RestRequest& request, const std::string& target, double now_s);

private:
    std::int64_t epoch_ms(double t_s) const { return start_ms_ + static_cast<std::int64_t>(t_s * 1000.0); }
    std::optional<std::size_t> find_app_index(std::string_view id) const;
    static double submitted_s(const YarnApplicationSpec& app);
    nlohmann::ordered_json app_json(std::size_t app, std::size_t active, double now_s) const;
    std::string base_url(std::size_t index) const;
    ServedResponse serve_active(std::size_t index, const RestRequest& request, double now_s);
    ServedResponse serve_proxy(const RestRequest& request, std::string_view rest, double now_s);
    RestResponse list_apps(const RestRequest& request, std::size_t active, double now_s) const;
    RestResponse cluster_info(bool active) const;

    struct Resources {
        int am_mb = 2048;
        int tm_mb = 2048;
        int taskmanagers = 0;
        int tm_vcores = 1;
    };

    YarnSpec spec_;
    std::int64_t start_ms_;
    std::vector<ClusterState*> clusters_;
    std::vector<Resources> resources_;  ///< per application, from its cluster's TaskManagers
    mutable std::mutex mutex_;
    std::vector<int> ports_;
};

}  // namespace flinkscaler::sim
