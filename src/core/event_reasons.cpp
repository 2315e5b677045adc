// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/event_reasons.hpp"

namespace flinkscaler {

std::string event_reasons_markdown() {
    std::string table = "| Reason | Type | Folded | Raised when |\n|---|---|---|---|\n";
    for (const auto& spec : kEventReasons) {
        table += "| `";
        table.append(spec.name).append("` | ").append(to_string(spec.type)).append(" | ");
        table.append(spec.folded).append(" | ").append(spec.doc).append(" |\n");
    }
    return table;
}

}  // namespace flinkscaler
