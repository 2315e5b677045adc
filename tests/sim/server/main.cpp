// SPDX-License-Identifier: Apache-2.0
//
// flink-sim: serves the Flink REST API of every cluster of a scenario on its own loopback
// port, with the throughput model running on wall-clock time (optionally scaled).
//
//   flink-sim --scenario FILE [--port N] [--time-scale X] [--check] [--log-requests]
//
// stdout gets exactly one line per cluster, in scenario order, as soon as it is bound:
//   listening on http://127.0.0.1:PORT
// Exit codes: 0 after SIGTERM/SIGINT (or a successful --check), 1 when a port cannot be bound,
// 2 for a usage or scenario error (reported as FILE:LINE:COL: key '...': message).
#include "server/cluster_state.hpp"
#include "server/http_endpoint.hpp"
#include "server/scenario.hpp"
#include "server/sim_clock.hpp"

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
    try {
        for (std::size_t i = 0; i < scenario.clusters.size(); ++i) {
            auto& c = scenario.clusters[i];
            c.spec.start_epoch_ms = start_ms;
            states.push_back(std::make_unique<ClusterState>(c.spec, c.jobs, c.settings, scenario.seed + i));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "flink-sim: %s: %s\n", options.scenario.c_str(), e.what());
        return 2;
    }

    const SimClock clock(options.time_scale.value_or(scenario.time_scale));
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
        if (states[i]->down_at(0.0)) endpoint->stop();  // refuse from the start
        else endpoint->start();
        std::printf("listening on http://127.0.0.1:%d\n", ports.back());
        std::fflush(stdout);
        endpoints.push_back(std::move(endpoint));
    }

    // The supervisor keeps the models moving without requests (so timed faults happen on time)
    // and opens and closes the listening sockets for cluster_down windows.
    std::atomic<bool> stopping{false};
    std::thread supervisor([&] {
        std::vector<bool> rebind_failing(states.size(), false);  // report a failing rebind once
        while (!stopping) {
            const double now = clock.now_s();
            for (std::size_t i = 0; i < states.size(); ++i) {
                states[i]->advance_to(now);
                const bool down = states[i]->down_at(now);
                auto& endpoint = *endpoints[i];
                if (down && endpoint.serving()) {
                    endpoint.stop();
                } else if (!down && !endpoint.serving()) {
                    try {
                        endpoint.bind(ports[i]);
                        endpoint.start();
                        rebind_failing[i] = false;
                    } catch (const std::exception& e) {
                        if (!rebind_failing[i])
                            std::fprintf(stderr, "flink-sim: cluster '%s': %s (retrying)\n", states[i]->name().c_str(),
                                         e.what());
                        rebind_failing[i] = true;
                    }
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    std::fprintf(stderr, "flink-sim: %s, stopping\n", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    stopping = true;
    supervisor.join();
    for (auto& endpoint : endpoints) endpoint->request_stop();
    for (auto& endpoint : endpoints) endpoint->wait_stopped();
    return 0;
}
