// SPDX-License-Identifier: Apache-2.0
//
// The YARN apps list: the query sent to the RM, the parser over the Hadoop variants, and the
// client-side filter.
#include "fixture.hpp"
#include "yarn/applications.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

using namespace flinkscaler::yarn;
using Catch::Matchers::Contains;

namespace {

std::string yarn_fixture(const std::string& name) { return flinkscaler::testing::read_fixture("yarn/" + name); }

Application running_flink_app() {
    Application app;
    app.id = "application_1716900000000_0042";
    app.user = "streaming";
    app.queue = "root.streaming";
    app.state = "RUNNING";
    app.type = "Apache Flink";
    app.tags = {"autoscale", "team-a"};
    return app;
}

}  // namespace

TEST_CASE("the spec's two-app sample parses every field discovery needs", "[yarn]") {
    const auto apps = parse_applications(yarn_fixture("apps-two-flink.json"));
    REQUIRE(apps.size() == 2);

    const auto& proxied = apps[0];
    CHECK(proxied.id == "application_1716900000000_0042");
    CHECK(proxied.name == "orders-enrichment");
    CHECK(proxied.user == "streaming");
    CHECK(proxied.queue == "root.streaming");
    CHECK(proxied.state == "RUNNING");
    CHECK(proxied.type == "Apache Flink");
    CHECK(proxied.tags == std::vector<std::string>{"autoscale", "team-a"});
    CHECK(proxied.tracking_url == "http://rm1.example.com:8088/proxy/application_1716900000000_0042/");
    CHECK(proxied.am_rpc_address == "nm7.example.com:35127");
    CHECK(proxied.started_time_ms == 1717000000000);

    const auto& unregistered = apps[1];
    CHECK(unregistered.id == "application_1716900000000_0043");
    CHECK(unregistered.name == "Flink session cluster");
    CHECK(unregistered.tracking_url.empty());
    CHECK(unregistered.am_rpc_address == "N/A");
}

TEST_CASE("applicationTags is one comma-separated string: trimmed, lower-cased, empty entries dropped", "[yarn]") {
    const auto apps = parse_applications(yarn_fixture("apps-two-flink.json"));
    REQUIRE(apps.size() == 2);
    CHECK(apps[1].tags == std::vector<std::string>{"autoscale", "team-b"});
    CHECK(parse_applications(R"({"apps":{"app":[{"id":"a","applicationTags":""}]}})")[0].tags.empty());
    CHECK(parse_applications(R"({"apps":{"app":[{"id":"a","applicationTags":" , ,"}]}})")[0].tags.empty());
    CHECK(parse_applications(R"({"apps":{"app":[{"id":"a"}]}})")[0].tags.empty());
}

TEST_CASE("every known form of an empty apps list parses as no applications", "[yarn]") {
    CHECK(parse_applications(R"({"apps":null})").empty());
    CHECK(parse_applications(R"({"apps":{}})").empty());
    CHECK(parse_applications(R"({"apps":{"app":[]}})").empty());
    CHECK(parse_applications(R"({"apps":{"app":null}})").empty());
}

TEST_CASE("\"app\" given as a single object instead of an array is one application", "[yarn]") {
    const auto apps = parse_applications(yarn_fixture("apps-single-object.json"));
    REQUIRE(apps.size() == 1);
    CHECK(apps[0].id == "application_1716900000000_0007");
    CHECK(apps[0].queue == "default");
    CHECK(apps[0].am_rpc_address == "nm2.example.com:40111");
    CHECK(apps[0].tags.empty());
}

TEST_CASE("missing optional fields are empty and null counts as missing", "[yarn]") {
    const auto apps = parse_applications(R"({"apps":{"app":[{"id":"application_1_0001","amRPCAddress":null,"startedTime":null}]}})");
    REQUIRE(apps.size() == 1);
    CHECK(apps[0].name.empty());
    CHECK(apps[0].state.empty());
    CHECK(apps[0].type.empty());
    CHECK(apps[0].am_rpc_address.empty());
    CHECK(apps[0].started_time_ms == 0);
}

TEST_CASE("a body that is not an apps list throws YarnError naming the JSON path", "[yarn]") {
    CHECK_THROWS_AS(parse_applications(yarn_fixture("standby-page.html")), YarnError);
    CHECK_THROWS_WITH(parse_applications(yarn_fixture("standby-page.html")), Contains("$: not JSON: \"<!DOCTYPE html>"));
    CHECK_THROWS_WITH(parse_applications(""), Contains("$: not JSON: empty body"));
    CHECK_THROWS_WITH(parse_applications("[]"), Contains("$: expected an object"));
    CHECK_THROWS_WITH(parse_applications("{}"), Contains("$.apps: missing"));
    CHECK_THROWS_WITH(parse_applications(R"({"apps":[]})"), Contains("$.apps: expected an object"));
    CHECK_THROWS_WITH(parse_applications(R"({"apps":{"app":"x"}})"), Contains("$.apps.app: expected an array or an object"));
    CHECK_THROWS_WITH(parse_applications(R"({"apps":{"app":[{"id":"a"},{"name":"no id"}]}})"),
                      Contains("$.apps.app[1].id: missing"));
    CHECK_THROWS_WITH(parse_applications(R"({"apps":{"app":[{"id":42}]}})"), Contains("$.apps.app[0].id: expected a string"));
    CHECK_THROWS_WITH(parse_applications(R"({"apps":{"app":[{"id":"a","startedTime":"soon"}]}})"),
                      Contains("$.apps.app[0].startedTime: expected an integer"));
}

TEST_CASE("the apps query asks for RUNNING Flink apps with every value percent-encoded", "[yarn]") {
    CHECK(applications_query({}) == "/ws/v1/cluster/apps?states=RUNNING&applicationTypes=Apache%20Flink");

    ApplicationFilter filter;
    filter.type = "";
    CHECK(applications_query(filter) == "/ws/v1/cluster/apps?states=RUNNING");

    filter.type = "Flink+Custom type";
    filter.queue = "root.stream ing&x";
    filter.user = "svc user";
    filter.tags = {" AutoScale ", "", "team a", "x,y"};
    CHECK(applications_query(filter) ==
          "/ws/v1/cluster/apps?states=RUNNING&applicationTypes=Flink%2BCustom%20type"
          "&user=svc%20user&applicationTags=autoscale,team%20a,x%2Cy");  // the queue is checked on the client only
}

TEST_CASE("matches: only RUNNING applications pass", "[yarn]") {
    auto app = running_flink_app();
    CHECK(matches({}, app));
    for (const char* state : {"ACCEPTED", "FINISHED", "FAILED", "KILLED", ""}) {
        app.state = state;
        CHECK_FALSE(matches({}, app));
    }
}

TEST_CASE("matches: the application type is compared ignoring case; an empty type is any", "[yarn]") {
    auto app = running_flink_app();
    app.type = "apache FLINK";
    CHECK(matches({}, app));
    app.type = "SPARK";
    CHECK_FALSE(matches({}, app));
    ApplicationFilter any;
    any.type = "";
    CHECK(matches(any, app));
}

TEST_CASE("matches: a queue matches as a full path or a leaf name, as schedulers report it", "[yarn]") {
    const auto app = running_flink_app();  // queue root.streaming
    ApplicationFilter filter;
    filter.queue = "root.streaming";
    CHECK(matches(filter, app));
    filter.queue = "streaming";
    CHECK(matches(filter, app));
    filter.queue = "Streaming";
    CHECK_FALSE(matches(filter, app));
    filter.queue = "root";
    CHECK_FALSE(matches(filter, app));
    filter.queue = "stream";
    CHECK_FALSE(matches(filter, app));

    auto leaf = app;
    leaf.queue = "default";
    filter.queue = "default";
    CHECK(matches(filter, leaf));
    // The Capacity Scheduler reports the leaf name; the config may name the full path.
    leaf.queue = "streaming";
    filter.queue = "root.streaming";
    CHECK(matches(filter, leaf));
    filter.queue = "root.team.streaming";
    CHECK(matches(filter, leaf));
    filter.queue = "root.team.batch";
    CHECK_FALSE(matches(filter, leaf));
}

TEST_CASE("matches: the user matches exactly", "[yarn]") {
    const auto app = running_flink_app();
    ApplicationFilter filter;
    filter.user = "streaming";
    CHECK(matches(filter, app));
    filter.user = "Streaming";
    CHECK_FALSE(matches(filter, app));
}

TEST_CASE("matches: any one of the wanted tags is enough, ignoring case", "[yarn]") {
    auto app = running_flink_app();  // tags autoscale, team-a
    ApplicationFilter filter;
    filter.tags = {"other", "TEAM-A"};
    CHECK(matches(filter, app));
    filter.tags = {" AutoScale "};
    CHECK(matches(filter, app));
    filter.tags = {"team-b"};
    CHECK_FALSE(matches(filter, app));
    filter.tags = {"", " "};  // nothing wanted
    CHECK(matches(filter, app));
    app.tags.clear();
    filter.tags = {"autoscale"};
    CHECK_FALSE(matches(filter, app));
}
