// SPDX-License-Identifier: Apache-2.0
//
// The daemon (`flinkscaler run`): every poll interval it lists the jobs of every configured
// cluster and dispatches one pass per enabled job onto a shared worker pool, at most
// `max-concurrent-requests` tasks per cluster at a time (so one slow cluster never holds the
// workers the others need). It owns the state store, the status board and endpoint, and applies
// a new config on reload without dropping what it knows about jobs that stay.
//
// Life cycle: construct with a validated config, call run() on the main thread; request_stop()
// and request_reload() may be called from any thread (the signal handler thread).
//
// Seams (DaemonSeams): the clock, where a JobManager's FlinkApi comes from, and the state store
// can be handed in. With a SimulatedClock a test steps the daemon instead of run(): start(), then
// step() and advance the clock to the time step() returns, as often as it likes, then finish().
// Everything else (job policy, cluster registry, discovery, passes on the worker pool, store,
// board) is the daemon's real code.
#pragma once

#include "service/clock.hpp"
#include "service/cluster_registry.hpp"
#include "service/config_names.hpp"
#include "service/status_board.hpp"
#include "store/state_store.hpp"

#include <memory>
#include <optional>
#include <string>

namespace flinkscaler::service {

/// Command-line settings that win over the config file (kept across reloads).
struct ServiceOverrides {
    std::optional<std::string> state_database;
    std::optional<std::string> status_address;
    std::optional<std::string> log_level;
    bool dry_run = false;
};

/// The config as the service uses it: the file's settings with the overrides applied.
ServiceConfig apply_overrides(ServiceConfig config, const ServiceOverrides& overrides);

/// What the daemon would otherwise make itself.
struct DaemonSeams {
    /// A SystemClock when empty.
    std::shared_ptr<Clock> clock;
    /// rest_flink_api_factory() when empty.
    FlinkApiFactory flink_api;
    /// Opened from service.state-database by start() when empty.
    std::unique_ptr<store::StateStore> store;
};

class Daemon {
public:
    /// `config_path` is re-read on reload.
    Daemon(std::string config_path, ServiceConfig config, ServiceOverrides overrides, std::string version,
           DaemonSeams seams = {});
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    /// start(), the loop until a stop is requested, finish(): returns when a stop was requested
    /// and the in-flight passes have finished. Throws std::runtime_error when the store or the
    /// status endpoint cannot be opened.
    void run();

    void request_stop();
    void request_reload();

    /// Opens the store (unless one was handed in), starts the status endpoint, the worker pool
    /// and the cluster runtimes. Throws as run().
    void start();
    /// One turn of the loop without its sleep: the heartbeat, a requested reload, then whatever
    /// the scheduler says is due at the clock's time (a poll round, housekeeping); waits until
    /// every task it started has finished (the passes of the round included). Returns when the
    /// loop would wake next. After start(), on the caller's thread (run() must not be running).
    Clock::SteadyTime step();
    /// Waits for the in-flight passes, stops the status endpoint and closes the store.
    void finish();

    const StatusBoard& board() const;
    /// The state store; after start() and before finish().
    store::StateStore& store();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace flinkscaler::service
