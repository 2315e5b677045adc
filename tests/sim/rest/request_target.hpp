// SPDX-License-Identifier: Apache-2.0
//
// A request target as a client writes it ("/jobs/x/metrics?get=a%20b,c&agg=max") turned into the
// socket-free RestRequest, decoded the way the HTTP front (cpp-httplib) decodes it: the path
// percent-decoded, the query split at '&' and at the first '=', each part percent-decoded with
// '+' as a space. Used where requests do not come through a socket (the in-process FlinkApi).
#pragma once

#include "sim/rest/rest_types.hpp"

#include <string>
#include <string_view>

namespace flinkscaler::sim {

/// Throws std::invalid_argument for a malformed percent escape (naming the target).
RestRequest parse_request_target(std::string method, std::string_view target, std::string body = {});

}  // namespace flinkscaler::sim
