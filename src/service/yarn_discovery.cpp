// SPDX-License-Identifier: Apache-2.0
#include "service/yarn_discovery.hpp"

#include "service/log_fields.hpp"
#include "service/logging.hpp"

namespace flinkscaler::service {

namespace {

// The connection settings of one YARN application's JobManager at `base_url`. Credentials are
// the ResourceManager's: they go through its web proxy, never to a NodeManager host directly
// (Flink's own REST has no authentication).
http::ConnectionSettings application_connection(const ClusterConfig& yarn_cluster, const std::string& base_url,
                                                bool direct) {
    auto settings = yarn_cluster.connection;
    settings.base_url = base_url;
    if (direct) settings.auth = {};
    return settings;
}

}  // namespace

// One apps query per round, whatever the number of applications (issue 6: keep the RM's load
// low); then every application's JobManager is discovered like a configured cluster.
ApplicationListing list_applications(YarnRuntime& yarn, const ClusterRegistry& registry, StatusBoard& board) {
    ApplicationListing out;
    const std::string& name = yarn.name;
    ClusterConfig yarn_config;
    {
        std::lock_guard lock(yarn.applications_mutex);
        yarn_config = yarn.config;
    }
    const auto& settings = *yarn_config.yarn;
    std::vector<yarn::Application> listed;
    try {
        listed = yarn.resource_managers.running_applications(settings.applications);
    } catch (const std::exception& e) {
        board.discovery_finished(name, false);
        board.count(Family::RestErrors, name, flink::FlinkApiError::Kind::NoResponse);
        // Like an unreachable JobManager: nothing is dropped while the RM cannot be asked. The
        // known applications are still served when their JobManagers are reached directly: an RM
        // outage (or failover) does not stop their autoscaling.
        log_with(yarn.reachable ? spdlog::level::warn : spdlog::level::debug,
                 "cannot list YARN applications: " + std::string(e.what()), cluster_fields(name));
        yarn.reachable = false;
        if (settings.flink_access == yarn::FlinkAccess::Direct) {
            std::lock_guard lock(yarn.applications_mutex);
            for (const auto& [id, app] : yarn.applications) out.to_discover.push_back(app);
        }
        return out;
    }
    if (!yarn.reachable) log_with(spdlog::level::info, "ResourceManager reachable again", cluster_fields(name));
    yarn.reachable = true;
    board.discovery_finished(name, true);
    out.listed = true;
    const std::string active_rm = yarn.resource_managers.active_url();

    std::lock_guard lock(yarn.applications_mutex);
    std::set<std::string> seen;
    for (const auto& app : listed) {
        if (!settings.selects(app)) continue;
        seen.insert(app.id);
        const std::string app_cluster = application_cluster_name(name, app.id);
        yarn::FlinkEndpoint endpoint;
        try {
            endpoint = yarn::flink_endpoint(app, settings.flink_access, active_rm, settings.direct_scheme);
        } catch (const std::exception& e) {
            // Typically an application whose JobManager has not registered its address yet.
            if (yarn.unreachable_applications.insert(app.id).second)
                log_with(spdlog::level::warn, "cannot reach the JobManager of a YARN application: " +
                                                  std::string(e.what()),
                         {{"cluster", app_cluster}, {"application_name", app.name}});
            continue;
        }
        yarn.unreachable_applications.erase(app.id);
        ClusterConfig app_config = yarn_config;
        app_config.name = app_cluster;
        app_config.yarn.reset();
        app_config.connection = application_connection(yarn_config, endpoint.read_url, endpoint.read_direct);
        std::optional<http::ConnectionSettings> rescale;
        if (endpoint.rescale_url != endpoint.read_url)
            rescale = application_connection(yarn_config, endpoint.rescale_url, endpoint.rescale_direct);

        auto& runtime = yarn.applications[app.id];
        const bool moved = runtime && (!same_connection(runtime->config.connection, app_config.connection) ||
                                       runtime->rescale_settings.has_value() != rescale.has_value() ||
                                       (rescale && !same_connection(*runtime->rescale_settings, *rescale)));
        if (!runtime || moved) {
            // A new attempt of the application (or a failed-over RM) changes the address; the
            // job keys stay, so a job whose id is unchanged keeps its history.
            if (runtime) out.dropped.push_back(runtime);
            runtime = registry.make_runtime(app_config, rescale);
            runtime->first_discovery_done = true;  // readiness counts the YARN cluster, not its applications
            log_with(spdlog::level::info, moved ? "the JobManager of a YARN application moved" : "discovered YARN application",
                     {{"cluster", app_cluster}, {"application_name", app.name}, {"queue", app.queue},
                      {"user", app.user}, {"flink_rest", endpoint.read_url}, {"rescale_via", endpoint.rescale_url}});
        }
        out.to_discover.push_back(runtime);
    }
    for (auto it = yarn.applications.begin(); it != yarn.applications.end();) {
        if (seen.count(it->first)) {
            ++it;
            continue;
        }
        log_with(spdlog::level::info, "YARN application is no longer running; its jobs' state is kept for the retention period",
                 cluster_fields(it->second->config.name));
        out.dropped.push_back(it->second);
        it = yarn.applications.erase(it);
    }
    for (auto it = yarn.unreachable_applications.begin(); it != yarn.unreachable_applications.end();)
        it = seen.count(*it) ? std::next(it) : yarn.unreachable_applications.erase(it);
    return out;
}

}  // namespace flinkscaler::service
