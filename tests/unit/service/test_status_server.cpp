// SPDX-License-Identifier: Apache-2.0
// The status endpoint's sockets (StatusServer) under hostile or unusual clients, over raw TCP on
// loopback: many idle and slow connections must not delay /healthz, oversized request heads and
// bodies are refused at once, pipelined requests are answered one by one in order.
// test_status_board.cpp covers what the endpoint answers with an ordinary client.
#include "service/status_board.hpp"
#include "service/status_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using flinkscaler::service::StatusBoard;
using flinkscaler::service::StatusServer;
using Clock = std::chrono::steady_clock;

namespace {

/// A connected loopback TCP socket, closed on destruction.
class Socket {
public:
    explicit Socket(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
            const int error = errno;
            ::close(fd_);
            throw std::runtime_error(std::string("connect: ") + std::strerror(error));
        }
    }
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    /// Sends all of `data`; false when the peer has closed.
    bool send(std::string_view data) {
        while (!data.empty()) {
            const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n < 0) return false;
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    /// Shuts the sending side (the server sees the end of the requests).
    void shutdown_send() { ::shutdown(fd_, SHUT_WR); }
    /// Reads until `done(received)` holds, the peer closes or `timeout` passes.
    template <typename Done>
    std::string receive(Clock::duration timeout, Done done) {
        std::string got;
        const auto deadline = Clock::now() + timeout;
        while (!done(got)) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left <= 0ms) break;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
            char buf[16384];
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) break;
            got.append(buf, static_cast<std::size_t>(n));
        }
        return got;
    }
    /// Reads until the peer closes (or `timeout`).
    std::string receive_all(Clock::duration timeout) {
        return receive(timeout, [](const std::string&) { return false; });
    }
    /// True when the peer has closed the connection within `timeout` (after any data).
    bool closed_within(Clock::duration timeout) {
        const auto deadline = Clock::now() + timeout;
        while (Clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            char buf[4096];
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return true;
        }
        return false;
    }

private:
    int fd_ = -1;
};

/// Counts the complete responses (head + Content-Length body) at the start of `data`.
std::size_t complete_responses(const std::string& data) {
    std::size_t count = 0;
    std::size_t at = 0;
    while (true) {
        const std::size_t end = data.find("\r\n\r\n", at);
        if (end == std::string::npos) return count;
        const std::string head = data.substr(at, end - at);
        std::size_t length = 0;
        if (const auto cl = head.find("Content-Length: "); cl != std::string::npos)
            length = std::stoul(head.substr(cl + 16));
        if (data.size() < end + 4 + length) return count;
        at = end + 4 + length;
        ++count;
    }
}

/// One request on a fresh connection; returns the whole response (the request says close).
std::string one_request(int port, const std::string& request, Clock::duration timeout = 2s) {
    Socket s(port);
    s.send(request);
    return s.receive(timeout, [](const std::string& got) { return complete_responses(got) >= 1; });
}

std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }

struct Served {
    StatusBoard board{"0.1.0"};
    StatusServer server{"127.0.0.1:0", board, nullptr, std::chrono::hours(1)};
    Served() { server.start(); }
    int port() const { return server.port(); }
};

}  // namespace

TEST_CASE("status server: healthz answers in under 100 ms while 200 idle and 20 slow connections are held",
          "[status][server][limits]") {
    Served s;
    std::vector<Socket> idle;
    for (int i = 0; i < 200; ++i) idle.emplace_back(s.port());
    std::vector<Socket> slow;
    for (int i = 0; i < 20; ++i) slow.emplace_back(s.port());

    // The slow clients trickle a request head, one byte per client every 100 ms.
    std::atomic<bool> done{false};
    std::thread trickle([&] {
        const std::string head = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
        for (std::size_t i = 0; !done && i < head.size(); ++i) {
            for (auto& c : slow) c.send(head.substr(i, 1));
            for (int t = 0; t < 10 && !done; ++t) std::this_thread::sleep_for(10ms);
        }
    });
    std::this_thread::sleep_for(100ms);  // let the server see every connection first

    Clock::duration slowest{};
    for (int i = 0; i < 5; ++i) {
        const auto started = Clock::now();
        const std::string response = one_request(s.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 2s);
        slowest = std::max(slowest, Clock::now() - started);
        INFO(response);
        CHECK(status_line(response) == "HTTP/1.1 200 OK");
    }
    done = true;
    trickle.join();
    INFO("slowest /healthz: " << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count() << " ms");
    CHECK(slowest < 100ms);
}

TEST_CASE("status server: request heads over 8 KiB or 100 header lines are refused with 431", "[status][server][limits]") {
    Served s;
    SECTION("too large") {
        Socket c(s.port());
        c.send("GET /healthz HTTP/1.1\r\nX-Big: " + std::string(9000, 'a'));
        const std::string response = c.receive(2s, [](const std::string& got) { return complete_responses(got) >= 1; });
        CHECK(status_line(response) == "HTTP/1.1 431 Request Header Fields Too Large");
        CHECK(c.closed_within(1s));
    }
    SECTION("too many") {
        std::string request = "GET /healthz HTTP/1.1\r\n";
        for (int i = 0; i < 101; ++i) request += "X-" + std::to_string(i) + ": 1\r\n";
        request += "\r\n";
        const std::string response = one_request(s.port(), request);
        CHECK(status_line(response) == "HTTP/1.1 431 Request Header Fields Too Large");
    }
    SECTION("100 header lines are fine") {
        std::string request = "GET /healthz HTTP/1.1\r\n";
        for (int i = 0; i < 100; ++i) request += "X-" + std::to_string(i) + ": 1\r\n";
        request += "\r\n";
        CHECK(status_line(one_request(s.port(), request)) == "HTTP/1.1 200 OK");
    }
}

TEST_CASE("status server: a Content-Length over the body limit is refused at once with 413", "[status][server][limits]") {
    Served s;
    const auto started = Clock::now();
    Socket c(s.port());
    c.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nabc");
    const std::string response = c.receive(3s, [](const std::string& got) { return complete_responses(got) >= 1; });
    CHECK(status_line(response) == "HTTP/1.1 413 Payload Too Large");
    CHECK(response.find("Connection: close") != std::string::npos);
    CHECK(c.closed_within(1s));
    CHECK(Clock::now() - started < 500ms);
}

TEST_CASE("status server: pipelined requests get one response each, in order", "[status][server]") {
    Served s;
    s.board.set_ready(true);
    Socket c(s.port());
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
           "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
           "POST /readyz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
           "HEAD /readyz HTTP/1.1\r\nHost: x\r\n\r\n"
           "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string got = c.receive(2s, [](const std::string& got) { return complete_responses(got) >= 5; });
    REQUIRE(complete_responses(got) == 5);
    std::vector<std::string> lines;
    for (std::size_t at = 0; (at = got.find("HTTP/1.1 ", at)) != std::string::npos; at += 9)
        lines.push_back(got.substr(at, got.find("\r\n", at) - at));
    CHECK(lines == std::vector<std::string>{"HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 405 Method Not Allowed",
                                            "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"});
    CHECK(got.substr(got.size() - 5) == "ready");
    // The connection stays open for more.
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(complete_responses(c.receive(2s, [](const std::string& g) { return complete_responses(g) >= 1; })) == 1);
}

TEST_CASE("status server: malformed requests, chunked bodies and other versions are refused", "[status][server]") {
    Served s;
    CHECK(status_line(one_request(s.port(), "garbage\r\n\r\n")) == "HTTP/1.1 400 Bad Request");
    CHECK(status_line(one_request(s.port(), "GET /healthz HTTP/2.0\r\n\r\n")) == "HTTP/1.1 505 HTTP Version Not Supported");
    CHECK(status_line(one_request(s.port(), "GET /healthz%zz HTTP/1.1\r\n\r\n")) == "HTTP/1.1 400 Bad Request");
    CHECK(status_line(one_request(s.port(), "POST /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")) ==
          "HTTP/1.1 411 Length Required");
    CHECK(status_line(one_request(s.port(), "GET /healthz HTTP/1.1\r\nContent-Length: x\r\n\r\n")) ==
          "HTTP/1.1 400 Bad Request");
    // HTTP/1.0 is answered and closed.
    Socket c(s.port());
    c.send("GET /healthz?probe=1 HTTP/1.0\r\n\r\n");
    const std::string response = c.receive_all(2s);
    CHECK(status_line(response) == "HTTP/1.1 200 OK");
    CHECK(response.find("Connection: close") != std::string::npos);
    CHECK(response.substr(response.size() - 2) == "ok");
}

TEST_CASE("status server: stop returns within 100 ms with connections open", "[status][server]") {
    Served s;
    std::vector<Socket> open;
    for (int i = 0; i < 20; ++i) open.emplace_back(s.port());
    open.front().send("GET /hea");
    std::this_thread::sleep_for(20ms);
    const auto started = Clock::now();
    s.server.stop();
    CHECK(Clock::now() - started < 100ms);
    CHECK(open.back().closed_within(1s));
}

TEST_CASE("status server: with a token every path but healthz needs Authorization: Bearer", "[status][server][token]") {
    StatusBoard board("0.1.0");
    board.set_ready(true);
    StatusServer server("127.0.0.1:0", board, nullptr, std::chrono::hours(1), "s3cret");
    server.start();
    const int port = server.port();
    CHECK(status_line(one_request(port, "GET /healthz HTTP/1.1\r\n\r\n")) == "HTTP/1.1 200 OK");
    for (const std::string path : {"/readyz", "/metrics", "/api/v1/jobs", "/nope"}) {
        INFO(path);
        const std::string refused = one_request(port, "GET " + path + " HTTP/1.1\r\n\r\n");
        CHECK(status_line(refused) == "HTTP/1.1 401 Unauthorized");
        CHECK(refused.find("WWW-Authenticate: Bearer\r\n") != std::string::npos);
        CHECK(refused.find("s3cret") == std::string::npos);
        CHECK(status_line(one_request(port, "GET " + path + " HTTP/1.1\r\nAuthorization: Bearer s3cre\r\n\r\n")) ==
              "HTTP/1.1 401 Unauthorized");
        CHECK(status_line(one_request(port, "GET " + path + " HTTP/1.1\r\nAuthorization: Basic s3cret\r\n\r\n")) ==
              "HTTP/1.1 401 Unauthorized");
    }
    CHECK(status_line(one_request(port, "GET /readyz HTTP/1.1\r\nAuthorization: Bearer s3cret\r\n\r\n")) ==
          "HTTP/1.1 200 OK");
    CHECK(status_line(one_request(port, "GET /nope HTTP/1.1\r\nauthorization: bearer s3cret\r\n\r\n")) ==
          "HTTP/1.1 404 Not Found");
}

TEST_CASE("status server: an IPv6 loopback address with port 0 binds and serves", "[status][server]") {
    StatusBoard board("0.1.0");
    StatusServer server("[::1]:0", board, nullptr, std::chrono::hours(1));
    try {
        server.start();
    } catch (const std::runtime_error& e) {
        WARN("no IPv6 loopback here: " << e.what());  // containers without IPv6
        return;
    }
    REQUIRE(server.port() > 0);
    const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    const timeval two_seconds{2, 0};  // bounded even if the server never closed
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &two_seconds, sizeof two_seconds);
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_port = htons(static_cast<std::uint16_t>(server.port()));
    addr.sin6_addr = in6addr_loopback;
    REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    const std::string request = "GET /healthz HTTP/1.0\r\n\r\n";
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    std::string got;
    char buf[1024];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    CHECK(status_line(got) == "HTTP/1.1 200 OK");
}

TEST_CASE("status server: a client that half-closes after its requests still gets every answer", "[status][server]") {
    Served s;
    Socket c(s.port());
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
    c.shutdown_send();
    const std::string got = c.receive_all(2s);  // the server closes once both are answered
    CHECK(complete_responses(got) == 2);
    CHECK(status_line(got) == "HTTP/1.1 200 OK");
    CHECK(got.find("HTTP/1.1 404 Not Found") != std::string::npos);
}
