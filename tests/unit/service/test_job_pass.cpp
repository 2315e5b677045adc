// SPDX-License-Identifier: Apache-2.0
#include "service/job_pass.hpp"

#include <catch2/catch.hpp>

using namespace flinkscaler;
using flinkscaler::service::rescale_pending_deadline;
using flinkscaler::service::vertices_awaiting_rescale;

namespace {

JobTopology two_vertices(int source_parallelism, int keyed_parallelism) {
    VertexInfo source;
    source.id = "source";
    source.parallelism = source_parallelism;
    VertexInfo keyed;
    keyed.id = "keyed";
    keyed.parallelism = keyed_parallelism;
    keyed.inputs["source"] = ShipStrategy::HASH;
    return JobTopology({source, keyed});
}

}  // namespace

TEST_CASE("a committed parallelism Flink does not run yet is awaited; one it runs is not", "[job-pass]") {
    const auto options = AutoscalerOptions::from({});
    const std::map<VertexId, int> overrides{{"source", 2}, {"keyed", 7}};
    CHECK(vertices_awaiting_rescale(two_vertices(2, 1), overrides, options) == std::set<VertexId>{"keyed"});
    CHECK(vertices_awaiting_rescale(two_vertices(2, 7), overrides, options).empty());
    CHECK(vertices_awaiting_rescale(two_vertices(2, 1), {}, options).empty());
}

TEST_CASE("vertices excluded from scaling and vertices no longer in the job are not awaited", "[job-pass]") {
    const auto options = AutoscalerOptions::from({{"job.autoscaler.vertex.exclude.ids", "keyed"}});
    const std::map<VertexId, int> overrides{{"keyed", 7}, {"gone", 3}};
    CHECK(vertices_awaiting_rescale(two_vertices(2, 1), overrides, options).empty());
}

TEST_CASE("the wait for a rescale to land is the restart time plus five minutes", "[job-pass]") {
    CHECK(rescale_pending_deadline(AutoscalerOptions::from({})) == std::chrono::minutes(10));
    CHECK(rescale_pending_deadline(AutoscalerOptions::from({{"job.autoscaler.restart.time", "10 s"}})) ==
          std::chrono::seconds(310));
}
