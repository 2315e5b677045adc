// SPDX-License-Identifier: Apache-2.0
#include "service/status_server.hpp"

#include "http/address.hpp"
#include "service/status_routes.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace flinkscaler::service {

namespace {

// Scrapes and status calls are rare and small: a few threads are plenty, and the pool is the
// endpoint's own, separate from the job loop's workers.
constexpr std::size_t kThreads = 3;
// A slow client can hold one of those threads at most this long per read or write.
constexpr std::time_t kReadTimeoutSeconds = 5;
constexpr std::time_t kWriteTimeoutSeconds = 5;
// An idle keep-alive connection keeps its thread until this runs out, and stop() waits for it:
// keep it short (Prometheus scrapes far less often than this, so nothing is lost).
constexpr std::time_t kKeepAliveSeconds = 1;
constexpr std::size_t kKeepAliveMaxCount = 100;
// Nothing here takes a body; anything bigger is refused with 413 before it is buffered.
constexpr std::size_t kMaxPayloadBytes = 4096;

/// httplib::Server::stop() only closes the listening socket of a server whose accept loop runs;
/// one that was bound but never served must be closed here, or the port would stay taken.
class Server : public httplib::Server {
public:
    void close_unserved() {
        const socket_t sock = svr_sock_.exchange(INVALID_SOCKET);
        if (sock != INVALID_SOCKET) ::close(sock);
    }
};

[[noreturn]] void bad_address(const std::string& address, const std::string& why) {
    throw std::runtime_error("status endpoint: invalid address '" + address + "': " + why);
}

/// "host:port", "[v6]:port" or ":port" (all interfaces).
http::HostPort parse_address(const std::string& address) {
    const auto parsed = http::parse_host_port(address);
    if (const auto* error = std::get_if<http::AddressError>(&parsed)) {
        switch (*error) {
            case http::AddressError::BadBrackets: bad_address(address, "expected [IPv6-address]:port");
            case http::AddressError::MissingPort: bad_address(address, "expected host:port");
            case http::AddressError::Ipv6WithoutBrackets:
                bad_address(address, "an IPv6 address must be in brackets, e.g. [::1]:8089");
            case http::AddressError::BadPort: bad_address(address, "the port must be a number from 0 to 65535");
        }
    }
    http::HostPort out = std::get<http::HostPort>(parsed);
    if (out.host.empty()) out.host = "0.0.0.0";
    return out;
}

/// Writes a routed response into httplib's.
void write(const EndpointResponse& from, httplib::Response& to) {
    to.status = from.status;
    for (const auto& [name, value] : from.headers) to.set_header(name, value);
    to.set_content(from.body, from.content_type);
}

}  // namespace

struct StatusServer::Impl {
    std::string address;
    StatusRoutes routes;

    std::mutex lifecycle;  ///< serializes start() and stop()
    std::unique_ptr<Server> server;
    std::thread thread;
    std::atomic<bool> listen_returned{false};
    std::atomic<bool> stopping{false};
    std::atomic<int> port{0};

    Impl(std::string address_, StatusBoard& board_, store::StateReader* store_,
         std::chrono::steady_clock::duration liveness_limit_)
        : address(std::move(address_)), routes(board_, store_, liveness_limit_) {}

    void install_routes(Server& s) {
        // Every request goes to the route table (status_routes.hpp); GET handlers also answer
        // HEAD (httplib drops the body). httplib matches on the percent-decoded path, so
        // "cluster%2Fjob" arrives as "cluster/job" and both spellings of a key reach one job.
        const auto serve = [this](const httplib::Request& req, httplib::Response& res) {
            write(routes.route({req.method, req.path}), res);
        };
        s.Get(".*", serve);
        s.Post(".*", serve);
        s.Put(".*", serve);
        s.Patch(".*", serve);
        s.Delete(".*", serve);
        s.Options(".*", serve);

        // Responses httplib makes itself (bad request line, payload too large, ...) have no body;
        // give them one. TRACE and CONNECT have no routing table in httplib and come back as 400.
        using HandlerWithResponse = httplib::Server::HandlerWithResponse;  // the overload with a result
        s.set_error_handler(HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            if (res.status == 400 && (req.method == "TRACE" || req.method == "CONNECT"))
                write(method_not_allowed(req.method), res);
            else
                write(json_error(res.status, "request refused with HTTP status " + std::to_string(res.status)), res);
            return httplib::Server::HandlerResponse::Handled;
        }));
        s.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
            std::string what = "unknown error";
            try {
                std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            spdlog::warn("status endpoint: {} {} failed: {}", req.method, req.path, what);
            write(json_error(500, what), res);
        });
        // Per-request lines only at debug: a scrape every few seconds must not flood the log.
        s.set_logger([](const httplib::Request& req, const httplib::Response& res) {
            spdlog::debug("status endpoint: {} {} -> {}", req.method, req.path, res.status);
        });
    }
};

StatusServer::StatusServer(std::string address, StatusBoard& board, store::StateReader* store,
                           std::chrono::steady_clock::duration liveness_limit)
    : impl_(std::make_unique<Impl>(std::move(address), board, store, liveness_limit)) {}

StatusServer::~StatusServer() { stop(); }

void StatusServer::start() {
    Impl& d = *impl_;
    std::lock_guard lock(d.lifecycle);
    if (d.server) return;
    const http::HostPort where = parse_address(d.address);

    auto server = std::make_unique<Server>();
    server->new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
    // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which would let a second
    // daemon share the port silently (each getting half the scrapes) instead of failing to bind.
    server->set_socket_options([](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server->set_read_timeout(kReadTimeoutSeconds, 0);
    server->set_write_timeout(kWriteTimeoutSeconds, 0);
    server->set_tcp_nodelay(true);  // headers and body are separate writes: no Nagle wait
    server->set_keep_alive_timeout(kKeepAliveSeconds);
    server->set_keep_alive_max_count(kKeepAliveMaxCount);
    server->set_payload_max_length(kMaxPayloadBytes);
    d.install_routes(*server);

    errno = 0;
    const int bound = where.port == 0 ? server->bind_to_any_port(where.host)
                                      : (server->bind_to_port(where.host, where.port) ? where.port : -1);
    if (bound <= 0) {
        const int error = errno;
        server->close_unserved();
        std::string message = "status endpoint: cannot listen on " + d.address;
        if (error != 0) message += std::string(": ") + std::strerror(error);
        throw std::runtime_error(message);
    }

    d.listen_returned = false;
    d.stopping = false;
    try {
        d.thread = std::thread([&d, s = server.get()] {
            const bool clean = s->listen_after_bind();
            if (!clean && !d.stopping) spdlog::error("status endpoint on {} stopped accepting connections", d.address);
            d.listen_returned = true;
        });
    } catch (...) {
        server->close_unserved();
        throw;
    }
    // httplib's stop() does nothing until the accept loop has marked itself running; wait for
    // that (microseconds) so a stop() right after start() cannot be lost.
    while (!server->is_running() && !d.listen_returned) std::this_thread::sleep_for(std::chrono::microseconds(100));
    d.server = std::move(server);
    d.port = bound;
    const std::string host = where.host.find(':') != std::string::npos ? "[" + where.host + "]" : where.host;
    spdlog::info("status endpoint listening on http://{}:{}", host, bound);
}

int StatusServer::port() const { return impl_->port; }

void StatusServer::stop() {
    Impl& d = *impl_;
    std::lock_guard lock(d.lifecycle);
    if (!d.server) return;
    d.stopping = true;
    if (d.thread.joinable()) {
        d.server->stop();
        // Returns once the accept loop has ended and the pool has finished the requests in flight.
        d.thread.join();
    } else {
        d.server->close_unserved();
    }
    d.server.reset();
    d.port = 0;
}

}  // namespace flinkscaler::service
