// SPDX-License-Identifier: Apache-2.0
//
// The HTTP side of one simulated cluster (or ResourceManager): a cpp-httplib server bound to
// 127.0.0.1 that hands every request to the ClusterState (or any other handler) and applies
// the delay the faults asked for. It can stop and later listen again on the same port, which
// is how a cluster_down fault (or an RM's down window) refuses connections.
#pragma once

#include "sim/rest/cluster_state.hpp"
#include "sim/http/interrupt.hpp"
#include "sim/http/sim_clock.hpp"

#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace flinkscaler::sim {

/// What an endpoint serves: a name for the request log and the function that answers.
struct EndpointHandler {
    std::string name;
    /// Answer a request at simulated time `now_s`; `target` is the raw path and query.
    std::function<ServedResponse(const RestRequest& request, const std::string& target, double now_s)> serve;
    /// Told the port after every bind (may be empty).
    std::function<void(int port)> bound;
};

class HttpEndpoint {
public:
    HttpEndpoint(ClusterState& state, const SimClock& clock, bool log_requests);
    HttpEndpoint(EndpointHandler handler, const SimClock& clock, bool log_requests);
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

    EndpointHandler handler_;
    const SimClock& clock_;
    bool log_requests_;
    Interrupt interrupt_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
    int port_ = 0;
    bool serving_ = false;
};

}  // namespace flinkscaler::sim
