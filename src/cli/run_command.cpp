// SPDX-License-Identifier: Apache-2.0
//
// `flinkscaler run --config FILE`: the daemon. Refuses to start on an invalid config (every
// problem on stderr, exit 1); SIGTERM/SIGINT stop it after the in-flight passes; SIGHUP reloads
// the config file (a bad file keeps the running config).
#include "cli/commands.hpp"
#include "config/config_keys.hpp"
#include "service/logging.hpp"
#include "service/daemon.hpp"

#include <atomic>
#include <csignal>
#include <ctime>
#include <iostream>
#include <thread>

namespace flinkscaler::cli {

namespace {

struct RunArgs {
    std::string config;
    bool dry_run = false;
    std::string state_database;
    std::string status_address;
    bool status_address_given = false;
    std::string log_level;
};

// Signals are blocked in every thread and taken synchronously by one thread, so the handlers
// can do real work (reload, stop) instead of only setting flags.
class SignalThread {
public:
    explicit SignalThread(service::Daemon& daemon) : daemon_(daemon) {
        thread_ = std::thread([this] { loop(); });
    }
    ~SignalThread() {
        done_ = true;
        thread_.join();
    }

    static void block_signals() {
        sigset_t set = handled();
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
        std::signal(SIGPIPE, SIG_IGN);  // a peer closing a socket must not kill the daemon
    }

private:
    static sigset_t handled() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGHUP);
        return set;
    }

    void loop() {
        const sigset_t set = handled();
        const timespec tick{0, 200'000'000};
        while (!done_) {
            const int sig = sigtimedwait(&set, nullptr, &tick);
            if (sig == SIGHUP) {
                daemon_.request_reload();
            } else if (sig == SIGTERM || sig == SIGINT) {
                service::log_with(spdlog::level::info, std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT"));
                daemon_.request_stop();
            }
        }
    }

    service::Daemon& daemon_;
    std::atomic<bool> done_{false};
    std::thread thread_;
};

int run_daemon(const RunArgs& args) {
    service::ServiceConfig config;
    try {
        config = service::load_service_config(args.config);
    } catch (const service::ConfigError& e) {
        for (const auto& problem : e.problems) std::cerr << problem.to_string() << "\n";
        std::cerr << "flinkscaler run: " << args.config << " has " << e.problems.size()
                  << " problem(s); not starting\n";
        return kExitInputError;
    } catch (const std::exception& e) {
        std::cerr << "flinkscaler run: " << e.what() << "\n";
        return kExitInputError;
    }

    service::ServiceOverrides overrides;
    overrides.dry_run = args.dry_run;
    if (!args.state_database.empty()) overrides.state_database = args.state_database;
    if (args.status_address_given) overrides.status_address = args.status_address;
    if (!args.log_level.empty()) overrides.log_level = args.log_level;
    config = service::apply_overrides(std::move(config), overrides);

    try {
        service::configure_logging(config.service.log);
    } catch (const std::exception& e) {
        std::cerr << "flinkscaler run: " << e.what() << "\n";
        return kExitInputError;
    }

    SignalThread::block_signals();
    service::Daemon daemon(args.config, std::move(config), overrides, FLINKSCALER_VERSION);
    SignalThread signals(daemon);
    try {
        daemon.run();
    } catch (const std::exception& e) {
        service::log_with(spdlog::level::critical, std::string("cannot run: ") + e.what());
        spdlog::shutdown();
        return kExitRuntimeError;
    }
    spdlog::shutdown();
    return kExitOk;
}

}  // namespace

Command add_run_command(CLI::App& app) {
    auto args = std::make_shared<RunArgs>();
    auto* cmd = app.add_subcommand("run", "Run the autoscaler daemon (docs/configuration.md)");
    cmd->add_option("--config,-c", args->config, "Config file (YAML)")->required();
    cmd->add_flag("--dry-run", args->dry_run, "Compute and report, never rescale");
    cmd->add_option("--state-database", args->state_database, "SQLite state file (overrides service.state-database)");
    cmd->add_option("--status-address", args->status_address,
                    "host:port of the status endpoint, \"\" to disable (overrides service.status-address)")
        ->each([args](const std::string&) { args->status_address_given = true; });
    std::string levels;
    for (const auto level : config::kLogLevels) levels += (levels.empty() ? "" : ", ") + std::string(level);
    cmd->add_option("--log-level", args->log_level, levels + " (overrides service.log.level)");
    return {cmd, [args] { return run_daemon(*args); }};
}

}  // namespace flinkscaler::cli
