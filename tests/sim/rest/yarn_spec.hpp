// SPDX-License-Identifier: Apache-2.0
//
// The `yarn:` section of a scenario (tests/sim/README.md "YARN ResourceManager"): the
// ResourceManagers (HA), their failovers and down windows, and the applications, each of
// which is one simulated Flink cluster of the scenario. Plain data; the scenario loader fills
// and validates it, ResourceManagers serves it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flinkscaler::sim {

struct YarnDownWindow {
    double from_s = 0;              ///< simulated seconds
    std::optional<double> until_s;  ///< exclusive; none = for ever
    bool active_at(double t_s) const { return t_s >= from_s && (!until_s || t_s < *until_s); }
};

struct ResourceManagerSpec {
    std::string name;  ///< rm1, rm2, ...: log prefix and failover target
    int port = 0;      ///< 0 = a free port
    std::vector<YarnDownWindow> down;  ///< the RM refuses connections during these windows
};

struct YarnFailover {
    double at_s = 0;
    std::size_t to = 0;  ///< index into YarnSpec::resource_managers
};

struct YarnApplicationSpec {
    std::size_t cluster = 0;  ///< index into Scenario::clusters
    std::string id;           ///< application_<cluster timestamp>_<NNNN>
    std::string name = "Flink Application Cluster";
    std::string user = "flink";
    std::string queue = "root.default";
    std::string type = "Apache Flink";
    std::vector<std::string> tags;  ///< lower case, as YARN stores them
    double start_s = 0;             ///< ACCEPTED before, RUNNING from then on
    std::optional<double> finish_s; ///< FINISHED (SUCCEEDED) from then on
    bool proxy_put = true;          ///< false: non-GET requests through /proxy/ get 405
    bool stop_cluster_on_finish = false;  ///< the Flink port refuses connections once FINISHED
};

struct YarnSpec {
    std::int64_t cluster_timestamp = 1716900000000;
    std::vector<ResourceManagerSpec> resource_managers;  ///< at least one
    std::size_t active = 0;                              ///< active RM at t = 0
    std::vector<YarnFailover> failovers;                 ///< sorted by time
    std::vector<YarnApplicationSpec> applications;
};

}  // namespace flinkscaler::sim
