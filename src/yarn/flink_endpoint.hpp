// SPDX-License-Identifier: Apache-2.0
//
// Where the Flink REST of one YARN application is reached (flink-rest.md §6.2): through the RM
// web proxy (only the RM must be reachable, YARN auth and ACLs apply, PUT support depends on the
// Hadoop version) or straight at the AM's amRPCAddress (every NodeManager port must be
// reachable, the address changes when the AM restarts, so it is recomputed on every pass).
#pragma once

#include "yarn/applications.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace flinkscaler::yarn {

enum class FlinkAccess { Auto, Proxy, Direct };

/// "auto" | "proxy" | "direct"; nullopt for anything else.
std::optional<FlinkAccess> parse_flink_access(std::string_view text);
std::string_view to_string(FlinkAccess access);

/// Base URLs (no trailing '/') for the Flink REST calls of one application.
struct FlinkEndpoint {
    std::string read_url;     ///< for GETs, e.g. "http://rm1:8088/proxy/application_1_0001"
    std::string rescale_url;  ///< for PUT resource-requirements
    /// Straight to the JobManager (not through the RM's proxy): the RM's credentials must not
    /// go there.
    bool read_direct = false;
    bool rescale_direct = false;
};

/// True for "host:port" with a numeric port in 1..65535 (not "N/A", not empty).
bool usable_am_address(std::string_view am_rpc_address);

/// Proxy: both = <active_rm_url>/proxy/<app id>, built on the ACTIVE RM whatever host trackingUrl
/// names (a standby's proxy cannot be relied on, §6.4).
/// Direct: both = <direct_scheme>://<amRPCAddress> (the RM does not say whether Flink REST uses
/// TLS, so the scheme is configured).
/// Auto: read through the proxy when trackingUrl contains "/proxy/", else direct; rescale direct
/// when amRPCAddress is usable (PUT through the proxy may be refused), else through the proxy.
/// Throws YarnError naming the application when the chosen way has no usable address, and
/// std::invalid_argument for a scheme other than http/https.
FlinkEndpoint flink_endpoint(const Application& app, FlinkAccess access, const std::string& active_rm_url,
                             const std::string& direct_scheme);

}  // namespace flinkscaler::yarn
