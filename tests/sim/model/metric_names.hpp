// SPDX-License-Identifier: Apache-2.0
//
// How Flink turns operator names into metric-name components (flink-rest.md §2.2), so the
// simulator lists `Source__orders.pendingRecords` for an operator called "Source: orders".
#pragma once

#include <string>
#include <string_view>

namespace flinkscaler::sim {

/// Truncate to 80 characters (metric-group creation), then replace space, '.', ':' and ',' by '_'
/// (dump serialisation). Every other character is kept.
std::string sanitize_metric_component(std::string_view name);

}  // namespace flinkscaler::sim
