// SPDX-License-Identifier: Apache-2.0
//
// A real Daemon over the simulated clusters of a SimFleet, stepped in simulated time, and a
// watch on a vertex's parallelism in the simulator: the harness of the daemon-sim tests.
//
#pragma once

#include "sim_fleet.hpp"
#include "temp_dir.hpp"

#include "service/daemon.hpp"
#include "service/logging.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace flinkscaler::testing {

/// The options of daemon_tests.py's DEFAULT_OPTIONS: a short window and delays, and no backlog
/// terms (catch-up.duration 0), so a target capacity is exactly target_rate / 0.7.
inline const std::string kSimDaemonDefaults = R"(defaults:
  job.autoscaler.enabled: "true"
  job.autoscaler.metrics.window: "20s"
  job.autoscaler.stabilization.interval: "5s"
  job.autoscaler.scale-down.interval: "5s"
  job.autoscaler.restart.time: "5s"
  job.autoscaler.utilization.target: "0.7"
  job.autoscaler.catch-up.duration: "0s"
)";

/// A daemon over simulated clusters, its clock, store folder and log file.
class SimDaemon {
public:
    /// `clusters_yaml`: the `clusters:` (and `jobs:`) sections; the URLs only name the clusters.
    /// `defaults`: the `defaults:` section of the configuration.
    SimDaemon(SimFleet& fleet, const std::string& clusters_yaml, bool dry_run = false,
              const std::string& defaults = kSimDaemonDefaults)
        : clock_(fleet.clock()), start_(fleet.start()) {
        const std::string text = "service:\n  poll-interval: 1s\n  workers: 4\n  state-database: \"" +
                                 dir_.file("state.db") + "\"\n  status-address: \"\"\n  log:\n    level: info\n"
                                 "    format: text\n    file: \"" + dir_.file("daemon.log") + "\"\n" +
                                 defaults + clusters_yaml;
        auto config = service::parse_service_config(text, dir_.file("flinkscaler.yaml"));
        service::ServiceOverrides overrides;
        overrides.dry_run = dry_run;
        service::configure_logging(service::apply_overrides(config, overrides).service.log);
        service::DaemonSeams seams;
        seams.clock = clock_;
        seams.flink_api = fleet.api_factory();
        daemon_ = std::make_unique<service::Daemon>(dir_.file("flinkscaler.yaml"), std::move(config), overrides,
                                                    "test", std::move(seams));
        daemon_->start();
    }
    ~SimDaemon() {
        daemon_->finish();
        spdlog::default_logger()->flush();
    }
    SimDaemon(const SimDaemon&) = delete;
    SimDaemon& operator=(const SimDaemon&) = delete;

    /// Steps the daemon (one poll round a simulated second) until `done()` or `limit` of
    /// simulated time has passed; calls `observe()` after every round. Returns done().
    bool run_until(const std::function<bool()>& done, Millis limit, const std::function<void()>& observe = {}) {
        const Instant end = clock_->now() + limit;
        for (;;) {
            const auto next = daemon_->step();
            if (observe) observe();
            if (done && done()) return true;
            if (clock_->now() >= end) return false;
            clock_->advance_to(next);
        }
    }
    void run_for(Millis duration, const std::function<void()>& observe = {}) { run_until({}, duration, observe); }

    /// Seconds of simulated time since the start.
    double elapsed_s() const { return std::chrono::duration<double>(clock_->now() - start_).count(); }
    Instant now() const { return clock_->now(); }

    std::optional<service::JobStatus> job(const std::string& key) const { return daemon_->board().job(key); }
    std::string metrics() const { return daemon_->board().prometheus_text(); }
    store::StateStore& store() { return daemon_->store(); }

    std::string log() const {
        spdlog::default_logger()->flush();
        std::ifstream in(dir_.file("daemon.log"));
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    /// (reason, message) of the job's events, oldest first.
    std::vector<std::pair<std::string, std::string>> events(const std::string& key, const std::string& reason = "") {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& event : store().events(key, 1000))
            if (reason.empty() || event.reason == reason) out.emplace_back(event.reason, event.message);
        std::reverse(out.begin(), out.end());
        return out;
    }

private:
    TempDir dir_;
    std::shared_ptr<service::SimulatedClock> clock_;
    Instant start_;
    std::unique_ptr<service::Daemon> daemon_;
};

/// The distinct values a vertex's parallelism took in the simulator, in order. While the job is
/// hidden (a `job_vanish` fault: 404 on its details) nothing is observed.
class ParallelismWatch {
public:
    ParallelismWatch(SimFleet& fleet, std::string cluster, std::string job, std::string vertex)
        : fleet_(fleet), cluster_(std::move(cluster)), job_(std::move(job)), vertex_(std::move(vertex)) {
        observe();
    }
    void observe() {
        int p = 0;
        try {
            p = fleet_.parallelism(cluster_, job_).at(vertex_);
        } catch (const flink::FlinkApiError& e) {
            if (e.kind == flink::FlinkApiError::Kind::Http && e.status == 404 && !values_.empty()) return;
            throw;
        }
        if (values_.empty() || values_.back() != p) values_.push_back(p);
    }
    const std::vector<int>& sequence() const { return values_; }
    int current() const { return values_.back(); }

private:
    SimFleet& fleet_;
    std::string cluster_, job_, vertex_;
    std::vector<int> values_;
};

}  // namespace flinkscaler::testing
