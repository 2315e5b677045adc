// SPDX-License-Identifier: Apache-2.0
//
// flink-sim: serves the Flink REST API of every cluster of a scenario on its own loopback
// port, with the throughput model running on wall-clock time (optionally scaled).
//
//   flink-sim --scenario FILE [--port N] [--time-scale X] [--check] [--log-requests]
//
// stdout gets exactly one line per cluster, in scenario order, as soon as it is bound, then one
// line per YARN ResourceManager of the scenario's `yarn` section (if any), in its order:
//   listening on http://127.0.0.1:PORT
// Exit codes: 0 after SIGTERM/SIGINT (or a successful --check), 1 when a port cannot be bound,
// 2 for a usage or scenario error (reported as FILE:LINE:COL: key '...': message).
#include "sim/http/http_endpoint.hpp"
#include "sim/http/sim_clock.hpp"
#include "sim/rest/cluster_state.hpp"
#include "sim/rest/resource_manager.hpp"
#include "sim/rest/scenario.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <pthread.h>
#include <string>
#include <thread>
#include <vector>

using namespace flinkscaler::sim;

namespace {

struct Options {
    std::string scenario;
    std::optional<int> port;
    std::optional<double> time_scale;
    bool check = false;
    bool log_requests = false;
};

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(stderr,
                 "flink-sim: %s\n"
                 "usage: flink-sim --scenario FILE [--port N] [--time-scale X] [--check] [--log-requests]\n",
                 problem.c_str());
    std::exit(2);
}

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage("missing value after " + arg);
            return argv[++i];
        };
        if (arg == "--scenario") {
            o.scenario = value();
        } else if (arg == "--port") {
            const std::string v = value();
            char* end = nullptr;
            const long port = std::strtol(v.c_str(), &end, 10);
            if (v.empty() || *end != '\0' || port < 0 || port > 65535) usage("--port needs a number 0..65535");
            o.port = static_cast<int>(port);
        } else if (arg == "--time-scale") {
            const std::string v = value();
            char* end = nullptr;
            const double scale = std::strtod(v.c_str(), &end);
            if (v.empty() || *end != '\0' || !(scale > 0)) usage("--time-scale needs a positive number");
            o.time_scale = scale;
        } else if (arg == "--check") {
            o.check = true;
        } else if (arg == "--log-requests") {
            o.log_requests = true;
        } else if (arg == "--help" || arg == "-h") {
            std::printf("usage: flink-sim --scenario FILE [--port N] [--time-scale X] [--check] [--log-requests]\n");
            std::exit(0);
        } else {
            usage("unknown argument " + arg);
        }
    }
    if (o.scenario.empty()) usage("--scenario FILE is required");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    Scenario scenario;
    try {
        scenario = load_scenario(options.scenario);
    } catch (const ScenarioError& e) {
        std::fprintf(stderr, "flink-sim: %s\n", e.what());
        return 2;
    }
    if (options.check) {
        std::size_t jobs = 0;
        for (const auto& c : scenario.clusters) jobs += c.jobs.size();
        if (scenario.yarn)
            std::printf("scenario OK: %zu cluster(s), %zu job(s), %zu resource manager(s), %zu application(s)\n",
                        scenario.clusters.size(), jobs, scenario.yarn->resource_managers.size(),
                        scenario.yarn->applications.size());
        else
            std::printf("scenario OK: %zu cluster(s), %zu job(s)\n", scenario.clusters.size(), jobs);
        return 0;
    }

    // Signals are taken by sigwait() in the main thread; every other thread inherits the mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the simulator

    const auto start_ms = scenario.start_epoch_ms.value_or(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    std::vector<std::unique_ptr<ClusterState>> states;
    std::unique_ptr<ResourceManagers> yarn;
    try {
        for (std::size_t i = 0; i < scenario.clusters.size(); ++i) {
            auto& c = scenario.clusters[i];
            c.spec.start_epoch_ms = start_ms;
            states.push_back(std::make_unique<ClusterState>(c.spec, c.jobs, c.settings, scenario.seed + i));
        }
        if (scenario.yarn) {
            std::vector<ClusterState*> clusters;
            for (auto& state : states) clusters.push_back(state.get());
            yarn = std::make_unique<ResourceManagers>(*scenario.yarn, start_ms, std::move(clusters));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "flink-sim: %s: %s\n", options.scenario.c_str(), e.what());
        return 2;
    }

    const SimClock clock(options.time_scale.value_or(scenario.time_scale));
    // A cluster refuses connections during its cluster_down faults and, with
    // stop_cluster_on_finish, once its YARN application has finished.
    const auto cluster_down = [&](std::size_t i, double now) {
        return states[i]->down_at(now) || (yarn && yarn->cluster_stopped(i, now));
    };
    std::vector<std::unique_ptr<HttpEndpoint>> endpoints;
    std::vector<int> ports;
    for (std::size_t i = 0; i < states.size(); ++i) {
        // --port applies to the first cluster; the others keep their scenario port (0 = free).
        const int wanted = i == 0 && options.port ? *options.port : scenario.clusters[i].settings.port;
        auto endpoint = std::make_unique<HttpEndpoint>(*states[i], clock, options.log_requests);
        try {
            ports.push_back(endpoint->bind(wanted));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "flink-sim: cluster '%s': %s\n", states[i]->name().c_str(), e.what());
            return 1;
        }
        if (cluster_down(i, 0.0)) endpoint->stop();  // refuse from the start
        else endpoint->start();
        std::printf("listening on http://127.0.0.1:%d\n", ports.back());
        std::fflush(stdout);
        endpoints.push_back(std::move(endpoint));
    }

    // One endpoint per ResourceManager, after the clusters (their ports are in the app list).
    std::vector<std::unique_ptr<HttpEndpoint>> rm_endpoints;
    std::vector<int> rm_ports;
    for (std::size_t r = 0; yarn && r < yarn->count(); ++r) {
        EndpointHandler handler{
            yarn->rm(r).name,
            [&yarn, r](const RestRequest& request, const std::string& target, double now_s) {
                return yarn->serve(r, request, target, now_s);
            },
            [&yarn, r](int port) { yarn->set_port(r, port); }};
        auto endpoint = std::make_unique<HttpEndpoint>(std::move(handler), clock, options.log_requests);
        try {
            rm_ports.push_back(endpoint->bind(yarn->rm(r).port));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "flink-sim: resource manager '%s': %s\n", yarn->rm(r).name.c_str(), e.what());
            return 1;
        }
        if (yarn->down_at(r, 0.0)) endpoint->stop();
        else endpoint->start();
        std::printf("listening on http://127.0.0.1:%d\n", rm_ports.back());
        std::fflush(stdout);
        rm_endpoints.push_back(std::move(endpoint));
    }

    // The supervisor keeps the models moving without requests (so timed faults happen on time)
    // and opens and closes the listening sockets for cluster_down windows and RM down windows.
    std::atomic<bool> stopping{false};
    std::thread supervisor([&] {
        // Report a failing rebind once per endpoint: clusters first, then the RMs.
        std::vector<bool> rebind_failing(states.size() + rm_endpoints.size(), false);
        const auto follow = [&](HttpEndpoint& endpoint, bool down, int port, std::size_t slot, const char* what,
                                const std::string& name) {
            if (down && endpoint.serving()) {
                endpoint.stop();
            } else if (!down && !endpoint.serving()) {
                try {
                    endpoint.bind(port);
                    endpoint.start();
                    rebind_failing[slot] = false;
                } catch (const std::exception& e) {
                    if (!rebind_failing[slot])
                        std::fprintf(stderr, "flink-sim: %s '%s': %s (retrying)\n", what, name.c_str(), e.what());
                    rebind_failing[slot] = true;
                }
            }
        };
        while (!stopping) {
            const double now = clock.now_s();
            for (std::size_t i = 0; i < states.size(); ++i) {
                states[i]->advance_to(now);
                follow(*endpoints[i], cluster_down(i, now), ports[i], i, "cluster", states[i]->name());
            }
            for (std::size_t r = 0; r < rm_endpoints.size(); ++r)
                follow(*rm_endpoints[r], yarn->down_at(r, now), rm_ports[r], states.size() + r, "resource manager",
                       yarn->rm(r).name);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    std::fprintf(stderr, "flink-sim: %s, stopping\n", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    stopping = true;
    supervisor.join();
    for (auto& endpoint : rm_endpoints) endpoint->request_stop();
    for (auto& endpoint : endpoints) endpoint->request_stop();
    for (auto& endpoint : rm_endpoints) endpoint->wait_stopped();
    for (auto& endpoint : endpoints) endpoint->wait_stopped();
    return 0;
}
