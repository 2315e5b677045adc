// SPDX-License-Identifier: Apache-2.0
//
// The JSON of a job on the status endpoint (docs/status-endpoint.md "JSON of a job"): what
// /api/v1/jobs lists and what a status page reads. Every field is always present; a value not
// known is null (JSON has no NaN), instants are ISO-8601 UTC with milliseconds.
#pragma once

#include "service/job_status.hpp"

#include <nlohmann/json.hpp>

namespace flinkscaler::service {

/// Every field of `job`; `scaling_history` only when `with_history` (the detail view).
nlohmann::json job_status_json(const JobStatus& job, bool with_history);

}  // namespace flinkscaler::service
