// SPDX-License-Identifier: Apache-2.0
#include "service/status_server.hpp"

#include "service/job_status_json.hpp"
#include "store/state_store.hpp"

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
constexpr std::size_t kEventsPerJob = 50;

constexpr const char* kJson = "application/json";
constexpr const char* kText = "text/plain; charset=utf-8";
constexpr const char* kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";

/// httplib::Server::stop() only closes the listening socket of a server whose accept loop runs;
/// one that was bound but never served must be closed here, or the port would stay taken.
class Server : public httplib::Server {
public:
    void close_unserved() {
        const socket_t sock = svr_sock_.exchange(INVALID_SOCKET);
        if (sock != INVALID_SOCKET) ::close(sock);
    }
};

struct HostPort {
    std::string host;
    int port = 0;
};

[[noreturn]] void bad_address(const std::string& address, const std::string& why) {
    throw std::runtime_error("status endpoint: invalid address '" + address + "': " + why);
}

/// "host:port", "[v6]:port" or ":port" (all interfaces).
HostPort parse_address(const std::string& address) {
    HostPort out;
    std::string port_text;
    if (!address.empty() && address.front() == '[') {
        const auto close = address.find(']');
        if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':')
            bad_address(address, "expected [IPv6-address]:port");
        out.host = address.substr(1, close - 1);
        port_text = address.substr(close + 2);
    } else {
        const auto colon = address.rfind(':');
        if (colon == std::string::npos) bad_address(address, "expected host:port");
        out.host = address.substr(0, colon);
        if (out.host.find(':') != std::string::npos)
            bad_address(address, "an IPv6 address must be in brackets, e.g. [::1]:8089");
        port_text = address.substr(colon + 1);
    }
    if (out.host.empty()) out.host = "0.0.0.0";
    if (port_text.empty() || port_text.size() > 5 ||
        port_text.find_first_not_of("0123456789") != std::string::npos)
        bad_address(address, "the port must be a number from 0 to 65535");
    out.port = std::stoi(port_text);
    if (out.port > 65535) bad_address(address, "the port must be a number from 0 to 65535");
    return out;
}

/// Job names and error texts come from remote JobManagers and may hold invalid UTF-8; replace it
/// rather than let nlohmann throw in the middle of a response.
std::string dump(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void json_error(httplib::Response& res, int status, const std::string& message) {
    res.status = status;
    res.set_content(dump({{"error", message}}), kJson);
}

std::string seconds_text(std::chrono::steady_clock::duration d) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f s", std::chrono::duration<double>(d).count());
    return buffer;
}

nlohmann::json event_json(const store::StoredEvent& e) {
    return {
        {"id", e.id},
        {"create_time", format_instant(e.create_time)},
        {"update_time", format_instant(e.update_time)},
        {"type", e.event_type},
        {"reason", e.reason},
        {"message", e.message},
        {"count", e.count},
        {"event_key", e.event_key},
    };
}

}  // namespace

struct StatusServer::Impl {
    std::string address;
    StatusBoard& board;
    store::StateStore* store;
    std::chrono::steady_clock::duration liveness_limit;

    std::mutex lifecycle;  ///< serializes start() and stop()
    std::unique_ptr<Server> server;
    std::thread thread;
    std::atomic<bool> listen_returned{false};
    std::atomic<bool> stopping{false};
    std::atomic<int> port{0};

    Impl(std::string address_, StatusBoard& board_, store::StateStore* store_,
         std::chrono::steady_clock::duration liveness_limit_)
        : address(std::move(address_)), board(board_), store(store_), liveness_limit(liveness_limit_) {}

    void healthz(httplib::Response& res) const {
        if (board.alive(liveness_limit)) {
            res.set_content("ok", kText);
            return;
        }
        res.status = 503;
        res.set_content("not alive: the job loop has not ticked for " + seconds_text(board.since_heartbeat()) +
                            " (limit " + seconds_text(liveness_limit) + ")",
                        kText);
    }

    void readyz(httplib::Response& res) const {
        if (board.ready()) {
            res.set_content("ready", kText);
            return;
        }
        res.status = 503;
        res.set_content("not ready: the state store is not open yet or the first poll round has not finished",
                        kText);
    }

    void jobs(httplib::Response& res) const {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& job : board.jobs()) list.push_back(job_status_json(job, false));
        res.set_content(dump({{"jobs", std::move(list)}}), kJson);
    }

    void job(const std::string& key, httplib::Response& res) const {
        const auto status = board.job(key);
        if (!status) {
            json_error(res, 404, "unknown job: " + key);
            return;
        }
        auto out = job_status_json(*status, true);
        nlohmann::json events = nlohmann::json::array();
        if (store != nullptr)
            for (const auto& e : store->events(key, kEventsPerJob)) events.push_back(event_json(e));
        out["events"] = std::move(events);
        res.set_content(dump(out), kJson);
    }

    void install_routes(Server& s) {
        // GET handlers also answer HEAD (httplib drops the body).
        s.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) { healthz(res); });
        s.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) { readyz(res); });
        s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
            res.set_content(board.prometheus_text(), kPrometheusText);
        });
        s.Get("/api/v1/jobs", [this](const httplib::Request&, httplib::Response& res) { jobs(res); });
        // httplib matches on the percent-decoded path, so "cluster%2Fjob" arrives here as
        // "cluster/job" and both spellings of a key reach the same job.
        s.Get("/api/v1/jobs/(.+)",
              [this](const httplib::Request& req, httplib::Response& res) { job(req.matches[1].str(), res); });
        s.Get(".*", [](const httplib::Request& req, httplib::Response& res) {
            json_error(res, 404, "no such endpoint: " + req.path);
        });

        const auto not_allowed = [](const httplib::Request& req, httplib::Response& res) {
            res.set_header("Allow", "GET, HEAD");
            json_error(res, 405, "method " + req.method + " not allowed; the status endpoint is read-only");
        };
        s.Post(".*", not_allowed);
        s.Put(".*", not_allowed);
        s.Patch(".*", not_allowed);
        s.Delete(".*", not_allowed);
        s.Options(".*", not_allowed);

        // Responses httplib makes itself (bad request line, payload too large, ...) have no body;
        // give them one. TRACE and CONNECT have no routing table in httplib and come back as 400.
        using HandlerWithResponse = httplib::Server::HandlerWithResponse;  // the overload with a result
        s.set_error_handler(HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            if (res.status == 400 && (req.method == "TRACE" || req.method == "CONNECT")) {
                res.set_header("Allow", "GET, HEAD");
                json_error(res, 405, "method " + req.method + " not allowed; the status endpoint is read-only");
            } else {
                json_error(res, res.status, "request refused with HTTP status " + std::to_string(res.status));
            }
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
            json_error(res, 500, what);
        });
        // Per-request lines only at debug: a scrape every few seconds must not flood the log.
        s.set_logger([](const httplib::Request& req, const httplib::Response& res) {
            spdlog::debug("status endpoint: {} {} -> {}", req.method, req.path, res.status);
        });
    }
};

StatusServer::StatusServer(std::string address, StatusBoard& board, store::StateStore* store,
                           std::chrono::steady_clock::duration liveness_limit)
    : impl_(std::make_unique<Impl>(std::move(address), board, store, liveness_limit)) {}

StatusServer::~StatusServer() { stop(); }

void StatusServer::start() {
    Impl& d = *impl_;
    std::lock_guard lock(d.lifecycle);
    if (d.server) return;
    const HostPort where = parse_address(d.address);

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
