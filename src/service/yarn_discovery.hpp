// SPDX-License-Identifier: Apache-2.0
//
// YARN discovery: one apps query per round to a `kind: yarn` cluster's ResourceManagers, and a
// JobManager runtime per selected running Flink application (cluster name
// "<yarn-cluster>/<application-id>"), built the first time the application is listed and
// rebuilt when its JobManager moves (a new attempt, a failed-over RM). The jobs of those
// runtimes are then discovered like a configured cluster's.
#pragma once

#include "service/cluster_registry.hpp"
#include "service/status_board.hpp"

#include <memory>
#include <vector>

namespace flinkscaler::service {

/// What one listing asks of the daemon.
struct ApplicationListing {
    /// The ResourceManagers answered, so the set of applications (the board's cluster list) may
    /// have changed.
    bool listed = false;
    /// The JobManagers to discover this round: every selected application with a usable
    /// address; when the ResourceManagers do not answer and the applications are reached
    /// directly, every known application (an RM outage does not stop their autoscaling).
    std::vector<std::shared_ptr<ClusterRuntime>> to_discover;
    /// Runtimes that left (the application ended, or its JobManager moved): their jobs leave the
    /// board, their state stays in the store for the retention period.
    std::vector<std::shared_ptr<ClusterRuntime>> dropped;
};

/// Lists the running applications of `yarn` and reconciles its application runtimes with them
/// (new ones built by `registry`'s FlinkApiFactory). Counts the listing on `board`
/// (discovery_finished, rest_error) and logs what changed; a failed listing changes nothing.
/// Throws only on unexpected errors (the caller logs them).
ApplicationListing list_applications(YarnRuntime& yarn, const ClusterRegistry& registry, StatusBoard& board);

}  // namespace flinkscaler::service
