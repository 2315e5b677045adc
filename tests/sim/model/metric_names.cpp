// SPDX-License-Identifier: Apache-2.0
#include "sim/model/metric_names.hpp"

namespace flinkscaler::sim {

std::string sanitize_metric_component(std::string_view name) {
    std::string out(name.substr(0, 80));
    for (char& c : out)
        if (c == ' ' || c == '.' || c == ':' || c == ',') c = '_';
    return out;
}

}  // namespace flinkscaler::sim
