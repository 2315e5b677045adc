// SPDX-License-Identifier: Apache-2.0
//
// The cluster registry (src/service/cluster_registry.hpp): runtimes built from the config,
// reconciled on reload (kept, rebuilt, dropped), and a failed build that changes nothing. The
// runtimes get the real REST FlinkApi (no request is made: building one connects nowhere).
#include "service/cluster_registry.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using flinkscaler::service::ClusterConfig;
using flinkscaler::service::ClusterRegistry;
using flinkscaler::service::ClusterRuntime;
using flinkscaler::service::FlinkApiFactory;
using flinkscaler::service::rest_flink_api_factory;
using flinkscaler::service::ServiceConfig;

namespace {

ServiceConfig config_of(const std::string& text) {
    return flinkscaler::service::parse_service_config(text, "test.yaml");
}

// The REST factory, counting the runtimes it builds; refuses clusters named "broken*".
struct CountingFactory {
    int built = 0;
    FlinkApiFactory factory() {
        return [this](const ClusterConfig& cluster, const std::optional<flinkscaler::http::ConnectionSettings>& rescale) {
            if (cluster.name.starts_with("broken")) throw std::runtime_error("cannot build " + cluster.name);
            ++built;
            return rest_flink_api_factory()(cluster, rescale);
        };
    }
};

const std::string kInitial = R"(clusters:
  - name: a
    url: http://jm-a:8081
  - name: b
    url: http://jm-b:8081
  - name: off
    url: http://jm-off:8081
    enabled: false
  - name: y
    kind: yarn
    resource-managers: [http://rm1:8088]
    applications: {queue: root.a}
)";

bool contains(const std::vector<std::shared_ptr<ClusterRuntime>>& runtimes, const std::shared_ptr<ClusterRuntime>& r) {
    return std::find(runtimes.begin(), runtimes.end(), r) != runtimes.end();
}

}  // namespace

TEST_CASE("the registry builds a runtime per enabled cluster and a YARN runtime per yarn cluster",
          "[cluster-registry]") {
    CountingFactory counting;
    ClusterRegistry registry(counting.factory());
    CHECK(registry.reconcile(config_of(kInitial)).empty());
    CHECK(counting.built == 2);
    const auto clusters = registry.clusters();
    REQUIRE(clusters.size() == 2);
    CHECK(clusters.at("a")->config.connection.base_url == "http://jm-a:8081");
    REQUIRE(registry.yarn_clusters().size() == 1);
    CHECK(registry.yarn_clusters().at("y")->config.yarn->applications.queue == "root.a");
    CHECK(registry.all_job_managers().size() == 2);
    CHECK(registry.cluster_names() == std::vector<std::string>{"a", "b", "y"});
}

TEST_CASE("a reload keeps unchanged runtimes, rebuilds changed ones and returns what left", "[cluster-registry]") {
    CountingFactory counting;
    ClusterRegistry registry(counting.factory());
    registry.reconcile(config_of(kInitial));
    const auto before = registry.clusters();
    const auto yarn = registry.yarn_clusters().at("y");
    ClusterConfig app_config;
    app_config.name = "y/application_1";
    app_config.connection.base_url = "http://nm1:8081";
    yarn->applications["application_1"] = registry.make_runtime(app_config);
    const auto app = yarn->applications["application_1"];
    CHECK(registry.cluster_names() == std::vector<std::string>{"a", "b", "y", "y/application_1"});

    // a: new URL (rebuilt); b: gone; off: enabled now (built); y: other filters, same RMs (kept).
    const auto dropped = registry.reconcile(config_of(R"(clusters:
  - name: a
    url: http://jm-a2:8081
  - name: off
    url: http://jm-off:8081
  - name: y
    kind: yarn
    resource-managers: [http://rm1:8088]
    applications: {queue: root.b}
)"));
    CHECK(dropped.size() == 2);
    CHECK(contains(dropped, before.at("a")));
    CHECK(contains(dropped, before.at("b")));
    const auto after = registry.clusters();
    CHECK(after.at("a") != before.at("a"));
    CHECK(after.at("a")->config.connection.base_url == "http://jm-a2:8081");
    CHECK(after.count("off") == 1);
    CHECK(registry.yarn_clusters().at("y") == yarn);
    CHECK(yarn->config.yarn->applications.queue == "root.b");
    CHECK(yarn->applications.at("application_1") == app);  // its applications stay

    // The YARN cluster's ResourceManagers change: a new YARN runtime, and its applications leave.
    const auto dropped_yarn = registry.reconcile(config_of(R"(clusters:
  - name: a
    url: http://jm-a2:8081
  - name: y
    kind: yarn
    resource-managers: [http://rm2:8088]
)"));
    CHECK(dropped_yarn.size() == 2);  // "off" and the application of the old YARN runtime
    CHECK(contains(dropped_yarn, app));
    CHECK(yarn->applications.empty());
    CHECK(registry.yarn_clusters().at("y") != yarn);
    CHECK(registry.clusters().at("a") == after.at("a"));
}

TEST_CASE("a runtime that cannot be built leaves the registry as it was", "[cluster-registry]") {
    CountingFactory counting;
    ClusterRegistry registry(counting.factory());
    registry.reconcile(config_of(kInitial));
    const auto before = registry.clusters();
    const auto yarn = registry.yarn_clusters().at("y");
    CHECK_THROWS_WITH(registry.reconcile(config_of(R"(clusters:
  - name: y
    kind: yarn
    resource-managers: [http://rm1:8088]
    applications: {queue: root.changed}
  - name: broken
    url: http://jm-broken:8081
)")),
                      "cannot build broken");
    CHECK(registry.clusters() == before);
    CHECK(registry.yarn_clusters().at("y") == yarn);
    CHECK(yarn->config.yarn->applications.queue == "root.a");  // not half-applied
}
