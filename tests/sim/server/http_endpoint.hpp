// SPDX-License-Identifier: Apache-2.0
//
// The HTTP side of one simulated cluster: a cpp-httplib server bound to 127.0.0.1 that hands
// every request to the ClusterState and applies the delay the faults asked for. It can stop
// and later listen again on the same port, which is how a cluster_down fault refuses
// connections.
#pragma once

#include "server/cluster_state.hpp"
#include "server/interrupt.hpp"
#include "server/sim_clock.hpp"

#include <memory>
#include <thread>

namespace flinkscaler::sim {

class HttpEndpoint {
public:
    HttpEndpoint(ClusterState& state, const SimClock& clock, bool log_requests);
    ~HttpEndpoint();
    HttpEndpoint(const HttpEndpoint&) = delete;
    HttpEndpoint& operator=(const HttpEndpoint&) = delete;

    /// Bind 127.0.0.1:port (0 = any free port) without serving yet; returns the port.
    /// Throws std::runtime_error when the port cannot be bound.
    int bind(int port);
    /// Serve on the bound socket in a background thread.
    void start();
    /// Stop serving and close the socket: new connections are refused. Held requests are
    /// woken up; an idle keep-alive connection can delay the return by up to one second.
    void stop() {
        request_stop();
        wait_stopped();
    }
    /// The two halves of stop(), so that many endpoints can be stopped in parallel.
    void request_stop();
    void wait_stopped();
    bool serving() const { return serving_; }
    int port() const { return port_; }

private:
    class Server;  // httplib::Server with access to its socket
    void make_server();

    ClusterState& state_;
    const SimClock& clock_;
    bool log_requests_;
    Interrupt interrupt_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
    int port_ = 0;
    bool serving_ = false;
};

}  // namespace flinkscaler::sim
