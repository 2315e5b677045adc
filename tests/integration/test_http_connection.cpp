// SPDX-License-Identifier: Apache-2.0
//
// The HTTP connection against an in-process server on loopback: path prefix, auth headers,
// retries, the per-server concurrency cap and the response size cap.
#include "http/connection.hpp"

#include <httplib.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace flinkscaler;
using namespace flinkscaler::http;
using namespace std::chrono_literals;

namespace {

const std::string kTls = std::string(FLINKSCALER_FIXTURES) + "/tls/";

// A loopback server on a free port, stopped when the test ends.
template <typename ServerType = httplib::Server>
class BasicLocalServer {
public:
    template <typename... ServerArgs>
    explicit BasicLocalServer(const std::function<void(httplib::Server&)>& routes, ServerArgs&&... args)
        : server_(std::forward<ServerArgs>(args)...) {
        routes(server_);
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        while (!server_.is_running()) std::this_thread::sleep_for(1ms);  // no wait_until_ready in 0.11
    }
    ~BasicLocalServer() {
        server_.stop();
        thread_.join();
    }
    std::string url(const std::string& prefix = "") const {
        const char* scheme = std::is_same_v<ServerType, httplib::Server> ? "http" : "https";
        return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_) + prefix;
    }

private:
    ServerType server_;
    int port_ = 0;
    std::thread thread_;
};

using LocalServer = BasicLocalServer<>;
using LocalTlsServer = BasicLocalServer<httplib::SSLServer>;

void hello(httplib::Server& s) {
    s.Get("/config", [](const httplib::Request&, httplib::Response& res) { res.set_content("{}", "application/json"); });
}

ConnectionSettings settings_for(const std::string& url) {
    ConnectionSettings s;
    s.base_url = url;
    s.connect_timeout = 1s;
    s.request_timeout = 2s;
    s.retry_backoff = 10ms;
    return s;
}

}  // namespace

TEST_CASE("a base URL is split into scheme://host:port and a path prefix; bad URLs are refused", "[http]") {
    CHECK(split_base_url("http://jm:8081") == std::pair<std::string, std::string>{"http://jm:8081", ""});
    CHECK(split_base_url("https://gw.example.com/flink/prod/") ==
          std::pair<std::string, std::string>{"https://gw.example.com", "/flink/prod"});
    CHECK_THROWS_WITH(split_base_url("jm:8081"), Catch::Contains("expected http://host"));
    CHECK_THROWS_WITH(split_base_url("ftp://jm"), Catch::Contains("scheme must be http or https"));
    CHECK_THROWS_WITH(split_base_url("http://user:pw@jm"), Catch::Contains("credentials go in the auth settings"));
}

TEST_CASE("the path prefix is kept in front of every path, and basic auth is sent", "[http]") {
    LocalServer server([](httplib::Server& s) {
        s.Get("/flink/prod/jobs/overview", [](const httplib::Request& req, httplib::Response& res) {
            res.set_content(req.get_header_value("Authorization"), "text/plain");
        });
    });
    auto settings = settings_for(server.url("/flink/prod/"));
    settings.auth = {AuthSettings::Kind::Basic, "scaler", "secret", ""};
    Connection connection(settings);
    const auto response = connection.get("/jobs/overview");
    CHECK(response.status == 200);
    CHECK(response.body == "Basic c2NhbGVyOnNlY3JldA==");
}

TEST_CASE("a bearer token is sent as an Authorization header", "[http]") {
    LocalServer server([](httplib::Server& s) {
        s.Get("/x", [](const httplib::Request& req, httplib::Response& res) {
            res.set_content(req.get_header_value("Authorization"), "text/plain");
        });
    });
    auto settings = settings_for(server.url());
    settings.auth = {AuthSettings::Kind::Bearer, "", "", "t0ken"};
    CHECK(Connection(settings).get("/x").body == "Bearer t0ken");
}

TEST_CASE("a GET answered 503 is retried up to max_retries, then the last answer is returned", "[http]") {
    std::atomic<int> calls{0};
    LocalServer server([&](httplib::Server& s) {
        s.Get("/flaky", [&](const httplib::Request&, httplib::Response& res) {
            res.status = ++calls < 3 ? 503 : 200;
        });
        s.Get("/down", [&](const httplib::Request&, httplib::Response& res) { res.status = 503; });
    });
    auto settings = settings_for(server.url());
    settings.max_retries = 2;
    Connection connection(settings);
    CHECK(connection.get("/flaky").status == 200);
    CHECK(calls == 3);
    calls = 0;
    CHECK(connection.get("/down").status == 503);
}

TEST_CASE("a PUT is never retried", "[http]") {
    std::atomic<int> calls{0};
    LocalServer server([&](httplib::Server& s) {
        s.Put("/r", [&](const httplib::Request& req, httplib::Response& res) {
            ++calls;
            res.status = 503;
            res.set_content(req.body, "application/json");
        });
    });
    Connection connection(settings_for(server.url()));
    const auto response = connection.put("/r", R"({"a":1})");
    CHECK(response.status == 503);
    CHECK(response.body == R"({"a":1})");
    CHECK(calls == 1);
}

TEST_CASE("no more than max_concurrent_requests requests are in flight to one server", "[http]") {
    std::atomic<int> in_flight{0}, peak{0};
    LocalServer server([&](httplib::Server& s) {
        s.Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
            const int now = ++in_flight;
            int seen = peak.load();
            while (now > seen && !peak.compare_exchange_weak(seen, now)) {
            }
            std::this_thread::sleep_for(100ms);
            --in_flight;
            res.set_content("ok", "text/plain");
        });
    });
    auto settings = settings_for(server.url());
    settings.max_concurrent_requests = 2;
    Connection connection(settings);
    std::vector<std::thread> clients;
    for (int i = 0; i < 6; ++i) clients.emplace_back([&] { CHECK(connection.get("/slow").body == "ok"); });
    for (auto& t : clients) t.join();
    CHECK(peak == 2);
}

TEST_CASE("a response larger than the cap is refused instead of being buffered", "[http]") {
    LocalServer server([](httplib::Server& s) {
        s.Get("/big", [](const httplib::Request&, httplib::Response& res) {
            res.set_content(std::string(100000, 'x'), "text/plain");
        });
    });
    auto settings = settings_for(server.url());
    settings.max_response_bytes = 1000;
    settings.max_retries = 0;
    CHECK_THROWS_WITH(Connection(settings).get("/big"), Catch::Contains("response larger than 1000 bytes"));
}

TEST_CASE("connection refused becomes a RequestError naming the URL", "[http]") {
    int port;
    {
        httplib::Server probe;
        port = probe.bind_to_any_port("127.0.0.1");
    }  // closed again: nothing listens there now
    auto settings = settings_for("http://127.0.0.1:" + std::to_string(port));
    settings.max_retries = 1;
    CHECK_THROWS_WITH(Connection(settings).get("/jobs/overview"),
                      Catch::Contains("GET http://127.0.0.1:" + std::to_string(port) + "/jobs/overview"));
}

TEST_CASE("TLS: the server certificate is verified against the configured CA", "[http][tls]") {
    LocalTlsServer server(hello, (kTls + "server.pem").c_str(), (kTls + "server.key").c_str());
    auto settings = settings_for(server.url());
    settings.max_retries = 0;
    settings.tls.ca_file = kTls + "ca.pem";
    CHECK(Connection(settings).get("/config").status == 200);

    settings.tls.ca_file = kTls + "other-ca.pem";  // a CA that did not sign the server
    CHECK_THROWS_AS(Connection(settings).get("/config"), RequestError);

    settings.tls.verify = false;  // --insecure
    CHECK(Connection(settings).get("/config").status == 200);
}

TEST_CASE("mutual TLS: the client certificate is presented when configured and required by the server",
          "[http][tls]") {
    LocalTlsServer server(hello, (kTls + "server.pem").c_str(), (kTls + "server.key").c_str(),
                          (kTls + "ca.pem").c_str());
    auto settings = settings_for(server.url());
    settings.max_retries = 0;
    settings.tls.ca_file = kTls + "ca.pem";
    CHECK_THROWS_AS(Connection(settings).get("/config"), RequestError);  // no client certificate

    settings.tls.cert_file = kTls + "client.pem";
    settings.tls.key_file = kTls + "client.key";
    CHECK(Connection(settings).get("/config").status == 200);
}

TEST_CASE("TLS settings that cannot be loaded are a clear error", "[http][tls]") {
    auto settings = settings_for("https://127.0.0.1:1");
    settings.tls.cert_file = kTls + "does-not-exist.pem";
    settings.tls.key_file = kTls + "client.key";
    CHECK_THROWS_WITH(Connection(settings).get("/config"), Catch::Contains("TLS certificate/key"));
}
