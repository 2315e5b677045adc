// SPDX-License-Identifier: Apache-2.0
//
// A REST request and response independent of the HTTP library, so that the Flink endpoints
// can be exercised without sockets.
#pragma once

#include <map>
#include <string>

namespace flinkscaler::sim {

struct RestRequest {
    std::string method = "GET";
    std::string path;                                ///< decoded path, may carry the /v1 prefix
    std::multimap<std::string, std::string> params;  ///< decoded query parameters
    std::string body;

    /// All values of a parameter joined with ',' (Flink list parameters), nullopt if absent.
    bool has_param(const std::string& key) const { return params.contains(key); }
    std::string param(const std::string& key) const {
        std::string joined;
        const auto [first, last] = params.equal_range(key);
        for (auto it = first; it != last; ++it) {
            if (!joined.empty()) joined += ',';
            joined += it->second;
        }
        return joined;
    }
};

struct RestResponse {
    int status = 200;
    std::string body;
    std::string content_type = "application/json; charset=UTF-8";
};

}  // namespace flinkscaler::sim
