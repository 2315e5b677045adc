// SPDX-License-Identifier: Apache-2.0
#include "service/service.hpp"

#include "http/connection.hpp"
#include "service/job_pass.hpp"
#include "service/log_fields.hpp"
#include "yarn/resource_manager.hpp"
#include "service/logging.hpp"
#include "store/open_store.hpp"
#include "service/status_board.hpp"
#include "service/status_server.hpp"
#include "service/systemd_notify.hpp"
#include "service/worker_pool.hpp"

#include "flinkscaler/config_values.hpp"
#include "flinkscaler/event_reasons.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <vector>

namespace flinkscaler::service {

namespace {

using SteadyClock = std::chrono::steady_clock;

Instant wall_now() { return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()); }

bool is_terminal(const std::string& state) {
    return state == "FINISHED" || state == "CANCELED" || state == "FAILED";
}

bool same_connection(const http::ConnectionSettings& a, const http::ConnectionSettings& b) {
    return a.base_url == b.base_url && a.tls.ca_file == b.tls.ca_file && a.tls.cert_file == b.tls.cert_file &&
           a.tls.key_file == b.tls.key_file && a.tls.verify == b.tls.verify && a.auth.kind == b.auth.kind &&
           a.auth.username == b.auth.username && a.auth.password == b.auth.password && a.auth.token == b.auth.token &&
           a.connect_timeout == b.connect_timeout && a.request_timeout == b.request_timeout &&
           a.max_concurrent_requests == b.max_concurrent_requests && a.headers == b.headers;
}

struct TrackedJob {
    JobRuntime runtime;
    std::atomic<bool> in_flight{false};
};

// Everything the service holds for one JobManager: a configured cluster, or one application of
// a YARN cluster. Replaced as a whole when its connection settings change (reload, a YARN
// application whose JobManager moved); in-flight tasks keep the old one alive.
struct ClusterRuntime {
    explicit ClusterRuntime(ClusterConfig cfg, std::optional<http::ConnectionSettings> rescale = std::nullopt)
        : config(std::move(cfg)),
          rescale_settings(std::move(rescale)),
          connection(std::make_shared<http::Connection>(config.connection)),
          api(flink::make_rest_flink_api(
              config.name, connection,
              rescale_settings ? std::make_shared<http::Connection>(*rescale_settings) : nullptr)),
          collector(std::make_unique<flink::MetricCollector>(*api)) {}

    /// Fixed for the runtime's life: a reload that changes the connection builds a new runtime,
    /// and the options are always read from the current ServiceConfig.
    const ClusterConfig config;
    std::optional<http::ConnectionSettings> rescale_settings;  ///< where PUTs go when not `connection`
    std::shared_ptr<http::Connection> connection;
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

    static std::vector<http::ConnectionSettings> resource_manager_settings(const ClusterConfig& cfg) {
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

bool same_yarn(const ClusterConfig& a, const ClusterConfig& b) {
    return a.yarn && b.yarn && same_connection(a.connection, b.connection) &&
           a.yarn->resource_managers == b.yarn->resource_managers && a.yarn->flink_access == b.yarn->flink_access &&
           a.yarn->direct_scheme == b.yarn->direct_scheme;
}

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

ServiceConfig apply_overrides(ServiceConfig config, const ServiceOverrides& overrides) {
    if (overrides.state_database) config.service.state_database = *overrides.state_database;
    if (overrides.status_address) config.service.status_address = *overrides.status_address;
    if (overrides.log_level) config.service.log.level = *overrides.log_level;
    if (overrides.dry_run) config.service.dry_run = true;
    return config;
}

struct Service::Impl {
    Impl(std::string path, ServiceConfig cfg, ServiceOverrides ovr, std::string ver)
        : config_path(std::move(path)),
          overrides(std::move(ovr)),
          config(std::make_shared<const ServiceConfig>(apply_overrides(std::move(cfg), overrides))),
          version(std::move(ver)),
          board(version) {}

    const std::string config_path;
    const ServiceOverrides overrides;
    std::shared_ptr<const ServiceConfig> config;  ///< replaced on reload; read on the main thread
    const std::string version;

    StatusBoard board;
    SystemdNotifier notifier;
    std::unique_ptr<store::StateStore> store;
    std::unique_ptr<WorkerPool> pool;
    /// Guards `clusters` and `yarn_clusters` (replaced on reload, read by housekeeping). Taken
    /// before a YarnRuntime's applications_mutex, never after.
    mutable std::mutex clusters_mutex;
    std::map<std::string, std::shared_ptr<ClusterRuntime>> clusters;  ///< configured JobManagers
    std::map<std::string, std::shared_ptr<YarnRuntime>> yarn_clusters;

    std::map<std::string, std::shared_ptr<ClusterRuntime>> clusters_snapshot() const {
        std::lock_guard lock(clusters_mutex);
        return clusters;
    }
    std::map<std::string, std::shared_ptr<YarnRuntime>> yarn_snapshot() const {
        std::lock_guard lock(clusters_mutex);
        return yarn_clusters;
    }
    /// Every JobManager: the configured ones and every YARN application's.
    std::vector<std::shared_ptr<ClusterRuntime>> all_job_managers() const {
        std::lock_guard lock(clusters_mutex);
        std::vector<std::shared_ptr<ClusterRuntime>> out;
        for (const auto& [name, cluster] : clusters) out.push_back(cluster);
        for (const auto& [name, yarn] : yarn_clusters) {
            std::lock_guard apps_lock(yarn->applications_mutex);
            for (const auto& [id, app] : yarn->applications) out.push_back(app);
        }
        return out;
    }
    /// The board's cluster list: configured clusters, YARN clusters and their applications.
    void publish_cluster_names() {
        std::vector<std::string> names;
        {
            std::lock_guard lock(clusters_mutex);
            for (const auto& [name, cluster] : clusters) names.push_back(name);
            for (const auto& [name, yarn] : yarn_clusters) {
                names.push_back(name);
                std::lock_guard apps_lock(yarn->applications_mutex);
                for (const auto& [id, app] : yarn->applications) names.push_back(app->config.name);
            }
        }
        board.retain_clusters(names);
    }
    void drop_jobs(ClusterRuntime& runtime) {
        std::lock_guard lock(runtime.jobs_mutex);
        for (const auto& [id, job] : runtime.jobs) board.remove_job(job->runtime.id.key);
        runtime.jobs.clear();
    }
    static std::set<std::string> cluster_keys(ClusterRuntime& cluster) {
        std::set<std::string> keys;
        std::lock_guard lock(cluster.jobs_mutex);
        for (const auto& [id, job] : cluster.jobs) keys.insert(job->runtime.id.key);
        return keys;
    }

    std::mutex signal_mutex;
    std::condition_variable wake;
    bool stop_requested = false;
    bool reload_requested = false;

    std::atomic<int> first_round_pending{0};
    std::atomic<bool> housekeeping_running{false};

    void run();
    void build_clusters(const ServiceConfig& cfg);
    void dispatch_discovery(const std::shared_ptr<ClusterRuntime>& cluster, std::shared_ptr<const ServiceConfig> cfg);
    void dispatch_yarn_listing(const std::shared_ptr<YarnRuntime>& yarn, std::shared_ptr<const ServiceConfig> cfg);
    void list_applications(YarnRuntime& yarn, const std::shared_ptr<const ServiceConfig>& cfg);
    void discover(ClusterRuntime& cluster, const std::shared_ptr<ClusterRuntime>& self, const ServiceConfig& cfg);
    void dispatch_pass(const std::shared_ptr<ClusterRuntime>& cluster, const std::shared_ptr<TrackedJob>& job,
                       AutoscalerOptions options, Configuration configuration, std::string effective_state,
                       const ServiceSettings& settings);
    void forget_job(ClusterRuntime& cluster, const std::string& job_id, const std::string& why);
    void housekeeping(std::shared_ptr<const ServiceConfig> cfg);
    void reload();
    void first_discovery_done();
};

void Service::Impl::build_clusters(const ServiceConfig& cfg) {
    {
        std::lock_guard clusters_lock(clusters_mutex);
        std::map<std::string, std::shared_ptr<ClusterRuntime>> next;
        std::map<std::string, std::shared_ptr<YarnRuntime>> next_yarn;
        for (const auto& cluster_config : cfg.clusters) {
            if (!cluster_config.enabled) continue;
            if (cluster_config.yarn) {
                auto existing = yarn_clusters.find(cluster_config.name);
                if (existing != yarn_clusters.end() && same_yarn(existing->second->config, cluster_config)) {
                    std::lock_guard lock(existing->second->applications_mutex);
                    existing->second->config = cluster_config;
                    next_yarn[cluster_config.name] = existing->second;
                } else {
                    next_yarn[cluster_config.name] = std::make_shared<YarnRuntime>(cluster_config);
                }
                continue;
            }
            auto existing = clusters.find(cluster_config.name);
            if (existing != clusters.end() && same_connection(existing->second->config.connection, cluster_config.connection)) {
                next[cluster_config.name] = existing->second;
            } else {
                next[cluster_config.name] = std::make_shared<ClusterRuntime>(cluster_config);
            }
        }
        // Jobs of clusters that went away (or were rebuilt) leave the board; their state stays in
        // the store until the retention removes it.
        for (auto& [name, runtime] : clusters)
            if (!next.count(name) || next[name] != runtime) drop_jobs(*runtime);
        for (auto& [name, yarn] : yarn_clusters) {
            if (next_yarn.count(name) && next_yarn[name] == yarn) continue;
            std::lock_guard lock(yarn->applications_mutex);
            for (auto& [id, app] : yarn->applications) drop_jobs(*app);
            yarn->applications.clear();
        }
        clusters = std::move(next);
        yarn_clusters = std::move(next_yarn);
    }
    publish_cluster_names();
}

void Service::Impl::first_discovery_done() {
    if (first_round_pending.fetch_sub(1) == 1) {
        board.set_ready(true);
        notifier.notify("READY=1\nSTATUS=first poll round done");
        log_with(spdlog::level::info, "first poll round done; ready");
    }
}

void Service::Impl::dispatch_discovery(const std::shared_ptr<ClusterRuntime>& cluster,
                                       std::shared_ptr<const ServiceConfig> cfg) {
    bool expected = false;
    if (!cluster->discovery_running.compare_exchange_strong(expected, true)) {
        board.poll_overrun();
        return;
    }
    pool->submit(cluster->config.name, cluster->config.connection.max_concurrent_requests,
                 [this, cluster, cfg = std::move(cfg)] {
                     try {
                         discover(*cluster, cluster, *cfg);
                     } catch (const std::exception& e) {
                         log_with(spdlog::level::err, "discovery failed: " + std::string(e.what()),
                                  cluster_fields(cluster->config.name));
                     }
                     cluster->discovery_running = false;
                     if (!cluster->first_discovery_done.exchange(true)) first_discovery_done();
                 });
}

void Service::Impl::dispatch_yarn_listing(const std::shared_ptr<YarnRuntime>& yarn,
                                          std::shared_ptr<const ServiceConfig> cfg) {
    bool expected = false;
    if (!yarn->listing_running.compare_exchange_strong(expected, true)) {
        board.poll_overrun();
        return;
    }
    pool->submit(yarn->name, 1, [this, yarn, cfg = std::move(cfg)] {
        try {
            list_applications(*yarn, cfg);
        } catch (const std::exception& e) {
            log_with(spdlog::level::err, "YARN discovery failed: " + std::string(e.what()),
                     cluster_fields(yarn->name));
        }
        yarn->listing_running = false;
        if (!yarn->first_listing_done.exchange(true)) first_discovery_done();
    });
}

// One apps query per round, whatever the number of applications (issue 6: keep the RM's load
// low); then every application's JobManager is discovered like a configured cluster.
void Service::Impl::list_applications(YarnRuntime& yarn, const std::shared_ptr<const ServiceConfig>& cfg) {
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
            std::vector<std::shared_ptr<ClusterRuntime>> known;
            {
                std::lock_guard lock(yarn.applications_mutex);
                for (const auto& [id, app] : yarn.applications) known.push_back(app);
            }
            for (const auto& app : known) dispatch_discovery(app, cfg);
        }
        return;
    }
    if (!yarn.reachable) log_with(spdlog::level::info, "ResourceManager reachable again", cluster_fields(name));
    yarn.reachable = true;
    board.discovery_finished(name, true);
    const std::string active_rm = yarn.resource_managers.active_url();

    std::vector<std::shared_ptr<ClusterRuntime>> to_discover;
    {
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
                if (runtime) drop_jobs(*runtime);
                runtime = std::make_shared<ClusterRuntime>(app_config, rescale);
                runtime->first_discovery_done = true;  // readiness counts the YARN cluster, not its applications
                log_with(spdlog::level::info, moved ? "the JobManager of a YARN application moved" : "discovered YARN application",
                         {{"cluster", app_cluster}, {"application_name", app.name}, {"queue", app.queue},
                          {"user", app.user}, {"flink_rest", endpoint.read_url}, {"rescale_via", endpoint.rescale_url}});
            }
            to_discover.push_back(runtime);
        }
        for (auto it = yarn.applications.begin(); it != yarn.applications.end();) {
            if (seen.count(it->first)) {
                ++it;
                continue;
            }
            log_with(spdlog::level::info, "YARN application is no longer running; its jobs' state is kept for the retention period",
                     cluster_fields(it->second->config.name));
            drop_jobs(*it->second);
            it = yarn.applications.erase(it);
        }
        for (auto it = yarn.unreachable_applications.begin(); it != yarn.unreachable_applications.end();)
            it = seen.count(*it) ? std::next(it) : yarn.unreachable_applications.erase(it);
    }
    publish_cluster_names();
    for (const auto& runtime : to_discover) dispatch_discovery(runtime, cfg);
}

void Service::Impl::forget_job(ClusterRuntime& cluster, const std::string& job_id, const std::string& why) {
    auto it = cluster.jobs.find(job_id);
    if (it == cluster.jobs.end()) return;
    log_with(spdlog::level::info, "job " + why + "; its state is kept for the retention period",
             job_fields(it->second->runtime.id));
    cluster.collector->forget(job_id);
    board.remove_job(it->second->runtime.id.key);
    cluster.jobs.erase(it);
}

void Service::Impl::discover(ClusterRuntime& cluster, const std::shared_ptr<ClusterRuntime>& self,
                             const ServiceConfig& cfg) {
    const std::string& name = cluster.config.name;
    std::vector<flink::JobOverview> listed;
    try {
        listed = cluster.api->list_jobs();
    } catch (const flink::FlinkApiError& e) {
        board.discovery_finished(name, false);
        board.count(Family::RestErrors, name, e.kind);
        // Abandon the round for this cluster (algorithm.md §1.1 step 2): nothing processed,
        // nothing cleaned up. Log the change of reachability, not every failed poll.
        log_with(cluster.reachable ? spdlog::level::warn : spdlog::level::debug,
                 "cannot list jobs: " + std::string(e.what()), cluster_fields(name));
        cluster.reachable = false;
        return;
    }
    if (!cluster.reachable) log_with(spdlog::level::info, "cluster reachable again", cluster_fields(name));
    cluster.reachable = true;
    board.discovery_finished(name, true);

    std::lock_guard lock(cluster.jobs_mutex);
    std::set<std::string> seen;
    for (const auto& overview : listed) {
        seen.insert(overview.id);
        const std::string effective_state = overview.effective_state();
        auto& tracked = cluster.jobs[overview.id];
        if (!tracked) {
            if (is_terminal(overview.state)) {
                cluster.jobs.erase(overview.id);  // never track jobs that are already over
                continue;
            }
            tracked = std::make_shared<TrackedJob>();
            auto& id = tracked->runtime.id;
            id = JobIdentity{name, overview.id, overview.name, job_key(name, overview.id)};
            tracked->runtime.status.key = id.key;
            tracked->runtime.status.cluster = name;
            tracked->runtime.status.job_id = id.job_id;
            tracked->runtime.status.name = id.name;
            tracked->runtime.status.phase = JobPhase::NotReady;
            auto fields = job_fields(id);
            fields["state"] = overview.state;
            log_with(spdlog::level::info, "discovered job", fields);
        }
        if (is_terminal(overview.state)) {
            forget_job(cluster, overview.id, "is " + overview.state);
            continue;
        }
        if (tracked->in_flight) {
            board.poll_overrun();
            continue;
        }
        auto& runtime = tracked->runtime;
        runtime.status.flink_state = effective_state;

        if (!runtime.flink_configuration) {
            try {
                runtime.flink_configuration = cluster.api->job_configuration(overview.id);
            } catch (const std::exception& e) {
                // Unlike the reference (which abandons the whole round), only this job waits.
                runtime.status.phase = JobPhase::Error;
                runtime.status.last_error = std::string("cannot read the job configuration: ") + e.what();
                board.put_job(runtime.status);
                log_with(spdlog::level::warn, runtime.status.last_error, job_fields(runtime.id));
                continue;
            }
        }

        const Configuration conf = cfg.job_configuration(name, overview.id, overview.name, *runtime.flink_configuration);
        AutoscalerOptions options;
        try {
            options = AutoscalerOptions::from(conf);
            if (options.enabled)
                if (auto problem = validate(options)) throw std::invalid_argument(*problem);
        } catch (const std::exception& e) {
            runtime.status.phase = JobPhase::Error;
            runtime.status.last_error = std::string("invalid autoscaler options: ") + e.what();
            board.put_job(runtime.status);
            try {
                const auto stored = store->record(
                    runtime.id.key,
                    Event{EventType::Warning, std::string(name_of(EventReason::OptionsValidation)), e.what(), std::nullopt,
                          AutoscalerOptions::from(cfg.defaults).event_interval},
                    wall_now());
                if (stored.count == 1)
                    log_with(spdlog::level::warn, runtime.status.last_error, job_fields(runtime.id));
            } catch (const std::exception&) {
                log_with(spdlog::level::warn, runtime.status.last_error, job_fields(runtime.id));
            }
            continue;
        }

        if (!options.enabled) {
            PassEnvironment env{*cluster.api, *cluster.collector, *store, board, cfg.service.dry_run, false};
            disable_job(env, runtime, effective_state);
            continue;
        }
        dispatch_pass(self, tracked, std::move(options), conf, effective_state, cfg.service);
    }

    for (auto it = cluster.jobs.begin(); it != cluster.jobs.end();) {
        const auto id = it->first;
        ++it;
        if (!seen.count(id)) forget_job(cluster, id, "is no longer listed");
    }
}

void Service::Impl::dispatch_pass(const std::shared_ptr<ClusterRuntime>& cluster, const std::shared_ptr<TrackedJob>& job,
                                  AutoscalerOptions options, Configuration configuration, std::string effective_state,
                                  const ServiceSettings& settings) {
    job->in_flight = true;
    const bool dry_run = settings.dry_run;
    const bool record_samples = settings.sample_retention > Millis::zero();
    pool->submit(cluster->config.name, cluster->config.connection.max_concurrent_requests,
                 [this, cluster, job, options = std::move(options), configuration = std::move(configuration),
                  effective_state = std::move(effective_state), dry_run, record_samples] {
                     PassEnvironment env{*cluster->api, *cluster->collector, *store, board, dry_run, record_samples};
                     // Cleared however the pass ends: a job left "in flight" would never be polled again.
                     struct InFlight {
                         std::atomic<bool>& flag;
                         ~InFlight() { flag = false; }
                     } in_flight{job->in_flight};
                     const Instant now = wall_now();
                     run_job_pass(env, job->runtime,
                                  PassInput{options, effective_state, now, local_time_of(now), configuration});
                 });
}

void Service::Impl::housekeeping(std::shared_ptr<const ServiceConfig> cfg) {
    bool expected = false;
    if (!housekeeping_running.compare_exchange_strong(expected, true)) return;
    pool->submit("~housekeeping", 1, [this, cfg = std::move(cfg)] {
        try {
            const Instant now = wall_now();
            std::set<std::string> tracked;
            for (const auto& cluster : all_job_managers()) tracked.merge(cluster_keys(*cluster));
            std::size_t removed = 0;
            for (const auto& [key, last_update] : store->last_updates()) {
                if (tracked.count(key) || last_update >= now - cfg->service.job_retention) continue;
                store->remove(key);
                ++removed;
                log_with(spdlog::level::info, "deleted the state of a job not seen for " +
                                                  format_duration(cfg->service.job_retention),
                         {{"job", key}});
            }
            const auto events = store->delete_events_created_before(now - cfg->service.event_retention);
            const auto samples = store->delete_recorded_samples_before(now - cfg->service.sample_retention);
            if (events || samples || removed)
                log_with(spdlog::level::debug, "housekeeping",
                         nlohmann::json{{"jobs_removed", removed}, {"events_deleted", events}, {"samples_deleted", samples}});
        } catch (const std::exception& e) {
            log_with(spdlog::level::err, "housekeeping failed: " + std::string(e.what()));
        }
        housekeeping_running = false;
    });
}

void Service::Impl::reload() {
    notifier.notify("RELOADING=1\nSTATUS=reloading the configuration");
    log_with(spdlog::level::info, "reloading the configuration", {{"file", config_path}});
    std::shared_ptr<const ServiceConfig> next;
    try {
        next = std::make_shared<const ServiceConfig>(apply_overrides(load_service_config(config_path), overrides));
    } catch (const ConfigError& e) {
        for (const auto& problem : e.problems) log_with(spdlog::level::err, problem.to_string());
        log_with(spdlog::level::err, "the new configuration has " + std::to_string(e.problems.size()) +
                                         " problem(s); keeping the previous one");
        notifier.notify("READY=1\nSTATUS=reload rejected; previous configuration kept");
        return;
    } catch (const std::exception& e) {
        log_with(spdlog::level::err, std::string(e.what()) + "; keeping the previous configuration");
        notifier.notify("READY=1\nSTATUS=reload rejected; previous configuration kept");
        return;
    }
    const auto& before = config->service;
    const auto& after = next->service;
    if (after.workers != before.workers || after.state_database != before.state_database ||
        after.status_address != before.status_address)
        log_with(spdlog::level::warn, "service.workers, service.state-database and service.status-address "
                                      "take effect only after a restart");
    try {
        if (after.log.level != before.log.level || after.log.format != before.log.format ||
            after.log.file != before.log.file || after.log.max_file_bytes != before.log.max_file_bytes ||
            after.log.max_files != before.log.max_files)
            configure_logging(after.log);
    } catch (const std::exception& e) {
        log_with(spdlog::level::err, "cannot apply the new log settings: " + std::string(e.what()));
    }
    try {
        // Builds the new runtimes before swapping them in, so a failure leaves the old ones.
        build_clusters(*next);
    } catch (const std::exception& e) {
        log_with(spdlog::level::err, "cannot apply the new clusters: " + std::string(e.what()) +
                                         "; keeping the previous configuration");
        notifier.notify("READY=1\nSTATUS=reload rejected; previous configuration kept");
        return;
    }
    config = next;
    log_with(spdlog::level::info, "configuration reloaded",
             {{"clusters", config->clusters.size()}, {"job_overrides", config->jobs.size()}, {"dry_run", after.dry_run}});
    notifier.notify("READY=1\nSTATUS=configuration reloaded");
}

void Service::Impl::run() {
    const auto& settings = config->service;
    store = store::open_state_store(store::StoreSettings::sqlite_file(settings.state_database));
    log_with(spdlog::level::info, "state store open", {{"database", settings.state_database}});

    std::unique_ptr<StatusServer> server;
    if (!settings.status_address.empty()) {
        const auto liveness = 3 * std::chrono::duration_cast<SteadyClock::duration>(settings.poll_interval) +
                              std::chrono::seconds(30);
        server = std::make_unique<StatusServer>(settings.status_address, board, store.get(), liveness);
        server->start();
    }

    pool = std::make_unique<WorkerPool>(settings.workers);
    build_clusters(*config);
    const auto configured = clusters.size() + yarn_clusters.size();
    first_round_pending = static_cast<int>(std::max<std::size_t>(1, configured));
    if (configured == 0) first_discovery_done();
    log_with(spdlog::level::info, "flinkscaler " + version + " started",
             {{"clusters", clusters.size()}, {"yarn_clusters", yarn_clusters.size()},
              {"poll_interval", format_duration(settings.poll_interval)},
              {"workers", settings.workers}, {"dry_run", settings.dry_run}});

    const auto housekeeping_every = std::chrono::seconds(60);
    auto next_poll = SteadyClock::now();
    auto next_housekeeping = SteadyClock::now();
    for (;;) {
        bool reload_now = false;
        {
            std::unique_lock lock(signal_mutex);
            auto wake_at = next_poll;
            if (auto interval = notifier.watchdog_interval()) wake_at = std::min(wake_at, SteadyClock::now() + *interval);
            wake.wait_until(lock, wake_at, [&] { return stop_requested || reload_requested; });
            if (stop_requested) break;
            reload_now = std::exchange(reload_requested, false);
        }
        board.heartbeat(wall_now());
        if (notifier.watchdog_interval()) notifier.notify("WATCHDOG=1");
        if (reload_now) reload();
        if (SteadyClock::now() < next_poll) continue;

        // Fixed rate: the next round starts one interval after this one started, however long
        // the passes take; jobs still in flight are skipped (and counted) in the next round.
        next_poll += config->service.poll_interval;
        if (next_poll < SteadyClock::now()) next_poll = SteadyClock::now() + config->service.poll_interval;
        for (auto& [name, cluster] : clusters_snapshot()) dispatch_discovery(cluster, config);
        for (auto& [name, yarn] : yarn_snapshot()) dispatch_yarn_listing(yarn, config);
        if (SteadyClock::now() >= next_housekeeping) {
            next_housekeeping = SteadyClock::now() + housekeeping_every;
            housekeeping(config);
        }
    }

    notifier.notify("STOPPING=1\nSTATUS=finishing in-flight passes");
    log_with(spdlog::level::info, "stopping: finishing in-flight passes");
    pool->stop();
    if (server) server->stop();
    store.reset();
    log_with(spdlog::level::info, "stopped; state store closed");
}

Service::Service(std::string config_path, ServiceConfig config, ServiceOverrides overrides, std::string version)
    : impl_(std::make_unique<Impl>(std::move(config_path), std::move(config), std::move(overrides), std::move(version))) {}

Service::~Service() = default;

void Service::run() { impl_->run(); }

void Service::request_stop() {
    {
        std::lock_guard lock(impl_->signal_mutex);
        impl_->stop_requested = true;
    }
    impl_->wake.notify_all();
}

void Service::request_reload() {
    {
        std::lock_guard lock(impl_->signal_mutex);
        impl_->reload_requested = true;
    }
    impl_->wake.notify_all();
}

}  // namespace flinkscaler::service
