// SPDX-License-Identifier: Apache-2.0
//
// The ResourceManagers of one YARN cluster (flink-rest.md §6.4). With RM HA only one RM is
// active; a standby redirects (307) to it, shows an HTML page, or is down. The client remembers
// which RM answered last so that the normal case costs one request, and walks the configured RMs
// otherwise, each at most once per call. A redirect is followed only to a configured RM, so
// credentials never reach a host nobody configured.
#pragma once

#include "yarn/applications.hpp"
#include "http/connection.hpp"

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace flinkscaler::yarn {

class ResourceManagerClient {
public:
    /// `cluster` is the configured YARN cluster name, used in every error message. One
    /// http::Connection per RM, with its settings complete (base_url, TLS, auth, timeouts,
    /// retries). Throws std::invalid_argument when the list is empty or a base URL is malformed.
    ResourceManagerClient(std::string cluster, std::vector<http::ConnectionSettings> resource_managers);
    ~ResourceManagerClient();
    ResourceManagerClient(const ResourceManagerClient&) = delete;
    ResourceManagerClient& operator=(const ResourceManagerClient&) = delete;

    /// The RUNNING applications that pass `filter`: one apps query on the active RM (one HTTP
    /// request in the normal case), parsed and checked with matches(). Throws YarnError naming the
    /// cluster when no RM answers as active (every RM's problem listed), or an RM answers with an
    /// error status (the status and the RemoteException message) or an unusable body.
    std::vector<Application> running_applications(const ApplicationFilter& filter);

    /// Base URL of the RM that answered last (the first configured one before any answer); proxy
    /// URLs are built on it.
    std::string active_url() const;

    const std::string& cluster() const { return cluster_; }

private:
    struct ResourceManager;

    std::string cluster_;
    std::vector<std::unique_ptr<ResourceManager>> resource_managers_;
    mutable std::mutex mutex_;
    std::size_t active_ = 0;
};

}  // namespace flinkscaler::yarn
