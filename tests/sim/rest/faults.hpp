// SPDX-License-Identifier: Apache-2.0
//
// Fault knobs of one simulated cluster (tests/sim/README.md "faults"): request-level faults
// (latency, held requests, 5xx, malformed bodies), metric-level faults (a name removed from
// listings and values), job-level events (failover, cancellation, vanishing) and the cluster
// going away (connection refused). Windows and event times are simulated seconds; latency and
// hold durations are wall-clock seconds because that is what a client's timeout measures.
#pragma once

#include "sim/rest/rest_types.hpp"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler::sim {

struct FaultSpec {
    enum class Kind { Latency, Timeout, Error, Malformed, MissingMetric, JobRestart, JobCancel, JobVanish, ClusterDown };
    enum class Body { Truncated, Html };

    Kind kind = Kind::Latency;
    std::optional<double> from_s;   ///< window start (simulated s), none = from the start
    std::optional<double> until_s;  ///< window end (exclusive), none = forever
    std::string path;               ///< glob on the path without /v1 ('*' matches anything), empty = all
    std::vector<std::string> methods;  ///< empty = all methods
    double probability = 1.0;       ///< share of matching requests that get the fault
    double delay_s = 0;             ///< latency: added delay; timeout: how long the request is held
    int status = 0;                 ///< error: 503 or 500 (or any); malformed: status sent with the body
    Body body = Body::Truncated;    ///< malformed
    std::string metric;             ///< missing_metric: glob on the metric name (without "<idx>.")
    std::string job;                ///< job events: job name or id
    std::optional<double> at_s;     ///< job_restart / job_cancel: when
    std::optional<double> every_s;  ///< job_restart: repeat interval

    bool active_at(double t_s) const {
        return (!from_s || t_s >= *from_s) && (!until_s || t_s < *until_s);
    }
};

/// '*' matches any run of characters (including '/'); everything else literally.
bool glob_match(std::string_view pattern, std::string_view text);

/// What the faults do to one request.
struct RequestFaults {
    double delay_s = 0;                   ///< wall seconds to wait before answering
    std::optional<RestResponse> replace;  ///< an error response instead of the real one
    std::optional<FaultSpec::Body> malform;
    int malform_status = 200;
};

/// A model event due at a simulated time.
struct FaultEvent {
    double at_s = 0;
    FaultSpec::Kind kind = FaultSpec::Kind::JobRestart;  ///< JobRestart, JobCancel or JobVanish (its start)
    std::string job;
};

class FaultPlan {
public:
    FaultPlan(std::vector<FaultSpec> faults, std::uint64_t seed) : faults_(std::move(faults)), rng_(seed) {}

    /// Decide the request-level faults for one request (draws from the seeded generator).
    RequestFaults for_request(std::string_view method, std::string_view path, double now_s);
    bool metric_hidden(std::string_view name, double now_s) const;
    bool cluster_down(double now_s) const;
    /// Whether a job vanish window hides the job (matched by id or name).
    bool job_hidden(std::string_view job_id, std::string_view job_name, double now_s) const;
    /// Job events with after < at <= until, in time order.
    std::vector<FaultEvent> events_between(double after_s, double until_s) const;

    const std::vector<FaultSpec>& faults() const { return faults_; }

    /// The body a malformed-response fault sends instead of `original`.
    static RestResponse malformed(const RestResponse& original, FaultSpec::Body body, int status);

private:
    std::vector<FaultSpec> faults_;
    std::mt19937_64 rng_;
};

}  // namespace flinkscaler::sim
