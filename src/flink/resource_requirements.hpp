// SPDX-License-Identifier: Apache-2.0
//
// The resource requirements of a job (GET/PUT /jobs/:jid/resource-requirements, adaptive
// scheduler only): how flinkscaler reads the current parallelism bounds and writes new ones.
#pragma once

#include "flinkscaler/topology.hpp"

#include <map>
#include <string>
#include <string_view>

namespace flinkscaler::flink {

struct ResourceRequirement {
    int lower_bound = 1;
    int upper_bound = 1;
    bool operator==(const ResourceRequirement&) const = default;
};
using ResourceRequirements = std::map<VertexId, ResourceRequirement>;

/// GET /jobs/:jid/resource-requirements: {vid: {parallelism: {lowerBound, upperBound}}}.
/// Throws ResponseError (flink/responses.hpp) naming the JSON path.
ResourceRequirements parse_resource_requirements(std::string_view body);

/// The PUT body of the same shape.
std::string resource_requirements_body(const ResourceRequirements& requirements);

}  // namespace flinkscaler::flink
