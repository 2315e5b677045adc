// SPDX-License-Identifier: Apache-2.0
#include "flink/resource_requirements.hpp"

#include "flink/responses.hpp"
#include "http/json_body.hpp"

#include "flinkscaler/json_cursor.hpp"

#include <nlohmann/json.hpp>

#include <utility>

namespace flinkscaler::flink {

using nlohmann::json;
using Node = JsonCursor<ResponseError>;

ResourceRequirements parse_resource_requirements(std::string_view body) {
    const json document = http::parse_json_body<ResponseError>(body);
    const Node root(document, "$");
    ResourceRequirements requirements;
    for (const auto& [vertex, entry] : root.members()) {
        const Node parallelism = entry.at("parallelism");
        requirements[vertex] = ResourceRequirement{parallelism.at("lowerBound").integer(),
                                                   parallelism.at("upperBound").integer()};
    }
    return requirements;
}

std::string resource_requirements_body(const ResourceRequirements& requirements) {
    json body = json::object();
    for (const auto& [vertex, requirement] : requirements) {
        json bounds = json::object();
        bounds["lowerBound"] = requirement.lower_bound;
        bounds["upperBound"] = requirement.upper_bound;
        json entry = json::object();
        entry["parallelism"] = std::move(bounds);
        body[vertex] = std::move(entry);
    }
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace flinkscaler::flink
