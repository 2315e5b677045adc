// SPDX-License-Identifier: Apache-2.0
//
// Events the algorithm raises (algorithm.md §6.1-6.2). The core only produces them as values;
// the service stores them (folding repeats by key within the interval) and logs them.
#pragma once

#include "flinkscaler/time.hpp"

#include <optional>
#include <string>
#include <vector>

namespace flinkscaler {

enum class EventType { Normal, Warning };
std::string_view to_string(EventType t);

struct Event {
    EventType type = EventType::Normal;
    /// The reference's reason, e.g. "ScalingReport", "IneffectiveScaling", "MemoryPressure".
    std::string reason;
    std::string message;
    /// Events with the same reason and key within `interval` are folded into one row.
    std::optional<std::string> message_key;
    /// Absent: never folded.
    std::optional<Millis> interval;
};

using Events = std::vector<Event>;

}  // namespace flinkscaler
