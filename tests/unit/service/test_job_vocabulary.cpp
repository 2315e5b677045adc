// SPDX-License-Identifier: Apache-2.0
// The daemon's vocabularies: their wire spellings (JSON, metric labels, logs) are pinned here,
// because dashboards and log queries depend on them; the job key and the log fields.
#include "service/job_pass.hpp"
#include "service/job_vocabulary.hpp"
#include "service/log_fields.hpp"
#include "service/metric_families.hpp"

#include "flinkscaler/decision.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace flinkscaler;
using namespace flinkscaler::service;

TEST_CASE("vocabulary: the wire names of phases, pass results, rescale and discovery results", "[vocabulary]") {
    std::vector<std::string> phases;
    for (const auto& [phase, name] : kJobPhaseNames) {
        CHECK(to_string(phase) == name);
        CHECK(!describe(phase).empty());
        phases.emplace_back(name);
    }
    CHECK(phases == std::vector<std::string>{"disabled", "not_ready", "rescale_pending", "collecting", "stabilizing",
                                             "window_not_full", "metrics_gated", "decided", "rescale_rejected",
                                             "rescale_blocked", "cluster_unreachable", "store_unavailable", "error"});
    CHECK(to_string(PassResult::Ok) == "ok");
    CHECK(to_string(PassResult::NotReady) == "not_ready");
    CHECK(to_string(PassResult::Error) == "error");
    CHECK(to_string(PassResult::Disabled) == "disabled");
    CHECK(to_string(RescaleResult::Applied) == "applied");
    CHECK(to_string(RescaleResult::Failed) == "failed");
    CHECK(to_string(RescaleResult::DryRun) == "dry_run");
    CHECK(to_string(DiscoveryResult::Ok) == "ok");
    CHECK(to_string(DiscoveryResult::Error) == "error");
}

TEST_CASE("vocabulary: a decision outcome has a report spelling and a metric label spelling", "[vocabulary]") {
    CHECK(to_string(DecisionOutcome::Scaled) == "scaled");
    CHECK(to_string(DecisionOutcome::NoChange) == "no-change");
    CHECK(to_string(DecisionOutcome::Blocked) == "blocked");
    CHECK(metric_label(DecisionOutcome::Scaled) == "scale");
    CHECK(metric_label(DecisionOutcome::NoChange) == "no_change");
    CHECK(metric_label(DecisionOutcome::Blocked) == "blocked");
}

TEST_CASE("vocabulary: the job key is cluster, slash, job id", "[vocabulary]") {
    CHECK(job_key("prod", "0123456789abcdef0123456789abcdef") == "prod/0123456789abcdef0123456789abcdef");
    CHECK(job_key("yarn/application_1_0001", "ab") == "yarn/application_1_0001/ab");
}

TEST_CASE("vocabulary: cluster and job log fields", "[vocabulary]") {
    CHECK(cluster_fields("prod") == nlohmann::json{{"cluster", "prod"}});
    const JobIdentity id{"prod", "ab", "orders", job_key("prod", "ab")};
    CHECK(job_fields(id) == nlohmann::json{{"cluster", "prod"}, {"job", "prod/ab"}, {"job_name", "orders"}});
}

TEST_CASE("metric families: the table is indexed by Family, sorted by name, names unique", "[vocabulary][metrics]") {
    const auto& families = metric_families();
    REQUIRE(families.size() == kFamilyCount);
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < families.size(); ++i) {
        INFO(families[i].name);
        CHECK(families[i].family == static_cast<Family>(i));
        CHECK(&metric_family(static_cast<Family>(i)) == &families[i]);
        CHECK(!families[i].help.empty());
        if (i > 0) CHECK(families[i - 1].name < families[i].name);
        names.insert(families[i].name);
        // A counter ends in _total, as the format's conventions ask.
        if (families[i].type == prometheus::MetricType::Counter) CHECK(families[i].name.ends_with("_total"));
    }
    CHECK(names.size() == families.size());
    // The label values of the per-cluster families come from the vocabularies' tables.
    CHECK(metric_family(Family::ScalingDecisions).label_values ==
          std::vector<std::string_view>{"scale", "no_change", "blocked"});
    CHECK(metric_family(Family::Rescales).label_values == std::vector<std::string_view>{"applied", "failed", "rejected", "dry_run"});
    CHECK(metric_family(Family::RestErrors).label_values ==
          std::vector<std::string_view>{"no_response", "http", "malformed"});
    CHECK(metric_family(Family::JobPasses).label_values ==
          std::vector<std::string_view>{"ok", "not_ready", "error", "disabled"});
    CHECK(metric_family(Family::Jobs).label_values.size() == kJobPhaseNames.size());
}
