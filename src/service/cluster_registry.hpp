// SPDX-License-Identifier: Apache-2.0
//
// What the daemon holds per configured cluster between poll rounds: a ClusterRuntime per
// JobManager (its FlinkApi, metric collector and tracked jobs) and a YarnRuntime per `kind: yarn`
// cluster (its ResourceManagers and a ClusterRuntime per running Flink application). A reload
// reconciles the registry with the new config: a cluster whose connection is unchanged keeps its
// runtime (and with it its jobs' in-memory state), any other is rebuilt or dropped.
//
// Where a JobManager's FlinkApi comes from is a seam (FlinkApiFactory): REST in the daemon, an
// in-process simulator in tests.
#pragma once

#include "flink/collector.hpp"
#include "flink/flink_api.hpp"
#include "http/connection.hpp"
#include "service/job_pass.hpp"
#include "service/config_names.hpp"
#include "yarn/resource_manager.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace flinkscaler::service {

/// Builds the FlinkApi of one JobManager: `cluster.connection` for reads, `rescale` (when given)
/// for the PUT of resource requirements (a YARN application reached through an RM proxy that
/// refuses PUTs). May throw (a bad TLS file, say); the runtime is then not built.
using FlinkApiFactory = std::function<std::unique_ptr<flink::FlinkApi>(
    const ClusterConfig& cluster, const std::optional<http::ConnectionSettings>& rescale)>;

/// The daemon's default: flink::make_rest_flink_api over an http::Connection per setting.
FlinkApiFactory rest_flink_api_factory();

bool same_connection(const http::ConnectionSettings& a, const http::ConnectionSettings& b);
/// The same ResourceManagers reached the same way (filters and options may differ).
bool same_yarn(const ClusterConfig& a, const ClusterConfig& b);

struct TrackedJob {
    JobRuntime runtime;
    std::atomic<bool> in_flight{false};
};

// Everything the service holds for one JobManager: a configured cluster, or one application of
// a YARN cluster. Replaced as a whole when its connection settings change (reload, a YARN
// application whose JobManager moved); in-flight tasks keep the old one alive.
struct ClusterRuntime {
    ClusterRuntime(ClusterConfig cfg, std::optional<http::ConnectionSettings> rescale, const FlinkApiFactory& make_api)
        : config(std::move(cfg)),
          rescale_settings(std::move(rescale)),
          api(make_api(config, rescale_settings)),
          collector(std::make_unique<flink::MetricCollector>(*api)) {}

    /// Fixed for the runtime's life: a reload that changes the connection builds a new runtime,
    /// and the options are always read from the current ServiceConfig.
    const ClusterConfig config;
    std::optional<http::ConnectionSettings> rescale_settings;  ///< where PUTs go when not `connection`
    std::unique_ptr<flink::FlinkApi> api;
    std::unique_ptr<flink::MetricCollector> collector;

    std::atomic<bool> discovery_running{false};
    std::atomic<bool> first_discovery_done{false};
    bool reachable = true;  ///< result of the last listing; only the discovery task touches it
    std::mutex jobs_mutex;
    std::map<std::string, std::shared_ptr<TrackedJob>> jobs;  ///< by job id
};

// One `kind: yarn` cluster: its ResourceManagers and a ClusterRuntime per running Flink
// application they list (by application id).
struct YarnRuntime {
    explicit YarnRuntime(ClusterConfig cfg)
        : name(cfg.name), config(std::move(cfg)), resource_managers(name, resource_manager_settings(config)) {}

    static std::vector<http::ConnectionSettings> resource_manager_settings(const ClusterConfig& cfg);

    const std::string name;  ///< readable without the lock (config is not)
    ClusterConfig config;    ///< filters and options may change on reload (guarded by applications_mutex)
    yarn::ResourceManagerClient resource_managers;

    std::atomic<bool> listing_running{false};
    std::atomic<bool> first_listing_done{false};
    bool reachable = true;  ///< result of the last listing; only the listing task touches it
    std::mutex applications_mutex;
    std::map<std::string, std::shared_ptr<ClusterRuntime>> applications;  ///< by application id
    std::set<std::string> unreachable_applications;  ///< warned about once (no usable address)
};

/// The runtimes of the configured clusters. Thread-safe: the loop reconciles it on reload while
/// discovery tasks and housekeeping read snapshots. Its lock is taken before a YarnRuntime's
/// applications_mutex, never after.
class ClusterRegistry {
public:
    explicit ClusterRegistry(FlinkApiFactory make_api);

    /// Makes the runtimes match the enabled clusters of `cfg`: a cluster (or YARN cluster) whose
    /// connection is unchanged keeps its runtime (a YARN one takes the new filters and options),
    /// any other gets a new one. Returns the JobManager runtimes that left (replaced, removed,
    /// and every application of a YARN cluster that left), whose jobs the caller takes off the
    /// status board; their state stays in the store until the retention removes it. Every new
    /// runtime is built before anything changes: when one cannot be built the exception
    /// propagates and the registry is left as it was.
    std::vector<std::shared_ptr<ClusterRuntime>> reconcile(const ServiceConfig& cfg);

    /// A JobManager runtime built with the registry's FlinkApiFactory (YARN applications).
    std::shared_ptr<ClusterRuntime> make_runtime(ClusterConfig cfg,
                                                 std::optional<http::ConnectionSettings> rescale = std::nullopt) const;

    std::map<std::string, std::shared_ptr<ClusterRuntime>> clusters() const;  ///< configured JobManagers
    std::map<std::string, std::shared_ptr<YarnRuntime>> yarn_clusters() const;
    /// Every JobManager: the configured ones and every YARN application's.
    std::vector<std::shared_ptr<ClusterRuntime>> all_job_managers() const;
    /// The board's cluster list: configured clusters, YARN clusters and their applications.
    std::vector<std::string> cluster_names() const;

private:
    const FlinkApiFactory make_api_;
    mutable std::mutex mutex_;  ///< guards clusters_ and yarn_clusters_
    std::map<std::string, std::shared_ptr<ClusterRuntime>> clusters_;
    std::map<std::string, std::shared_ptr<YarnRuntime>> yarn_clusters_;
};

}  // namespace flinkscaler::service
