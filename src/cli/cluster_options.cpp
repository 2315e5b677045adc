// SPDX-License-Identifier: Apache-2.0
#include "cli/cluster_options.hpp"

#include "config/secret_file.hpp"

#include "flinkscaler/config_values.hpp"

namespace flinkscaler::cli {

void ClusterFlags::add_to(CLI::App& command) {
    command.add_option("url", url, "JobManager REST URL, e.g. http://jobmanager:8081 (a path prefix is kept)")
        ->required();
    command.add_option("--ca-file", ca_file, "PEM bundle of the CA that signed the JobManager's certificate");
    command.add_option("--cert", cert_file, "Client certificate (PEM) for Flink's mutual TLS");
    command.add_option("--key", key_file, "Private key (PEM) of the client certificate");
    command.add_flag("--insecure", insecure, "Do not verify the server certificate (testing only)");
    command.add_option("--user", username, "User for HTTP basic auth (a reverse proxy in front of Flink)");
    command.add_option("--password-file", password_file, "File holding the basic-auth password");
    command.add_option("--token-file", token_file, "File holding a bearer token");
    command.add_option("--timeout", timeout, "Timeout of every REST call (Flink duration syntax)");
    command.add_option("--max-concurrent", max_concurrent, "Concurrent requests to the cluster at most")
        ->check(CLI::Range(1, 64));
}

http::ConnectionSettings ClusterFlags::settings() const {
    http::ConnectionSettings s;
    s.base_url = url;
    s.tls = {ca_file, cert_file, key_file, !insecure};
    if (!token_file.empty()) {
        s.auth.kind = http::AuthSettings::Kind::Bearer;
        s.auth.token = config::read_secret_file(config::system_files(), token_file);
    } else if (!username.empty()) {
        s.auth.kind = http::AuthSettings::Kind::Basic;
        s.auth.username = username;
        if (!password_file.empty()) s.auth.password = config::read_secret_file(config::system_files(), password_file);
    }
    s.request_timeout = parse_duration(timeout);
    s.max_concurrent_requests = max_concurrent;
    return s;
}

}  // namespace flinkscaler::cli
