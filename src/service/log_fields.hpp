// SPDX-License-Identifier: Apache-2.0
//
// The structured fields of the daemon's log lines about a cluster or a job (log_with): one
// spelling of them for the loop, discovery and the job pass, so a log shipper can filter every
// line of one job by `job` (its key) and read `job_name` beside it.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

namespace flinkscaler::service {

struct JobIdentity;

/// {"cluster": cluster}
nlohmann::json cluster_fields(std::string_view cluster);
/// {"cluster": id.cluster, "job": id.key, "job_name": id.name}
nlohmann::json job_fields(const JobIdentity& id);

}  // namespace flinkscaler::service
