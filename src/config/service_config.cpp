// SPDX-License-Identifier: Apache-2.0
#include "config/service_config.hpp"

#include "config/glob.hpp"

#include "flinkscaler/option_layers.hpp"
#include "flinkscaler/text.hpp"

namespace flinkscaler::config {

bool YarnSettings::selects(const yarn::Application& application) const {
    return yarn::matches(applications, application) && (!name_glob || glob_match(*name_glob, application.name));
}

std::string application_cluster_name(const std::string& yarn_cluster, const std::string& application_id) {
    return yarn_cluster + "/" + application_id;
}

std::string configured_cluster_name(const std::string& cluster_name) {
    return cluster_name.substr(0, cluster_name.find('/'));
}

bool JobOverride::matches(const std::string& cluster_name, const std::string& job_id,
                          const std::string& job_name) const {
    if (cluster && *cluster != configured_cluster_name(cluster_name)) return false;
    if (id && *id != to_lower(job_id)) return false;
    if (name_glob && !glob_match(*name_glob, job_name)) return false;
    return true;
}

const ClusterConfig* ServiceConfig::find_cluster(const std::string& name) const {
    for (const auto& c : clusters)
        if (c.name == name) return &c;
    return nullptr;
}

Configuration ServiceConfig::job_configuration(const std::string& cluster, const std::string& job_id,
                                               const std::string& job_name,
                                               const Configuration& job_flink_configuration) const {
    Configuration conf = defaults;
    if (const auto* c = find_cluster(configured_cluster_name(cluster))) overlay(conf, c->options);
    for (const auto& job : jobs)
        if (job.matches(cluster, job_id, job_name)) overlay(conf, job.options);
    overlay(conf, autoscaler_relevant(job_flink_configuration));
    return conf;
}

}  // namespace flinkscaler::config
