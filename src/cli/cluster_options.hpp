// SPDX-License-Identifier: Apache-2.0
//
// Command-line flags that describe how to reach one Flink cluster (URL, TLS, auth, timeouts),
// shared by the commands that talk to a cluster directly.
#pragma once

#include "config/service_config.hpp"
#include "http/connection.hpp"

#include "flinkscaler/config_values.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace flinkscaler::cli {

struct ClusterFlags {
    std::string url;
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    bool insecure = false;
    std::string username;
    std::string password_file;
    std::string token_file;
    /// The daemon's defaults (a cluster entry without its own request-timeout and cap).
    std::string timeout = format_duration(config::ServiceSettings{}.request_timeout);
    int max_concurrent = config::ServiceSettings{}.cluster_max_concurrent_requests;

    void add_to(CLI::App& command);
    /// Reads secrets from their files; throws std::runtime_error naming the file.
    http::ConnectionSettings settings() const;
};

}  // namespace flinkscaler::cli
