// SPDX-License-Identifier: Apache-2.0
//
// The pure job policy (src/service/job_policy.hpp): the precedence of the option levels, invalid
// options (unparsable, or rejected by validate()), and the enabled switch, for one job.
#include "service/job_policy.hpp"

#include <catch2/catch.hpp>

#include <variant>

using namespace std::chrono_literals;
using flinkscaler::Configuration;
using flinkscaler::flink::JobOverview;
using flinkscaler::service::AutoscaledJob;
using flinkscaler::service::DisabledJob;
using flinkscaler::service::InvalidJobOptions;
using flinkscaler::service::resolve_job;
using flinkscaler::service::ServiceConfig;

namespace {

const std::string kJob = "0a448493b4782967b150582570326227";

ServiceConfig config_of(const std::string& text) {
    return flinkscaler::service::parse_service_config(text, "test.yaml");
}

JobOverview job(const std::string& name) {
    JobOverview overview;
    overview.id = kJob;
    overview.name = name;
    overview.state = "RUNNING";
    return overview;
}

const ServiceConfig kLevels = config_of(R"(defaults:
  job.autoscaler.enabled: true
  job.autoscaler.utilization.target: "0.5"
  job.autoscaler.metrics.window: 5m
  job.autoscaler.restart.time: 1m
clusters:
  - name: a
    url: http://jm-a:8081
    options: {job.autoscaler.utilization.target: "0.6", job.autoscaler.metrics.window: 6m}
  - name: b
    url: http://jm-b:8081
jobs:
  - match: {name: "orders-*"}
    options: {job.autoscaler.utilization.target: "0.65"}
  - match: {name: "legacy-*"}
    options: {job.autoscaler.enabled: "false"}
)");

}  // namespace

TEST_CASE("options resolve by precedence: defaults < cluster < job override < the job's own configuration",
          "[job-policy]") {
    auto policy = resolve_job(kLevels, "b", job("clicks"), {});
    REQUIRE(std::holds_alternative<AutoscaledJob>(policy));
    CHECK(std::get<AutoscaledJob>(policy).options.utilization_target == Approx(0.5));
    CHECK(std::get<AutoscaledJob>(policy).options.metrics_window == 5min);

    policy = resolve_job(kLevels, "a", job("clicks"), {});
    REQUIRE(std::holds_alternative<AutoscaledJob>(policy));
    CHECK(std::get<AutoscaledJob>(policy).options.utilization_target == Approx(0.6));
    CHECK(std::get<AutoscaledJob>(policy).options.metrics_window == 6min);
    CHECK(std::get<AutoscaledJob>(policy).options.restart_time == 1min);

    policy = resolve_job(kLevels, "a", job("orders-eu"), {});
    REQUIRE(std::holds_alternative<AutoscaledJob>(policy));
    CHECK(std::get<AutoscaledJob>(policy).options.utilization_target == Approx(0.65));

    const Configuration own{{"job.autoscaler.utilization.target", "0.8"}, {"pipeline.name", "ignored"}};
    policy = resolve_job(kLevels, "a", job("orders-eu"), own);
    REQUIRE(std::holds_alternative<AutoscaledJob>(policy));
    const auto& resolved = std::get<AutoscaledJob>(policy);
    CHECK(resolved.options.utilization_target == Approx(0.8));
    // The effective configuration carries every level, and only autoscaler-relevant keys.
    CHECK(resolved.configuration.at("job.autoscaler.utilization.target") == "0.8");
    CHECK(resolved.configuration.at("job.autoscaler.metrics.window") == "6m");
    CHECK(resolved.configuration.count("pipeline.name") == 0);
}

TEST_CASE("a job whose options are switched off at any level is disabled", "[job-policy]") {
    CHECK(std::holds_alternative<DisabledJob>(resolve_job(kLevels, "a", job("legacy-report"), {})));
    CHECK(std::holds_alternative<DisabledJob>(
        resolve_job(kLevels, "b", job("clicks"), {{"job.autoscaler.enabled", "false"}})));
    // ... and the job's own configuration can switch it back on over an override.
    CHECK(std::holds_alternative<AutoscaledJob>(
        resolve_job(kLevels, "a", job("legacy-report"), {{"job.autoscaler.enabled", "true"}})));
}

TEST_CASE("options that do not parse or do not validate make the job invalid, with the reason", "[job-policy]") {
    auto policy = resolve_job(kLevels, "a", job("clicks"), {{"job.autoscaler.utilization.target", "lots"}});
    REQUIRE(std::holds_alternative<InvalidJobOptions>(policy));
    CHECK_THAT(std::get<InvalidJobOptions>(policy).reason, Catch::Contains("job.autoscaler.utilization.target"));

    // The value parses; validate() rejects it.
    policy = resolve_job(kLevels, "a", job("clicks"), {{"job.autoscaler.utilization.target", "1.5"}});
    REQUIRE(std::holds_alternative<InvalidJobOptions>(policy));
    CHECK_THAT(std::get<InvalidJobOptions>(policy).reason, Catch::Contains("job.autoscaler.utilization.target") &&
                                                               Catch::Contains("1.5"));
}

TEST_CASE("the options of a disabled job are not validated", "[job-policy]") {
    const auto policy = resolve_job(kLevels, "a", job("legacy-report"), {{"job.autoscaler.utilization.target", "1.5"}});
    CHECK(std::holds_alternative<DisabledJob>(policy));
}
