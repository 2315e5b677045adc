// SPDX-License-Identifier: Apache-2.0
//
// The simulated clusters of one scenario file, in process, for daemon tests: a ClusterState per
// cluster of the scenario, a SimulatedClock that starts at the scenario's simulated time 0, a
// FlinkApiFactory that gives the daemon a SimFlinkApi (the real REST client and parsers over the
// simulator's REST layer) for the cluster of the same name, and probes through the same api
// (parallelism, resource requirements) for the assertions.
#pragma once

#include "service/clock.hpp"
#include "service/cluster_registry.hpp"
#include "sim/inprocess/sim_flink_api.hpp"
#include "sim/rest/scenario.hpp"

#include <map>
#include <memory>
#include <stdexcept>
#include <string>

namespace flinkscaler::testing {

class SimFleet {
public:
    explicit SimFleet(const std::string& scenario_path) {
        const auto scenario = sim::load_scenario(scenario_path);
        for (const auto& c : scenario.clusters)
            clusters_[c.spec.name] = std::make_unique<sim::ClusterState>(c.spec, c.jobs, c.settings, scenario.seed);
        const Instant start = clusters_.begin()->second->epoch().at(0);
        for (const auto& [name, cluster] : clusters_)
            if (cluster->epoch().at(0) != start)
                throw std::logic_error("the clusters of " + scenario_path + " start at different times");
        clock_ = std::make_shared<service::SimulatedClock>(start);
    }

    /// Simulated time 0 of the scenario; the clock starts there.
    Instant start() const { return clusters_.begin()->second->epoch().at(0); }
    const std::shared_ptr<service::SimulatedClock>& clock() const { return clock_; }

    /// The daemon's FlinkApi for a configured cluster: the scenario's cluster of the same name,
    /// served at the clock's time, with the cluster's request timeout.
    service::FlinkApiFactory api_factory() {
        return [this](const service::ClusterConfig& config, const std::optional<http::ConnectionSettings>&) {
            return std::unique_ptr<flink::FlinkApi>(make_api(config.name, config.connection.request_timeout));
        };
    }

    /// Vertex name -> parallelism of a job, as GET /jobs/:jid reports it now.
    std::map<std::string, int> parallelism(const std::string& cluster, const std::string& job) {
        std::map<std::string, int> out;
        for (const auto& vertex : probe(cluster).job_details(job).vertices) out[vertex.name] = vertex.parallelism;
        return out;
    }
    /// GET /jobs/:jid/resource-requirements now.
    flink::ResourceRequirements requirements(const std::string& cluster, const std::string& job) {
        return probe(cluster).resource_requirements(job);
    }
    /// When the job last entered RUNNING (a rescale restarts it).
    std::optional<Instant> running_since(const std::string& cluster, const std::string& job) {
        return probe(cluster).job_details(job).running_since;
    }

    /// Every non-GET request the cluster served (the rescale PUTs), oldest first.
    std::vector<sim::RecordedMutation> mutations(const std::string& cluster) const {
        return clusters_.at(cluster)->mutations();
    }

private:
    std::unique_ptr<sim::SimFlinkApi> make_api(const std::string& cluster, Millis request_timeout) {
        const auto it = clusters_.find(cluster);
        if (it == clusters_.end()) throw std::invalid_argument("no cluster '" + cluster + "' in the scenario");
        sim::SimApiSettings settings;
        settings.request_timeout = request_timeout;
        return std::make_unique<sim::SimFlinkApi>(*it->second, [clock = clock_] { return clock->now(); }, settings);
    }
    sim::SimFlinkApi& probe(const std::string& cluster) {
        auto& api = probes_[cluster];
        if (!api) api = make_api(cluster, std::chrono::seconds(10));
        return *api;
    }

    std::map<std::string, std::unique_ptr<sim::ClusterState>> clusters_;
    std::shared_ptr<service::SimulatedClock> clock_;
    std::map<std::string, std::unique_ptr<sim::SimFlinkApi>> probes_;
};

}  // namespace flinkscaler::testing
