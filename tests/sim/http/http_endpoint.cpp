// SPDX-License-Identifier: Apache-2.0
#include "sim/http/http_endpoint.hpp"

#include <httplib.h>

#include <algorithm>
#include <cstdio>
#include <utility>
#include <stdexcept>
#include <chrono>
#include <sys/socket.h>
#include <unistd.h>

namespace flinkscaler::sim {

namespace {

constexpr const char* kHost = "127.0.0.1";  // loopback only, never a public interface
// Held requests each occupy a worker; enough workers keep a timeout fault from starving the
// other requests of the same cluster.
constexpr std::size_t kWorkers = 32;

}  // namespace

/// httplib::Server::stop() only closes the socket of a server that is listening; a socket that
/// was bound (to learn the port) but never served must be closed here, or the kernel would
/// keep accepting connections that nobody answers instead of refusing them.
class HttpEndpoint::Server : public httplib::Server {
public:
    void close_unserved() {
        const socket_t sock = svr_sock_.exchange(INVALID_SOCKET);
        if (sock != INVALID_SOCKET) ::close(sock);
    }
};

HttpEndpoint::HttpEndpoint(ClusterState& state, const SimClock& clock, bool log_requests)
    : HttpEndpoint(EndpointHandler{state.name(),
                                   [&state](const RestRequest& request, const std::string&, double now_s) {
                                       return state.serve(request, now_s);
                                   },
                                   [&state](int port) { state.set_bound_port(port); }},
                   clock, log_requests) {}

HttpEndpoint::HttpEndpoint(EndpointHandler handler, const SimClock& clock, bool log_requests)
    : handler_(std::move(handler)), clock_(clock), log_requests_(log_requests) {}

HttpEndpoint::~HttpEndpoint() { stop(); }

void HttpEndpoint::make_server() {
    server_ = std::make_unique<Server>();
    server_->new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
    // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which would let a second
    // process share a fixed port silently instead of failing to bind.
    server_->set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    // A worker leaves an idle keep-alive connection only when its wait runs out, which also
    // bounds how long stopping takes; keep it short but allow long-lived client pools.
    // Headers and body go out in separate writes; without TCP_NODELAY, Nagle holds the body
    // until the client's delayed ACK (~40 ms per request), as Netty-based Flink never does.
    server_->set_tcp_nodelay(true);
    server_->set_keep_alive_timeout(1);
    server_->set_keep_alive_max_count(1000);
    const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
        RestRequest request;
        request.method = req.method;
        request.path = req.path;
        request.params.insert(req.params.begin(), req.params.end());
        request.body = req.body;
        const auto served = handler_.serve(request, req.target, clock_.now_s());
        if (served.delay_s > 0) interrupt_.sleep_for(served.delay_s);
        res.status = served.response.status;
        for (const auto& [name, value] : served.headers) res.set_header(name, value);
        res.set_content(served.response.body, served.response.content_type.c_str());
        if (log_requests_) {
            // A request body (the rescale PUT's requirements) is logged on the same line, so a
            // test can compare what reached "Flink" with what the daemon recorded.
            std::string body;
            if (!req.body.empty()) {
                body = " body=" + req.body;
                std::replace(body.begin(), body.end(), '\n', ' ');
            }
            std::fprintf(stderr, "[%s] %s %s -> %d%s\n", handler_.name.c_str(), req.method.c_str(), req.target.c_str(),
                         res.status, body.c_str());
        }
    };
    const std::string all = ".*";
    server_->Get(all, handler);
    server_->Put(all, handler);
    server_->Post(all, handler);
    server_->Delete(all, handler);
    server_->Patch(all, handler);
}

int HttpEndpoint::bind(int port) {
    if (serving_) return port_;
    make_server();
    if (port == 0) {
        port_ = server_->bind_to_any_port(kHost);
        if (port_ < 0) throw std::runtime_error("cannot bind a free port on 127.0.0.1");
    } else {
        if (!server_->bind_to_port(kHost, port))
            throw std::runtime_error("cannot bind 127.0.0.1:" + std::to_string(port));
        port_ = port;
    }
    if (handler_.bound) handler_.bound(port_);
    return port_;
}

void HttpEndpoint::start() {
    if (serving_ || !server_) return;
    interrupt_.reset();
    serving_ = true;
    thread_ = std::thread([server = server_.get()] { server->listen_after_bind(); });
    // stop() is a no-op until the server thread has marked itself running; wait for that so a
    // stop right after start cannot be lost.
    for (int i = 0; i < 2000 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void HttpEndpoint::request_stop() {
    if (!server_) return;
    interrupt_.trigger();
    if (thread_.joinable()) server_->stop();
    else server_->close_unserved();
}

void HttpEndpoint::wait_stopped() {
    if (!server_) return;
    if (thread_.joinable()) thread_.join();
    serving_ = false;
    server_.reset();
}

}  // namespace flinkscaler::sim
