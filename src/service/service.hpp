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
#pragma once

#include "config/config_loader.hpp"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace flinkscaler::service {

// The daemon speaks the config model's vocabulary (src/config) by its names.
using config::application_cluster_name;
using config::ClusterConfig;
using config::ConfigError;
using config::load_service_config;
using config::ServiceConfig;
using config::ServiceSettings;

/// Command-line settings that win over the config file (kept across reloads).
struct ServiceOverrides {
    std::optional<std::string> state_database;
    std::optional<std::string> status_address;
    std::optional<std::string> log_level;
    bool dry_run = false;
};

/// The config as the service uses it: the file's settings with the overrides applied.
ServiceConfig apply_overrides(ServiceConfig config, const ServiceOverrides& overrides);

class Service {
public:
    /// `config_path` is re-read on reload.
    Service(std::string config_path, ServiceConfig config, ServiceOverrides overrides, std::string version);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    /// Opens the store, starts the status endpoint and the loop; returns when a stop was
    /// requested and the in-flight passes have finished. Throws std::runtime_error when the
    /// store or the status endpoint cannot be opened.
    void run();

    void request_stop();
    void request_reload();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace flinkscaler::service
