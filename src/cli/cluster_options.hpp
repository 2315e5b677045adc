// SPDX-License-Identifier: Apache-2.0
//
// Command-line flags that describe how to reach one Flink cluster (URL, TLS, auth, timeouts),
// shared by the commands that talk to a cluster directly.
#pragma once

#include "http/connection.hpp"

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
    std::string timeout = "10 s";
    int max_concurrent = 4;

    void add_to(CLI::App& command);
    /// Reads secrets from their files; throws std::runtime_error naming the file.
    http::ConnectionSettings settings() const;
};

}  // namespace flinkscaler::cli
