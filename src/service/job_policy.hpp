// SPDX-License-Identifier: Apache-2.0
//
// Which options a discovered job runs with, and whether it is autoscaled at all: the pure part
// of discovery (no I/O, no clock, no thread). The precedence of the option levels is
// ServiceConfig::job_configuration's (architecture.md "Configuration precedence"); this adds the
// parsing and the validation of the result, and the `job.autoscaler.enabled` switch.
#pragma once

#include "flink/responses.hpp"
#include "service/config_names.hpp"

#include "flinkscaler/options.hpp"

#include <string>
#include <variant>

namespace flinkscaler::service {

/// A job to autoscale: its options and the effective configuration they were parsed from (all
/// precedence levels; stored as the job's info).
struct AutoscaledJob {
    AutoscalerOptions options;
    Configuration configuration;
};

/// `job.autoscaler.enabled` is false for the job.
struct DisabledJob {};

/// The job's options do not parse, or parse into a combination validate() rejects. The job is
/// neither scaled nor disabled until the configuration changes.
struct InvalidJobOptions {
    std::string reason;  ///< the parser's or validate()'s message
};

using JobPolicy = std::variant<AutoscaledJob, DisabledJob, InvalidJobOptions>;

/// The policy for job `overview` of cluster `cluster` (a configured cluster or a YARN
/// application's "<yarn-cluster>/<application-id>"), whose JobManager reports `flink_conf` as
/// the job's configuration. Options of a disabled job are not validated. Throws only what
/// ServiceConfig::job_configuration throws.
JobPolicy resolve_job(const ServiceConfig& config, const std::string& cluster, const flink::JobOverview& overview,
                      const Configuration& flink_conf);

}  // namespace flinkscaler::service
