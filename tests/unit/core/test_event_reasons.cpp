// SPDX-License-Identifier: Apache-2.0
//
// The event reasons are declared once (flinkscaler/event_reasons.hpp); the docs table is
// generated from that declaration and must match it.
#include "flinkscaler/event_reasons.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

using namespace flinkscaler;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("event reasons: names are unique and make_event takes the type from the table", "[events]") {
    std::set<std::string_view> names;
    for (const auto& spec : kEventReasons) CHECK(names.insert(spec.name).second);
    const Event report = make_event(EventReason::ScalingReport, "m");
    CHECK(report.reason == "ScalingReport");
    CHECK(report.type == EventType::Normal);
    CHECK_FALSE(report.message_key.has_value());
    CHECK_FALSE(report.interval.has_value());
    const Event quota = make_event(EventReason::ResourceQuotaReached, "q", "k", Millis{5});
    CHECK(quota.reason == "ResourceQuotaReached");
    CHECK(quota.type == EventType::Warning);
    CHECK(quota.message_key == std::optional<std::string>("k"));
    CHECK(quota.interval == std::optional<Millis>(Millis{5}));
    // The stored spellings are an interface (the event table, /api/v1/jobs, dashboards).
    CHECK(name_of(EventReason::OptionsValidation) == "AutoScaler Options Validation");
    CHECK(name_of(EventReason::AutoscalerError) == "AutoscalerError");
}

TEST_CASE("event reasons: docs/status-endpoint.md lists exactly the declared reasons", "[events][docs]") {
    // FLINKSCALER_FIXTURES is <source>/tests/fixtures.
    const std::string docs = read_file(std::string(FLINKSCALER_FIXTURES) + "/../../docs/status-endpoint.md");
    const std::string begin = "<!-- BEGIN GENERATED events -->\n";
    const std::string end = "<!-- END GENERATED events -->";
    const auto from = docs.find(begin);
    const auto to = docs.find(end);
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    REQUIRE(from < to);
    const std::string documented = docs.substr(from + begin.size(), to - from - begin.size());
    INFO("regenerate the table between the markers from kEventReasons:\n" << event_reasons_markdown());
    CHECK(documented == event_reasons_markdown());
}
