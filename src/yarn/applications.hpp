// SPDX-License-Identifier: Apache-2.0
//
// The Flink applications of a YARN cluster as listed by `GET /ws/v1/cluster/apps`
// (flink-rest.md §6.1). The field set and the empty-list forms differ between Hadoop versions, so
// the parser reads only what discovery needs and accepts every known empty form; the filter is
// sent to the RM and checked again here, because how the RM applies it also differs by version.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace flinkscaler::yarn {

/// A ResourceManager answer that cannot be used; the message names the cluster, the RM or the
/// JSON path involved.
struct YarnError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Application {
    std::string id;  ///< "application_1716900000000_0042"
    std::string name, user, queue, state, type;
    /// From the comma-separated "applicationTags" string: trimmed, lower-cased (YARN lower-cases
    /// tags), empty entries dropped.
    std::vector<std::string> tags;
    std::string tracking_url;    ///< "trackingUrl"; the RM web-proxy URL when the proxy is on; may be empty
    std::string am_rpc_address;  ///< "amRPCAddress": Flink registers its REST host:port here; may be empty or "N/A"
    std::int64_t started_time_ms = 0;
};

struct ApplicationFilter {
    std::string type = "Apache Flink";  ///< applicationTypes (Flink's yarn.application.type); empty = any
    /// Empty = any. Checked on the client only: RMs compare the `queue` query parameter with
    /// their own spelling (full path or leaf name, by scheduler), so "streaming",
    /// "root.streaming" and the leaf of "root.a.streaming" all match the same queue here.
    std::string queue;
    std::string user;                   ///< empty = any
    std::vector<std::string> tags;      ///< any-of, ignoring case; empty = any
};

/// "/ws/v1/cluster/apps?states=RUNNING&applicationTypes=Apache%20Flink[&user=..]
/// [&applicationTags=a,b]": every value percent-encoded (space as %20, never '+'), tags trimmed,
/// lower-cased and joined with literal commas.
std::string applications_query(const ApplicationFilter& filter);

/// Parses a /ws/v1/cluster/apps body. Accepts {"apps":null}, {"apps":{}}, {"apps":{"app":[]}}
/// and "app" as a single object. Missing or null optional fields are empty; a field of the wrong
/// type, a missing "id", or a body that is not JSON of this shape throws YarnError naming the JSON
/// path.
std::vector<Application> parse_applications(const std::string& body);

/// The filter checked on the client: state RUNNING, type equal ignoring case, queue (either
/// spelling, see ApplicationFilter::queue), user exact, tags any-of ignoring case.
bool matches(const ApplicationFilter& filter, const Application& app);

}  // namespace flinkscaler::yarn
