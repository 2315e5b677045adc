// SPDX-License-Identifier: Apache-2.0
#include "service/log_fields.hpp"

#include "service/job_pass.hpp"

namespace flinkscaler::service {

nlohmann::json cluster_fields(std::string_view cluster) { return {{"cluster", cluster}}; }

nlohmann::json job_fields(const JobIdentity& id) {
    return {{"cluster", id.cluster}, {"job", id.key}, {"job_name", id.name}};
}

}  // namespace flinkscaler::service
