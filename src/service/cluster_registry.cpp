// SPDX-License-Identifier: Apache-2.0
#include "service/cluster_registry.hpp"

namespace flinkscaler::service {

FlinkApiFactory rest_flink_api_factory() {
    return [](const ClusterConfig& cluster, const std::optional<http::ConnectionSettings>& rescale) {
        return flink::make_rest_flink_api(cluster.name, std::make_shared<http::Connection>(cluster.connection),
                                          rescale ? std::make_shared<http::Connection>(*rescale) : nullptr);
    };
}

bool same_connection(const http::ConnectionSettings& a, const http::ConnectionSettings& b) {
    return a.base_url == b.base_url && a.tls.ca_file == b.tls.ca_file && a.tls.cert_file == b.tls.cert_file &&
           a.tls.key_file == b.tls.key_file && a.tls.verify == b.tls.verify && a.auth.kind == b.auth.kind &&
           a.auth.username == b.auth.username && a.auth.password == b.auth.password && a.auth.token == b.auth.token &&
           a.connect_timeout == b.connect_timeout && a.request_timeout == b.request_timeout &&
           a.max_concurrent_requests == b.max_concurrent_requests && a.headers == b.headers;
}

bool same_yarn(const ClusterConfig& a, const ClusterConfig& b) {
    return a.yarn && b.yarn && same_connection(a.connection, b.connection) &&
           a.yarn->resource_managers == b.yarn->resource_managers && a.yarn->flink_access == b.yarn->flink_access &&
           a.yarn->direct_scheme == b.yarn->direct_scheme;
}

std::vector<http::ConnectionSettings> YarnRuntime::resource_manager_settings(const ClusterConfig& cfg) {
    std::vector<http::ConnectionSettings> out;
    for (const auto& url : cfg.yarn->resource_managers) {
        auto settings = cfg.connection;
        settings.base_url = url;
        // With a standby to fail over to, retrying a dead RM only delays the one that answers.
        if (cfg.yarn->resource_managers.size() > 1) settings.max_retries = 0;
        out.push_back(std::move(settings));
    }
    return out;
}

ClusterRegistry::ClusterRegistry(FlinkApiFactory make_api) : make_api_(std::move(make_api)) {}

std::shared_ptr<ClusterRuntime> ClusterRegistry::make_runtime(ClusterConfig cfg,
                                                              std::optional<http::ConnectionSettings> rescale) const {
    return std::make_shared<ClusterRuntime>(std::move(cfg), std::move(rescale), make_api_);
}

std::vector<std::shared_ptr<ClusterRuntime>> ClusterRegistry::reconcile(const ServiceConfig& cfg) {
    std::lock_guard clusters_lock(mutex_);
    std::map<std::string, std::shared_ptr<ClusterRuntime>> next;
    std::map<std::string, std::shared_ptr<YarnRuntime>> next_yarn;
    std::vector<std::pair<std::shared_ptr<YarnRuntime>, const ClusterConfig*>> kept_yarn;
    for (const auto& cluster_config : cfg.clusters) {
        if (!cluster_config.enabled) continue;
        if (cluster_config.yarn) {
            auto existing = yarn_clusters_.find(cluster_config.name);
            if (existing != yarn_clusters_.end() && same_yarn(existing->second->config, cluster_config)) {
                kept_yarn.emplace_back(existing->second, &cluster_config);
                next_yarn[cluster_config.name] = existing->second;
            } else {
                next_yarn[cluster_config.name] = std::make_shared<YarnRuntime>(cluster_config);
            }
            continue;
        }
        auto existing = clusters_.find(cluster_config.name);
        if (existing != clusters_.end() && same_connection(existing->second->config.connection, cluster_config.connection)) {
            next[cluster_config.name] = existing->second;
        } else {
            next[cluster_config.name] = make_runtime(cluster_config);
        }
    }
    // Nothing has changed until here; from here on nothing throws.
    for (auto& [yarn, cluster_config] : kept_yarn) {
        std::lock_guard lock(yarn->applications_mutex);
        yarn->config = *cluster_config;
    }
    std::vector<std::shared_ptr<ClusterRuntime>> dropped;
    for (auto& [name, runtime] : clusters_)
        if (!next.count(name) || next[name] != runtime) dropped.push_back(runtime);
    for (auto& [name, yarn] : yarn_clusters_) {
        if (next_yarn.count(name) && next_yarn[name] == yarn) continue;
        std::lock_guard lock(yarn->applications_mutex);
        for (auto& [id, app] : yarn->applications) dropped.push_back(app);
        yarn->applications.clear();
    }
    clusters_ = std::move(next);
    yarn_clusters_ = std::move(next_yarn);
    return dropped;
}

std::map<std::string, std::shared_ptr<ClusterRuntime>> ClusterRegistry::clusters() const {
    std::lock_guard lock(mutex_);
    return clusters_;
}

std::map<std::string, std::shared_ptr<YarnRuntime>> ClusterRegistry::yarn_clusters() const {
    std::lock_guard lock(mutex_);
    return yarn_clusters_;
}

std::vector<std::shared_ptr<ClusterRuntime>> ClusterRegistry::all_job_managers() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<ClusterRuntime>> out;
    for (const auto& [name, cluster] : clusters_) out.push_back(cluster);
    for (const auto& [name, yarn] : yarn_clusters_) {
        std::lock_guard apps_lock(yarn->applications_mutex);
        for (const auto& [id, app] : yarn->applications) out.push_back(app);
    }
    return out;
}

std::vector<std::string> ClusterRegistry::cluster_names() const {
    std::vector<std::string> names;
    std::lock_guard lock(mutex_);
    for (const auto& [name, cluster] : clusters_) names.push_back(name);
    for (const auto& [name, yarn] : yarn_clusters_) {
        names.push_back(name);
        std::lock_guard apps_lock(yarn->applications_mutex);
        for (const auto& [id, app] : yarn->applications) names.push_back(app->config.name);
    }
    return names;
}

}  // namespace flinkscaler::service
