// SPDX-License-Identifier: Apache-2.0
#include "service/status_server.hpp"

#include "http/address.hpp"
#include "service/status_http.hpp"
#include "service/status_routes.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace flinkscaler::service {

namespace {

using Clock = std::chrono::steady_clock;

// A client must send a whole request within this long of connecting or of its previous
// response; bytes trickling in do not extend it (a 1 byte/s client is closed, not served).
constexpr auto kRequestTimeout = std::chrono::seconds(10);
// A response that makes no progress for this long is abandoned.
constexpr auto kWriteTimeout = std::chrono::seconds(10);
// After a response that closes the connection, how long the client has to close its side.
constexpr auto kDrainTimeout = std::chrono::seconds(1);
// Open connections at most; when full, the one idle the longest is closed for a new one.
constexpr std::size_t kMaxConnections = 512;
// One recv() at most; a connection's read buffer never holds more than a head and a body.
constexpr std::size_t kReadChunk = 16384;
constexpr std::size_t kMaxBuffered = kMaxHeadBytes + kMaxBodyBytes;

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

/// A listening, non-blocking socket on `where`, and its bound port. Throws naming `address`.
std::pair<int, int> listen_on(const http::HostPort& where, const std::string& address) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(where.port);
    if (const int rc = ::getaddrinfo(where.host.c_str(), port.c_str(), &hints, &found); rc != 0)
        throw std::runtime_error("status endpoint: cannot listen on " + address + ": " + ::gai_strerror(rc));
    int error = 0;
    int fd = -1;
    for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
        fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            error = errno;
            continue;
        }
        // SO_REUSEADDR only: SO_REUSEPORT would let a second daemon share the port silently (each
        // getting half the scrapes) instead of failing to bind.
        int yes = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        if (ai->ai_family == AF_INET6) {  // "[::]:port" also takes IPv4 clients, as it always did
            int no = 0;
            ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof no);
        }
        if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) break;
        error = errno;
        ::close(fd);
        fd = -1;
    }
    ::freeaddrinfo(found);
    if (fd < 0) {
        std::string message = "status endpoint: cannot listen on " + address;
        if (error != 0) message += std::string(": ") + std::strerror(error);
        throw std::runtime_error(message);
    }
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
    const int bound_port = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                                       : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    return {fd, bound_port};
}

struct Connection {
    int fd;
    std::string in;
    std::string out;
    std::size_t out_sent = 0;
    bool close_after_write = false;
    bool draining = false;  ///< last response sent and write side shut: reading until the peer closes
    bool peer_closed = false;  ///< the client shut its write side: answer what is buffered, then close
    Clock::time_point deadline;  ///< closed when this passes (see kRequestTimeout, kWriteTimeout)
    Clock::time_point idle_since;
    bool writing() const { return out_sent < out.size(); }
};

}  // namespace

struct StatusServer::Impl {
    std::string address;
    StatusRoutes routes;
    std::string bearer_token;  ///< "" when the endpoint is open; never logged

    std::mutex lifecycle;  ///< serializes start() and stop()
    std::thread thread;
    int listener = -1;
    int wake_read = -1;   ///< self-pipe: stop() writes, the loop wakes and returns
    int wake_write = -1;
    std::atomic<int> port{0};

    std::list<Connection> connections;  // loop thread only
    Clock::time_point accept_paused_until{};

    Impl(std::string address_, StatusBoard& board_, store::StateReader* store_,
         std::chrono::steady_clock::duration liveness_limit_, std::string bearer_token_)
        : address(std::move(address_)), routes(board_, store_, liveness_limit_), bearer_token(std::move(bearer_token_)) {}

    /// /healthz stays open for supervisors; everything else needs the token when one is set.
    bool authorized(const HttpRequest& request) const {
        return bearer_token.empty() || request.endpoint.path == "/healthz" ||
               bearer_matches(request.authorization, bearer_token);
    }

    void close_fds() {
        for (int* fd : {&listener, &wake_read, &wake_write}) {
            if (*fd >= 0) ::close(*fd);
            *fd = -1;
        }
    }

    /// Closes the connection idle the longest (not one with a response under way); false if none.
    bool close_oldest_idle() {
        auto oldest = connections.end();
        for (auto it = connections.begin(); it != connections.end(); ++it)
            if (!it->writing() && (oldest == connections.end() || it->idle_since < oldest->idle_since)) oldest = it;
        if (oldest == connections.end()) return false;
        ::close(oldest->fd);
        connections.erase(oldest);
        return true;
    }

    void accept_all(Clock::time_point now) {
        while (true) {
            const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED) continue;
                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                    // Out of descriptors: make room, or stop accepting for a moment rather than
                    // spin on a listener that stays readable.
                    if (!close_oldest_idle()) accept_paused_until = now + std::chrono::milliseconds(100);
                    spdlog::warn("status endpoint: cannot accept a connection: {}", std::strerror(errno));
                    if (accept_paused_until > now) return;
                    continue;
                }
                return;  // EAGAIN: accepted everything pending
            }
            if (connections.size() >= kMaxConnections && !close_oldest_idle()) {
                ::close(fd);
                continue;
            }
            int yes = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
            Connection c{};
            c.fd = fd;
            c.deadline = now + kRequestTimeout;
            c.idle_since = now;
            connections.push_back(std::move(c));
        }
    }

    /// Answers the requests complete in `c.in`, one at a time: the next is parsed only once the
    /// previous response has been sent, so pipelined responses go out in order and at most one
    /// response is buffered per connection.
    void serve(Connection& c, Clock::time_point now) {
        while (!c.writing() && !c.close_after_write && !c.draining && !c.in.empty()) {
            const HttpParse parsed = parse_request(c.in);
            if (std::holds_alternative<HttpIncomplete>(parsed)) return;
            if (const auto* refusal = std::get_if<HttpRefusal>(&parsed)) {
                spdlog::debug("status endpoint: request refused with {}: {}", refusal->status, refusal->message);
                queue(c, json_error(refusal->status, refusal->message), false, false, now);
                c.in.clear();
                return;
            }
            const auto& request = std::get<HttpRequest>(parsed);
            EndpointResponse response;
            try {
                if (!authorized(request)) {
                    response = json_error(401, "this endpoint requires Authorization: Bearer <token>");
                    response.headers.emplace_back("WWW-Authenticate", "Bearer");
                } else {
                    response = routes.route(request.endpoint);
                }
            } catch (const std::exception& e) {  // route() does not throw; a bad_alloc still might
                spdlog::warn("status endpoint: {} {} failed: {}", request.endpoint.method, request.endpoint.path, e.what());
                response = json_error(500, e.what());
            }
            spdlog::debug("status endpoint: {} {} -> {}", request.endpoint.method, request.endpoint.path, response.status);
            queue(c, response, request.keep_alive, request.endpoint.method == "HEAD", now);
            c.in.erase(0, request.consumed);
        }
    }

    static void queue(Connection& c, const EndpointResponse& response, bool keep_alive, bool head_only,
                      Clock::time_point now) {
        c.out = serialize_response(response, keep_alive, head_only);
        c.out_sent = 0;
        c.close_after_write = !keep_alive;
        c.deadline = now + kWriteTimeout;
    }

    /// Sends what the socket takes; false when the connection is to be closed.
    static bool flush(Connection& c, Clock::time_point now) {
        while (c.writing()) {
            const ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                return errno == EAGAIN || errno == EWOULDBLOCK;
            }
            c.out_sent += static_cast<std::size_t>(n);
            c.deadline = now + kWriteTimeout;
        }
        if (c.close_after_write) {
            // Closing now with unread input would reset the connection and could destroy the
            // response in the client's buffers: shut the write side and wait (briefly) for the
            // client to close.
            ::shutdown(c.fd, SHUT_WR);
            c.draining = true;
            c.in.clear();
            c.out.clear();
            c.out_sent = 0;
            c.deadline = now + kDrainTimeout;
            return true;
        }
        if (!c.out.empty()) {  // a response just went out: the next request's time starts
            c.out.clear();
            c.out_sent = 0;
            c.deadline = now + kRequestTimeout;
            c.idle_since = now;
        }
        return true;
    }

    /// Reads what is there (and drops it while draining); false when the connection failed.
    static bool receive(Connection& c) {
        char buf[kReadChunk];
        while (c.in.size() < kMaxBuffered) {
            const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
            if (n == 0) {
                c.peer_closed = true;  // a client may half-close after its request: still answer it
                return true;
            }
            if (n < 0) return errno == EINTR ? true : (errno == EAGAIN || errno == EWOULDBLOCK);
            if (!c.draining) c.in.append(buf, static_cast<std::size_t>(n));
            if (static_cast<std::size_t>(n) < sizeof buf) return true;
        }
        return true;
    }

    /// Answers and sends as far as the buffered input and the socket allow; false to close.
    bool advance(Connection& c, Clock::time_point now) {
        while (!c.draining) {
            serve(c, now);  // queues at most one response
            if (!c.writing()) return true;
            if (!flush(c, now)) return false;
            if (c.writing()) return true;  // the socket is full: wait for POLLOUT
        }
        return true;
    }

    void loop() {
        std::vector<pollfd> fds;
        std::vector<std::list<Connection>::iterator> polled;
        while (true) {
            const auto now = Clock::now();
            fds.clear();
            polled.clear();
            fds.push_back({wake_read, POLLIN, 0});
            const bool accepting = now >= accept_paused_until;
            fds.push_back({accepting ? listener : -1, POLLIN, 0});
            auto next_deadline = now + std::chrono::seconds(1);
            for (auto it = connections.begin(); it != connections.end(); ++it) {
                // Read only while nothing is being written and the buffer is not full: a client that
                // pipelines without reading its responses stalls itself, not the server.
                const short events =
                    it->writing() ? POLLOUT : (it->in.size() < kMaxBuffered && !it->peer_closed ? POLLIN : 0);
                fds.push_back({it->fd, events, 0});
                polled.push_back(it);
                next_deadline = std::min(next_deadline, it->deadline);
            }
            if (!accepting) next_deadline = std::min(next_deadline, accept_paused_until);
            const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline - now).count() + 1;
            const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(wait, 0)));
            if (ready < 0 && errno != EINTR) {
                spdlog::error("status endpoint on {} stopped: poll: {}", address, std::strerror(errno));
                break;
            }
            if (fds[0].revents != 0) break;  // stop()
            const auto after = Clock::now();
            for (std::size_t i = 0; i < polled.size(); ++i) {
                Connection& c = *polled[i];
                const short revents = fds[i + 2].revents;
                bool keep = true;
                if (revents & (POLLERR | POLLNVAL)) keep = false;
                if (keep && (revents & (POLLIN | POLLHUP)) && !c.writing()) keep = receive(c);
                if (keep && c.writing()) keep = flush(c, after);
                if (keep) keep = advance(c, after);
                if (keep && c.peer_closed && !c.writing()) keep = false;  // answered all it sent
                if (keep && after >= c.deadline) keep = false;
                if (!keep) {
                    ::close(c.fd);
                    connections.erase(polled[i]);
                }
            }
            // After the connections, so a new one can take the place of one closed just now.
            if (accepting && (fds[1].revents & POLLIN)) accept_all(after);
        }
        for (auto& c : connections) ::close(c.fd);
        connections.clear();
    }
};

StatusServer::StatusServer(std::string address, StatusBoard& board, store::StateReader* store,
                           std::chrono::steady_clock::duration liveness_limit, std::string bearer_token)
    : impl_(std::make_unique<Impl>(std::move(address), board, store, liveness_limit, std::move(bearer_token))) {}

StatusServer::~StatusServer() { stop(); }

void StatusServer::start() {
    Impl& d = *impl_;
    std::lock_guard lock(d.lifecycle);
    if (d.thread.joinable()) return;
    const http::HostPort where = parse_address(d.address);
    const auto [listener, bound] = listen_on(where, d.address);
    d.listener = listener;
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0) {
        const int error = errno;
        d.close_fds();
        throw std::runtime_error(std::string("status endpoint: cannot create a pipe: ") + std::strerror(error));
    }
    d.wake_read = pipe_fds[0];
    d.wake_write = pipe_fds[1];
    d.accept_paused_until = {};
    try {
        d.thread = std::thread([&d] { d.loop(); });
    } catch (...) {
        d.close_fds();
        throw;
    }
    d.port = bound;
    const std::string host = where.host.find(':') != std::string::npos ? "[" + where.host + "]" : where.host;
    spdlog::info("status endpoint listening on http://{}:{}", host, bound);
}

int StatusServer::port() const { return impl_->port; }

void StatusServer::stop() {
    Impl& d = *impl_;
    std::lock_guard lock(d.lifecycle);
    if (!d.thread.joinable()) return;
    const char byte = 1;
    while (::write(d.wake_write, &byte, 1) < 0 && errno == EINTR) {
    }
    d.thread.join();  // the loop answers no request longer than a route call: this is prompt
    d.close_fds();
    d.port = 0;
}

}  // namespace flinkscaler::service
