// SPDX-License-Identifier: Apache-2.0
#include "service/daemon.hpp"

#include "service/job_pass.hpp"
#include "service/log_fields.hpp"
#include "service/job_policy.hpp"
#include "service/logging.hpp"
#include "service/retention.hpp"
#include "service/scheduler.hpp"
#include "service/status_server.hpp"
#include "service/systemd_notify.hpp"
#include "service/worker_pool.hpp"
#include "service/yarn_discovery.hpp"
#include "store/open_store.hpp"

#include "flinkscaler/config_values.hpp"
#include "flinkscaler/event_reasons.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <vector>

namespace flinkscaler::service {

namespace {

bool is_terminal(const std::string& state) {
    return state == "FINISHED" || state == "CANCELED" || state == "FAILED";
}

}  // namespace

ServiceConfig apply_overrides(ServiceConfig config, const ServiceOverrides& overrides) {
    if (overrides.state_database) config.service.state_database = *overrides.state_database;
    if (overrides.status_address) config.service.status_address = *overrides.status_address;
    if (overrides.log_level) config.service.log.level = *overrides.log_level;
    if (overrides.dry_run) config.service.dry_run = true;
    return config;
}

struct Daemon::Impl {
    Impl(std::string path, ServiceConfig cfg, ServiceOverrides ovr, std::string ver, DaemonSeams seams)
        : config_path(std::move(path)),
          overrides(std::move(ovr)),
          config(std::make_shared<const ServiceConfig>(apply_overrides(std::move(cfg), overrides))),
          version(std::move(ver)),
          clock(seams.clock ? std::move(seams.clock) : std::make_shared<SystemClock>()),
          board(version),
          store(std::move(seams.store)),
          registry(seams.flink_api ? std::move(seams.flink_api) : rest_flink_api_factory()),
          scheduler(*clock) {}

    const std::string config_path;
    const ServiceOverrides overrides;
    std::shared_ptr<const ServiceConfig> config;  ///< replaced on reload; read on the main thread
    const std::string version;
    const std::shared_ptr<Clock> clock;

    StatusBoard board;
    SystemdNotifier notifier;
    std::unique_ptr<store::StateStore> store;
    std::unique_ptr<StatusServer> server;
    ClusterRegistry registry;
    Scheduler scheduler;
    /// Declared after everything its tasks use, so that it is stopped (its destructor) first.
    std::unique_ptr<WorkerPool> pool;

    /// The board's cluster list: configured clusters, YARN clusters and their applications.
    void publish_cluster_names() { board.retain_clusters(registry.cluster_names()); }
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

    void start();
    void run();
    void tick(bool reload_now);
    void finish();
    void build_clusters(const ServiceConfig& cfg);
    void dispatch_discovery(const std::shared_ptr<ClusterRuntime>& cluster, std::shared_ptr<const ServiceConfig> cfg);
    void dispatch_yarn_listing(const std::shared_ptr<YarnRuntime>& yarn, std::shared_ptr<const ServiceConfig> cfg);
    void discover(const std::shared_ptr<ClusterRuntime>& cluster, const ServiceConfig& cfg);
    /// Marks every tracked job of a cluster that could not be listed as cluster_unreachable.
    void mark_unreachable(ClusterRuntime& cluster, const std::string& error);
    void dispatch_pass(const std::shared_ptr<ClusterRuntime>& cluster, const std::shared_ptr<TrackedJob>& job,
                       AutoscalerOptions options, Configuration configuration, std::string effective_state,
                       const ServiceSettings& settings);
    void forget_job(ClusterRuntime& cluster, const std::string& job_id, const std::string& why);
    void housekeeping(std::shared_ptr<const ServiceConfig> cfg);
    void reload();
    /// Counts one configured cluster's first discovery (or YARN listing); the last one makes the
    /// daemon ready.
    void count_first_discovery();
};

void Daemon::Impl::build_clusters(const ServiceConfig& cfg) {
    // Jobs of clusters that went away (or were rebuilt) leave the board; their state stays in
    // the store until the retention removes it.
    for (const auto& runtime : registry.reconcile(cfg)) drop_jobs(*runtime);
    publish_cluster_names();
}

void Daemon::Impl::count_first_discovery() {
    if (first_round_pending.fetch_sub(1) == 1) {
        board.set_ready(true);
        notifier.notify("READY=1\nSTATUS=first poll round done");
        log_with(spdlog::level::info, "first poll round done; ready");
    }
}

void Daemon::Impl::dispatch_discovery(const std::shared_ptr<ClusterRuntime>& cluster,
                                      std::shared_ptr<const ServiceConfig> cfg) {
    bool expected = false;
    if (!cluster->discovery_running.compare_exchange_strong(expected, true)) {
        board.poll_overrun();
        return;
    }
    pool->submit(cluster->config.name, cluster->config.connection.max_concurrent_requests,
                 [this, cluster, cfg = std::move(cfg)] {
                     try {
                         discover(cluster, *cfg);
                     } catch (const std::exception& e) {
                         log_with(spdlog::level::err, "discovery failed: " + std::string(e.what()),
                                  cluster_fields(cluster->config.name));
                     }
                     cluster->discovery_running = false;
                     if (!cluster->first_discovery_done.exchange(true)) count_first_discovery();
                 });
}

void Daemon::Impl::dispatch_yarn_listing(const std::shared_ptr<YarnRuntime>& yarn,
                                         std::shared_ptr<const ServiceConfig> cfg) {
    bool expected = false;
    if (!yarn->listing_running.compare_exchange_strong(expected, true)) {
        board.poll_overrun();
        return;
    }
    pool->submit(yarn->name, 1, [this, yarn, cfg = std::move(cfg)] {
        try {
            auto listing = list_applications(*yarn, registry, board);
            for (const auto& runtime : listing.dropped) drop_jobs(*runtime);
            if (listing.listed) publish_cluster_names();
            for (const auto& runtime : listing.to_discover) dispatch_discovery(runtime, cfg);
        } catch (const std::exception& e) {
            log_with(spdlog::level::err, "YARN discovery failed: " + std::string(e.what()),
                     cluster_fields(yarn->name));
        }
        yarn->listing_running = false;
        if (!yarn->first_listing_done.exchange(true)) count_first_discovery();
    });
}

void Daemon::Impl::forget_job(ClusterRuntime& cluster, const std::string& job_id, const std::string& why) {
    auto it = cluster.jobs.find(job_id);
    if (it == cluster.jobs.end()) return;
    log_with(spdlog::level::info, "job " + why + "; its state is kept for the retention period",
             job_fields(it->second->runtime.id));
    cluster.collector->forget(job_id);
    board.remove_job(it->second->runtime.id.key);
    cluster.jobs.erase(it);
}

void Daemon::Impl::mark_unreachable(ClusterRuntime& cluster, const std::string& error) {
    // Nothing is known of the jobs now: say so on each (with the error and its age) instead of
    // showing their last phase as if it were current. A pass in flight publishes its own result.
    const Instant now = clock->now();
    std::lock_guard lock(cluster.jobs_mutex);
    for (auto& [id, tracked] : cluster.jobs) {
        if (tracked->in_flight) continue;
        auto& status = tracked->runtime.status;
        status.phase = JobPhase::ClusterUnreachable;
        set_error(status, error, now);
        board.put_job(status);
    }
}

void Daemon::Impl::discover(const std::shared_ptr<ClusterRuntime>& self, const ServiceConfig& cfg) {
    ClusterRuntime& cluster = *self;
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
        mark_unreachable(cluster, "cannot list the jobs of the cluster: " + std::string(e.what()));
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

        auto policy = resolve_job(cfg, name, overview, *runtime.flink_configuration);
        if (const auto* invalid = std::get_if<InvalidJobOptions>(&policy)) {
            runtime.status.phase = JobPhase::Error;
            runtime.status.last_error = std::string("invalid autoscaler options: ") + invalid->reason;
            board.put_job(runtime.status);
            try {
                const auto stored = store->record(
                    runtime.id.key,
                    make_event(EventReason::OptionsValidation, invalid->reason, std::nullopt,
                               AutoscalerOptions::from(cfg.defaults).event_interval),
                    clock->now());
                if (stored.count == 1)
                    log_with(spdlog::level::warn, runtime.status.last_error, job_fields(runtime.id));
            } catch (const std::exception&) {
                log_with(spdlog::level::warn, runtime.status.last_error, job_fields(runtime.id));
            }
            continue;
        }

        if (std::holds_alternative<DisabledJob>(policy)) {
            PassEnvironment env{*cluster.api, *cluster.collector, *store, board, *clock, cfg.service.dry_run, false};
            disable_job(env, runtime, effective_state);
            continue;
        }
        auto& job = std::get<AutoscaledJob>(policy);
        dispatch_pass(self, tracked, std::move(job.options), std::move(job.configuration), effective_state, cfg.service);
    }

    for (auto it = cluster.jobs.begin(); it != cluster.jobs.end();) {
        const auto id = it->first;
        ++it;
        if (!seen.count(id)) forget_job(cluster, id, "is no longer listed");
    }
}

void Daemon::Impl::dispatch_pass(const std::shared_ptr<ClusterRuntime>& cluster, const std::shared_ptr<TrackedJob>& job,
                                 AutoscalerOptions options, Configuration configuration, std::string effective_state,
                                 const ServiceSettings& settings) {
    job->in_flight = true;
    const bool dry_run = settings.dry_run;
    const bool record_samples = settings.sample_retention > Millis::zero();
    const int failure_limit = settings.rescale_failure_limit;
    pool->submit(cluster->config.name, cluster->config.connection.max_concurrent_requests,
                 [this, cluster, job, options = std::move(options), configuration = std::move(configuration),
                  effective_state = std::move(effective_state), dry_run, record_samples, failure_limit] {
                     PassEnvironment env{*cluster->api, *cluster->collector, *store, board, *clock,
                                         dry_run, record_samples, failure_limit};
                     // Cleared however the pass ends: a job left "in flight" would never be polled again.
                     struct InFlight {
                         std::atomic<bool>& flag;
                         ~InFlight() { flag = false; }
                     } in_flight{job->in_flight};
                     const Instant now = clock->now();
                     run_job_pass(env, job->runtime,
                                  PassInput{options, effective_state, now, local_time_of(now), configuration});
                 });
}

void Daemon::Impl::housekeeping(std::shared_ptr<const ServiceConfig> cfg) {
    bool expected = false;
    if (!housekeeping_running.compare_exchange_strong(expected, true)) return;
    pool->submit("~housekeeping", 1, [this, cfg = std::move(cfg)] {
        try {
            const Instant now = clock->now();
            std::set<std::string> tracked;
            for (const auto& cluster : registry.all_job_managers()) tracked.merge(cluster_keys(*cluster));
            run_housekeeping(*store, cfg->service, tracked, now);
        } catch (const std::exception& e) {
            log_with(spdlog::level::err, "housekeeping failed: " + std::string(e.what()));
        }
        housekeeping_running = false;
    });
}

void Daemon::Impl::reload() {
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
        after.state_store_backend != before.state_store_backend ||
        after.status_address != before.status_address || after.status_token != before.status_token)
        log_with(spdlog::level::warn, "service.workers, service.state-database, service.status-address and "
                                      "service.status-token-file take effect only after a restart");
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

void Daemon::Impl::start() {
    const auto& settings = config->service;
    if (!store) {
        store::StoreSettings where = store::StoreSettings::sqlite_file(settings.state_database);
        where.backend = settings.state_store_backend;
        store = store::open_state_store(where);
        log_with(spdlog::level::info, "state store open", {{"database", settings.state_database}});
    }

    if (!settings.status_address.empty()) {
        const auto liveness = 3 * std::chrono::duration_cast<Clock::SteadyTime::duration>(settings.poll_interval) +
                              std::chrono::seconds(30);
        server = std::make_unique<StatusServer>(settings.status_address, board, store.get(), liveness,
                                              settings.status_token);
        server->start();
    }

    pool = std::make_unique<WorkerPool>(settings.workers);
    build_clusters(*config);
    const auto configured = registry.clusters().size() + registry.yarn_clusters().size();
    first_round_pending = static_cast<int>(std::max<std::size_t>(1, configured));
    if (configured == 0) count_first_discovery();
    log_with(spdlog::level::info, "flinkscaler " + version + " started",
             {{"clusters", registry.clusters().size()}, {"yarn_clusters", registry.yarn_clusters().size()},
              {"poll_interval", format_duration(settings.poll_interval)},
              {"workers", settings.workers}, {"dry_run", settings.dry_run}});
}

void Daemon::Impl::tick(bool reload_now) {
    board.heartbeat(clock->now(), clock->steady_now());
    if (notifier.watchdog_interval()) notifier.notify("WATCHDOG=1");
    if (reload_now) reload();
    const auto due = scheduler.tick(config->service.poll_interval);
    if (!due.poll) return;
    for (auto& [name, cluster] : registry.clusters()) dispatch_discovery(cluster, config);
    for (auto& [name, yarn] : registry.yarn_clusters()) dispatch_yarn_listing(yarn, config);
    if (due.housekeeping) housekeeping(config);
}

void Daemon::Impl::run() {
    start();
    for (;;) {
        bool reload_now = false;
        {
            std::unique_lock lock(signal_mutex);
            clock->wait_until(lock, wake, scheduler.next_wake(notifier.watchdog_interval()),
                              [&] { return stop_requested || reload_requested; });
            if (stop_requested) break;
            reload_now = std::exchange(reload_requested, false);
        }
        tick(reload_now);
    }
    finish();
}

void Daemon::Impl::finish() {
    notifier.notify("STOPPING=1\nSTATUS=finishing in-flight passes");
    log_with(spdlog::level::info, "stopping: finishing in-flight passes");
    if (pool) pool->stop();
    if (server) server->stop();
    store.reset();
    log_with(spdlog::level::info, "stopped; state store closed");
}

Daemon::Daemon(std::string config_path, ServiceConfig config, ServiceOverrides overrides, std::string version,
               DaemonSeams seams)
    : impl_(std::make_unique<Impl>(std::move(config_path), std::move(config), std::move(overrides), std::move(version),
                                   std::move(seams))) {}

Daemon::~Daemon() = default;

void Daemon::run() { impl_->run(); }

void Daemon::start() { impl_->start(); }

Clock::SteadyTime Daemon::step() {
    bool reload_now = false;
    {
        std::lock_guard lock(impl_->signal_mutex);
        reload_now = std::exchange(impl_->reload_requested, false);
    }
    impl_->tick(reload_now);
    impl_->pool->wait_idle();
    return impl_->scheduler.next_wake(impl_->notifier.watchdog_interval());
}

void Daemon::finish() { impl_->finish(); }

const StatusBoard& Daemon::board() const { return impl_->board; }

store::StateStore& Daemon::store() {
    if (!impl_->store) throw std::logic_error("Daemon::store: the daemon is not started");
    return *impl_->store;
}

void Daemon::request_stop() {
    {
        std::lock_guard lock(impl_->signal_mutex);
        impl_->stop_requested = true;
    }
    impl_->wake.notify_all();
}

void Daemon::request_reload() {
    {
        std::lock_guard lock(impl_->signal_mutex);
        impl_->reload_requested = true;
    }
    impl_->wake.notify_all();
}

}  // namespace flinkscaler::service
