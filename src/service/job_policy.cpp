// SPDX-License-Identifier: Apache-2.0
#include "service/job_policy.hpp"

#include <stdexcept>

namespace flinkscaler::service {

JobPolicy resolve_job(const ServiceConfig& config, const std::string& cluster, const flink::JobOverview& overview,
                      const Configuration& flink_conf) {
    Configuration conf = config.job_configuration(cluster, overview.id, overview.name, flink_conf);
    AutoscalerOptions options;
    try {
        options = AutoscalerOptions::from(conf);
        if (options.enabled)
            if (auto problem = validate(options)) throw std::invalid_argument(*problem);
    } catch (const std::exception& e) {
        return InvalidJobOptions{e.what()};
    }
    if (!options.enabled) return DisabledJob{};
    return AutoscaledJob{std::move(options), std::move(conf)};
}

}  // namespace flinkscaler::service
