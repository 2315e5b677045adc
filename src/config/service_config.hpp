// SPDX-License-Identifier: Apache-2.0
//
// The model of the daemon's configuration file (YAML, docs/configuration.md, JSON Schema in
// schema/config/flinkscaler-config.schema.json): service settings, `defaults:` autoscaler options,
// `clusters:` with their connection settings and options, and `jobs:` overrides. Reading a file
// into it is config_loader.hpp.
//
// Precedence of autoscaler options (lowest to highest, architecture.md): built-in defaults <
// `defaults:` < the cluster's `options:` < every matching `jobs:` entry in file order (a later
// entry wins) < the job's own Flink configuration (`GET /jobs/:jid/jobmanager/config`).
#pragma once

#include "yarn/applications.hpp"
#include "http/connection.hpp"
#include "yarn/flink_endpoint.hpp"

#include "flinkscaler/options.hpp"
#include "flinkscaler/time.hpp"

#include <optional>
#include <string>
#include <vector>

namespace flinkscaler::config {

enum class LogFormat { Text, Json };

struct LogSettings {
    std::string level = "info";  ///< trace, debug, info, warn, error
    LogFormat format = LogFormat::Text;
    /// Empty: stderr (journald under systemd). Otherwise a size-rotated file.
    std::string file;
    std::size_t max_file_bytes = 64u << 20;
    int max_files = 5;
};

struct ServiceSettings {
    Millis poll_interval = std::chrono::seconds(10);
    /// Threads that run job passes and discoveries.
    int workers = 16;
    /// Default cap of concurrent requests per cluster (a cluster's `max-concurrent-requests`
    /// overrides it); also the cap of concurrent job passes on one cluster.
    int cluster_max_concurrent_requests = 4;
    Millis connect_timeout = std::chrono::seconds(5);
    Millis request_timeout = std::chrono::seconds(10);
    std::string state_database = "/var/lib/flinkscaler/state.db";  ///< state-store.path (sqlite)
    std::string state_store_backend = "sqlite";                    ///< state-store.backend
    /// "host:port" of the status endpoint; empty disables it. Loopback by default.
    std::string status_address = "127.0.0.1:8089";
    /// The content of service.status-token-file: a bearer token every status path but /healthz
    /// requires; "" for none. A secret: never logged or printed.
    std::string status_token;
    /// Compute and report, never PUT.
    bool dry_run = false;
    /// State of a job that is no longer listed is deleted after this long.
    Millis job_retention = std::chrono::hours(24);
    /// Events older than this are deleted.
    Millis event_retention = std::chrono::hours(24 * 7);
    /// Raw samples kept for `flinkscaler export`; 0 records none. About 1.7 MB per hour for a
    /// 10-vertex job at a 10 s poll interval.
    Millis sample_retention = std::chrono::hours(1);
    /// Failed rescales of a job in a row after which it is no longer rescaled; 0 = never.
    int rescale_failure_limit = 3;
    LogSettings log;
};

/// What a `kind: yarn` cluster entry adds: the ResourceManagers to ask for running Flink
/// applications, which of them to take, and how to reach each application's JobManager.
struct YarnSettings {
    std::vector<std::string> resource_managers;  ///< base URLs in the configured (HA) order
    yarn::FlinkAccess flink_access = yarn::FlinkAccess::Auto;
    /// Scheme of `http(s)://<amRPCAddress>` for direct access (the RM does not say whether the
    /// JobManager's REST has TLS on).
    std::string direct_scheme = "http";
    yarn::ApplicationFilter applications;  ///< sent to the RM and checked again on the answer
    std::optional<std::string> name_glob;  ///< on the application name; checked by flinkscaler

    /// Whether a listed application is scaled: the filter (yarn::matches) and the name glob.
    bool selects(const yarn::Application& application) const;
};

struct ClusterConfig {
    /// Unique; part of every job key "<name>/<job-id>". A YARN application's JobManager is the
    /// cluster "<name>/<application-id>" (see application_cluster_name).
    std::string name;
    /// base_url, TLS, auth (secrets already read from their files), timeouts, request cap. For a
    /// YARN cluster everything but base_url, which is each ResourceManager's or application's.
    http::ConnectionSettings connection;
    /// Set for `kind: yarn`: the JobManagers are the running Flink applications its RMs list.
    std::optional<YarnSettings> yarn;
    Configuration options;  ///< the cluster's `options:` (raw strings, Flink syntax)
    bool enabled = true;
    int line = 0;  ///< where the entry starts, for messages
};

/// "<yarn-cluster>/<application-id>": the cluster name of one YARN application's JobManager.
std::string application_cluster_name(const std::string& yarn_cluster, const std::string& application_id);
/// The configured cluster a (possibly YARN application) cluster name belongs to: the part before
/// the first '/' (configured names cannot hold one).
std::string configured_cluster_name(const std::string& cluster_name);

/// A `jobs:` entry. A job matches when every given selector matches: `name` is a glob (`*`, `?`,
/// `[...]`) on the job name, `id` the exact job id (32 hex digits), `cluster` the exact name of a
/// configured cluster (for a YARN cluster: every job of every application it discovers).
struct JobOverride {
    std::optional<std::string> name_glob;
    std::optional<std::string> id;  ///< stored in lower case
    std::optional<std::string> cluster;
    Configuration options;
    int line = 0;

    /// Every given selector matches (the job id case-insensitively; Flink prints it in lower case).
    bool matches(const std::string& cluster_name, const std::string& job_id, const std::string& job_name) const;
};

struct ServiceConfig {
    std::string file;  ///< the path it was read from
    ServiceSettings service;
    Configuration defaults;
    std::vector<ClusterConfig> clusters;
    std::vector<JobOverride> jobs;

    const ClusterConfig* find_cluster(const std::string& name) const;

    /// The options of one job by the precedence above. `job_flink_configuration` is what the
    /// job's JobManager reports; only its autoscaler-relevant keys are taken (job.autoscaler.*,
    /// the deprecated kubernetes.operator.job.autoscaler.* forms, jobmanager.scheduler,
    /// pipeline.jobvertex-parallelism-overrides, taskmanager.numberOfTaskSlots,
    /// taskmanager.memory.process.size).
    Configuration job_configuration(const std::string& cluster, const std::string& job_id, const std::string& job_name,
                                    const Configuration& job_flink_configuration) const;
};

}  // namespace flinkscaler::config
