// SPDX-License-Identifier: Apache-2.0
//
// Where the Flink REST of a YARN application is reached, per access mode (flink-rest.md §6.2).
#include "yarn/flink_endpoint.hpp"

#include <catch2/catch.hpp>

using namespace flinkscaler::yarn;
using Catch::Matchers::Contains;

namespace {

const std::string kActiveRm = "http://rm2.example.com:8088";

// The RM's tracking URL names rm1, but rm2 is the active RM now.
Application proxied_app() {
    Application app;
    app.id = "application_1716900000000_0042";
    app.state = "RUNNING";
    app.tracking_url = "http://rm1.example.com:8088/proxy/application_1716900000000_0042/";
    app.am_rpc_address = "nm7.example.com:35127";
    return app;
}

}  // namespace

TEST_CASE("flink access names parse and print back", "[yarn]") {
    for (auto access : {FlinkAccess::Auto, FlinkAccess::Proxy, FlinkAccess::Direct})
        CHECK(parse_flink_access(to_string(access)) == access);
    CHECK_FALSE(parse_flink_access("Proxy").has_value());
    CHECK_FALSE(parse_flink_access("").has_value());
}

TEST_CASE("proxy: reads and rescales go through the active RM, not the host in trackingUrl", "[yarn]") {
    const auto endpoint = flink_endpoint(proxied_app(), FlinkAccess::Proxy, kActiveRm, "http");
    CHECK(endpoint.read_url == "http://rm2.example.com:8088/proxy/application_1716900000000_0042");
    CHECK(endpoint.rescale_url == endpoint.read_url);
    CHECK_FALSE(endpoint.read_direct);
    CHECK_FALSE(endpoint.rescale_direct);

    // a trailing '/' or a gateway prefix on the RM URL
    CHECK(flink_endpoint(proxied_app(), FlinkAccess::Proxy, "https://gw.example.com/yarn/", "http").read_url ==
          "https://gw.example.com/yarn/proxy/application_1716900000000_0042");

    auto unregistered = proxied_app();
    unregistered.tracking_url.clear();
    unregistered.am_rpc_address = "N/A";
    CHECK(flink_endpoint(unregistered, FlinkAccess::Proxy, kActiveRm, "http").rescale_url ==
          "http://rm2.example.com:8088/proxy/application_1716900000000_0042");
}

TEST_CASE("direct: reads and rescales go to amRPCAddress with the configured scheme", "[yarn]") {
    const auto plain = flink_endpoint(proxied_app(), FlinkAccess::Direct, kActiveRm, "http");
    CHECK(plain.read_url == "http://nm7.example.com:35127");
    CHECK(plain.rescale_url == "http://nm7.example.com:35127");
    CHECK(plain.read_direct);
    CHECK(plain.rescale_direct);
    const auto tls = flink_endpoint(proxied_app(), FlinkAccess::Direct, kActiveRm, "https");
    CHECK(tls.read_url == "https://nm7.example.com:35127");
    CHECK(tls.rescale_url == "https://nm7.example.com:35127");
}

TEST_CASE("direct without a usable amRPCAddress throws YarnError naming the application", "[yarn]") {
    auto app = proxied_app();
    for (const char* address : {"N/A", "", "nm7.example.com", "nm7.example.com:", ":8081", "nm7:port", "nm7:0", "nm7:70000"}) {
        app.am_rpc_address = address;
        CHECK_THROWS_AS(flink_endpoint(app, FlinkAccess::Direct, kActiveRm, "http"), YarnError);
    }
    app.am_rpc_address = "N/A";
    CHECK_THROWS_WITH(flink_endpoint(app, FlinkAccess::Direct, kActiveRm, "http"),
                      Contains("application_1716900000000_0042") && Contains("\"N/A\""));
}

TEST_CASE("auto: reads through the proxy when trackingUrl is a proxy URL, rescales directly", "[yarn]") {
    const auto endpoint = flink_endpoint(proxied_app(), FlinkAccess::Auto, kActiveRm, "https");
    CHECK(endpoint.read_url == "http://rm2.example.com:8088/proxy/application_1716900000000_0042");
    CHECK(endpoint.rescale_url == "https://nm7.example.com:35127");
    CHECK_FALSE(endpoint.read_direct);
    CHECK(endpoint.rescale_direct);  // the RM's credentials are not sent there
}

TEST_CASE("auto: without amRPCAddress the rescale also goes through the proxy", "[yarn]") {
    auto app = proxied_app();
    app.am_rpc_address = "N/A";
    const auto endpoint = flink_endpoint(app, FlinkAccess::Auto, kActiveRm, "http");
    CHECK(endpoint.read_url == "http://rm2.example.com:8088/proxy/application_1716900000000_0042");
    CHECK(endpoint.rescale_url == endpoint.read_url);
}

TEST_CASE("auto: without a proxy trackingUrl reads go directly too, and fail without amRPCAddress", "[yarn]") {
    auto app = proxied_app();
    app.tracking_url = "http://nm7.example.com:35127/";  // the proxy is off
    const auto endpoint = flink_endpoint(app, FlinkAccess::Auto, kActiveRm, "http");
    CHECK(endpoint.read_url == "http://nm7.example.com:35127");
    CHECK(endpoint.rescale_url == "http://nm7.example.com:35127");

    app.tracking_url.clear();
    app.am_rpc_address = "N/A";
    CHECK_THROWS_WITH(flink_endpoint(app, FlinkAccess::Auto, kActiveRm, "http"),
                      Contains("application_1716900000000_0042") && Contains("not an RM proxy URL"));
}

TEST_CASE("an IPv6 amRPCAddress is usable; a scheme other than http/https is refused", "[yarn]") {
    CHECK(usable_am_address("[::1]:8081"));
    CHECK(usable_am_address("10.0.0.7:35127"));
    CHECK_THROWS_AS(flink_endpoint(proxied_app(), FlinkAccess::Direct, kActiveRm, "ftp"), std::invalid_argument);
}
