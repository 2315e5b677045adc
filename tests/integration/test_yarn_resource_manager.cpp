// SPDX-License-Identifier: Apache-2.0
//
// The ResourceManager client against in-process fake RMs on loopback (flink-rest.md §6.4): the
// active RM costs one request, a down or standby RM is skipped, a redirect is followed only to a
// configured RM, and errors name the cluster and every RM that was asked.
#include "fixture.hpp"
#include "http/connection.hpp"
#include "yarn/resource_manager.hpp"
#include "yarn/url_origin.hpp"

#include <httplib.h>

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>

using namespace flinkscaler;
using namespace flinkscaler::yarn;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

std::string yarn_fixture(const std::string& name) { return flinkscaler::testing::read_fixture("yarn/" + name); }

/// A free port on 127.0.0.1 where nothing listens: bound without listen(), closed again, so a
/// connection there is refused. (A httplib::Server that never ran keeps its socket listening.)
int closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                       ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    ::close(fd);
    REQUIRE(bound);
    return ntohs(address.sin_port);
}

std::string loopback_url(int port) { return "http://127.0.0.1:" + std::to_string(port); }

/// A fake ResourceManager on 127.0.0.1 (a free port, or a given one) whose answer to
/// /ws/v1/cluster/apps can be set; it counts the requests and keeps the last request target.
class FakeRm {
public:
    using Answer = std::function<void(const httplib::Request&, httplib::Response&)>;

    explicit FakeRm(Answer answer, int port = 0) : answer_(std::move(answer)) {
        server_.Get("/ws/v1/cluster/apps", [this](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mutex_);
            ++requests_;
            last_target_ = req.target;
            answer_(req, res);
        });
        if (port == 0) {
            port_ = server_.bind_to_any_port("127.0.0.1");
        } else {
            REQUIRE(server_.bind_to_port("127.0.0.1", port));
            port_ = port;
        }
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        while (!server_.is_running()) std::this_thread::sleep_for(1ms);
    }
    ~FakeRm() {
        server_.stop();
        thread_.join();
    }
    void answer(Answer answer) {
        std::lock_guard lock(mutex_);
        answer_ = std::move(answer);
    }
    int requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    void reset_count() {
        std::lock_guard lock(mutex_);
        requests_ = 0;
    }
    std::string last_target() const {
        std::lock_guard lock(mutex_);
        return last_target_;
    }
    int port() const { return port_; }
    std::string url() const { return loopback_url(port_); }

private:
    httplib::Server server_;
    mutable std::mutex mutex_;
    Answer answer_;
    int requests_ = 0;
    std::string last_target_;
    int port_ = 0;
    std::thread thread_;
};

FakeRm::Answer active(std::string body = yarn_fixture("apps-two-flink.json")) {
    return [body](const httplib::Request&, httplib::Response& res) { res.set_content(body, "application/json"); };
}

/// A standby that redirects to the same path and query on `target` (scheme://host:port).
FakeRm::Answer redirect_to(std::string target, int status = 307) {
    return [target, status](const httplib::Request& req, httplib::Response& res) {
        res.status = status;
        res.set_header("Location", target + req.target);
    };
}

FakeRm::Answer standby_page() {
    return [](const httplib::Request&, httplib::Response& res) {
        res.set_content(yarn_fixture("standby-page.html"), "text/html; charset=utf-8");
    };
}

FakeRm::Answer status_with(int status, std::string body, std::string content_type = "application/json") {
    return [=](const httplib::Request&, httplib::Response& res) {
        res.status = status;
        res.set_content(body, content_type.c_str());
    };
}

http::ConnectionSettings rm_settings(const std::string& url) {
    http::ConnectionSettings s;
    s.base_url = url;
    s.connect_timeout = 1s;
    s.request_timeout = 2s;
    s.max_retries = 0;  // one request per RM per call: the counts below are exact
    return s;
}

ResourceManagerClient client_for(const std::vector<std::string>& urls) {
    std::vector<http::ConnectionSettings> settings;
    for (const auto& url : urls) settings.push_back(rm_settings(url));
    return ResourceManagerClient("prod", settings);
}

}  // namespace

TEST_CASE("the first configured RM, when active, answers with one request and nobody else is asked", "[yarn]") {
    FakeRm rm1(active()), rm2(active());
    auto client = client_for({rm1.url(), rm2.url()});
    CHECK(client.active_url() == rm1.url());
    const auto apps = client.running_applications({});
    REQUIRE(apps.size() == 2);
    CHECK(apps[0].id == "application_1716900000000_0042");
    CHECK(rm1.requests() == 1);
    CHECK(rm2.requests() == 0);
    CHECK(rm1.last_target() == "/ws/v1/cluster/apps?states=RUNNING&applicationTypes=Apache%20Flink");
    CHECK(client.active_url() == rm1.url());
}

TEST_CASE("an RM that is down is skipped, and the RM that answered is asked first next time", "[yarn]") {
    const int down = closed_port();
    FakeRm rm2(active());
    auto client = client_for({loopback_url(down), rm2.url()});
    CHECK(client.running_applications({}).size() == 2);
    CHECK(rm2.requests() == 1);
    CHECK(client.active_url() == rm2.url());

    // rm1 comes back (as a standby): the next call still costs exactly one request, to rm2
    FakeRm rm1(standby_page(), down);
    rm2.reset_count();
    CHECK(client.running_applications({}).size() == 2);
    CHECK(rm1.requests() == 0);
    CHECK(rm2.requests() == 1);
}

TEST_CASE("a standby's 307 to a configured RM is followed before the other RMs are tried", "[yarn]") {
    FakeRm rm2(active()), rm3(standby_page());
    FakeRm rm1(redirect_to(rm2.url()));
    auto client = client_for({rm1.url(), rm3.url(), rm2.url() + "/"});  // trailing '/' does not matter
    CHECK(client.running_applications({}).size() == 2);
    CHECK(rm1.requests() == 1);
    CHECK(rm3.requests() == 0);
    CHECK(rm2.requests() == 1);
    CHECK(client.active_url() == rm2.url() + "/");
}

TEST_CASE("301, 302, 303 and 308 redirects to a configured RM are followed too", "[yarn]") {
    for (int status : {301, 302, 303, 308}) {
        FakeRm rm2(active());
        FakeRm rm1(redirect_to(rm2.url(), status));
        auto client = client_for({rm1.url(), rm2.url()});
        CHECK(client.running_applications({}).size() == 2);
        CHECK(client.active_url() == rm2.url());
    }
}

TEST_CASE("a redirect to a host that is not configured is not followed and is reported", "[yarn]") {
    FakeRm elsewhere(active());
    // "localhost" is not "127.0.0.1": host names are compared as written, never resolved
    const std::string unconfigured = "http://localhost:" + std::to_string(elsewhere.port());
    FakeRm rm1(redirect_to(unconfigured));
    auto client = client_for({rm1.url()});
    CHECK_THROWS_WITH(client.running_applications({}),
                      Contains("yarn cluster 'prod': no active ResourceManager answered: " + rm1.url() +
                               ": standby (307 to " + unconfigured + ", not configured)"));
    CHECK(elsewhere.requests() == 0);
}

TEST_CASE("redirects between standbys ask each RM at most once per call", "[yarn]") {
    FakeRm rm1(active()), rm2(active());
    rm1.answer(redirect_to(rm2.url()));
    rm2.answer(redirect_to(rm1.url()));
    auto client = client_for({rm1.url(), rm2.url()});
    CHECK_THROWS_WITH(client.running_applications({}), Contains("already asked"));
    CHECK(rm1.requests() == 1);
    CHECK(rm2.requests() == 1);
}

TEST_CASE("a standby's HTML page (200, not JSON) and a 503 are skipped", "[yarn]") {
    FakeRm rm1(standby_page()), rm2(status_with(503, "")), rm3(active());
    auto client = client_for({rm1.url(), rm2.url(), rm3.url()});
    CHECK(client.running_applications({}).size() == 2);
    CHECK(rm1.requests() == 1);
    CHECK(rm2.requests() == 1);
    CHECK(rm3.requests() == 1);
    CHECK(client.active_url() == rm3.url());
}

TEST_CASE("a 403 with a RemoteException body is a YarnError with the status and the message", "[yarn]") {
    FakeRm rm1(status_with(403, yarn_fixture("remote-exception-403.json"))), rm2(active());
    auto client = client_for({rm1.url(), rm2.url()});
    CHECK_THROWS_AS(client.running_applications({}), YarnError);
    CHECK_THROWS_WITH(client.running_applications({}),
                      Contains("yarn cluster 'prod'") && Contains(rm1.url() + " answered 403") &&
                          Contains("ForbiddenException: User scaler is not authorized to view the applications"));
    CHECK(rm2.requests() == 0);
}

TEST_CASE("an error status without a RemoteException body quotes the start of the body", "[yarn]") {
    FakeRm rm1(status_with(404, "<html>Not Found</html>", "text/html"));
    auto client = client_for({rm1.url()});
    CHECK_THROWS_WITH(client.running_applications({}), Contains("answered 404") && Contains("\"<html>Not Found</html>\""));
}

TEST_CASE("when every RM fails, the message lists each RM with its problem", "[yarn]") {
    const int down = closed_port();
    FakeRm rm2(redirect_to("http://rm3.example.com:8088"));
    auto client = client_for({loopback_url(down), rm2.url()});
    CHECK_THROWS_WITH(client.running_applications({}),
                      Contains("yarn cluster 'prod': no active ResourceManager answered: " + loopback_url(down) +
                               ": connection refused") &&
                          Contains("; " + rm2.url() + ": standby (307 to http://rm3.example.com:8088, not configured)"));
}

TEST_CASE("an active RM's body that is not an apps list is a YarnError with the cluster and the JSON path", "[yarn]") {
    FakeRm rm1(active(R"({"apps":{"app":[{"name":"no id"}]}})"));
    auto client = client_for({rm1.url()});
    CHECK_THROWS_WITH(client.running_applications({}),
                      Contains("yarn cluster 'prod'") && Contains(rm1.url()) && Contains("$.apps.app[0].id: missing"));
}

TEST_CASE("applications the RM returns despite the filter are filtered on the client", "[yarn]") {
    FakeRm rm1(active(R"({"apps":{"app":[
        {"id":"application_1_0001","state":"RUNNING","applicationType":"Apache Flink","queue":"root.streaming","applicationTags":"autoscale"},
        {"id":"application_1_0002","state":"RUNNING","applicationType":"SPARK","queue":"root.streaming","applicationTags":"autoscale"},
        {"id":"application_1_0003","state":"FINISHED","applicationType":"Apache Flink","queue":"root.streaming","applicationTags":"autoscale"},
        {"id":"application_1_0004","state":"RUNNING","applicationType":"apache flink","queue":"root.batch","applicationTags":"autoscale"},
        {"id":"application_1_0005","state":"RUNNING","applicationType":"Apache Flink","queue":"root.streaming","applicationTags":"manual"}]}})"));
    auto client = client_for({rm1.url()});
    ApplicationFilter filter;
    filter.queue = "streaming";
    filter.tags = {"AutoScale"};
    const auto apps = client.running_applications(filter);
    REQUIRE(apps.size() == 1);
    CHECK(apps[0].id == "application_1_0001");
    CHECK(rm1.last_target() ==
          "/ws/v1/cluster/apps?states=RUNNING&applicationTypes=Apache%20Flink&applicationTags=autoscale");
}

TEST_CASE("a client needs at least one RM and well-formed base URLs", "[yarn]") {
    CHECK_THROWS_AS(ResourceManagerClient("prod", {}), std::invalid_argument);
    CHECK_THROWS_WITH(ResourceManagerClient("prod", {rm_settings("rm1:8088")}),
                      Contains("yarn cluster 'prod'") && Contains("rm1:8088"));
}

TEST_CASE("the Location header reaches http::Response::location, and is empty when absent", "[yarn][http]") {
    FakeRm rm1(redirect_to("http://rm2.example.com:8088"));
    http::Connection connection(rm_settings(rm1.url()));
    const auto redirected = connection.get("/ws/v1/cluster/apps?states=RUNNING");
    CHECK(redirected.status == 307);
    CHECK(redirected.location == "http://rm2.example.com:8088/ws/v1/cluster/apps?states=RUNNING");

    rm1.answer(active());
    const auto answered = connection.get("/ws/v1/cluster/apps");
    CHECK(answered.status == 200);
    CHECK(answered.location.empty());
}

TEST_CASE("url_origin keeps scheme, host and port only, lower-cased with default ports", "[yarn]") {
    CHECK(url_origin("http://RM1.example.com:8088/ws/v1/cluster/apps?x=1") == "http://rm1.example.com:8088");
    CHECK(url_origin("HTTP://rm1:8088/") == "http://rm1:8088");
    CHECK(url_origin("http://rm1") == "http://rm1:80");
    CHECK(url_origin("https://rm1/gateway") == "https://rm1:443");
    CHECK(url_origin("http://[::1]:8088/x") == "http://[::1]:8088");
    CHECK(url_origin("http://localhost:8088") != url_origin("http://127.0.0.1:8088"));
    CHECK_FALSE(url_origin("/ws/v1/cluster/apps").has_value());
    CHECK_FALSE(url_origin("ftp://rm1").has_value());
    CHECK_FALSE(url_origin("http://user@rm1").has_value());
    CHECK_FALSE(url_origin("http://rm1:port").has_value());
}
