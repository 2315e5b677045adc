// SPDX-License-Identifier: Apache-2.0
//
// What the daemon remembers about a job's failed rescales, so that a rescale Flink refuses is not
// sent again on every poll, and a job whose rescales keep failing is left alone (issue 11):
//   - a *rejected* rescale (Flink answered the PUT with 4xx) is sent again only after a backoff
//     (1 min, doubling per rejection in a row, at most 30 min);
//   - a *non-landing* rescale (accepted, but Flink has not run the new parallelism within
//     restart.time + 5 min) counts as a failure too;
//   - after `limit` failures in a row (service.rescale-failure-limit, 0 = never) the circuit
//     opens: the job is no longer evaluated nor rescaled until its effective configuration
//     changes or the daemon restarts (the guard lives in memory only, by design);
//   - a rescale that lands (Flink runs the committed parallelism) closes the count.
// Pure: time comes in as values.
#pragma once

#include "flinkscaler/options.hpp"
#include "flinkscaler/time.hpp"

#include <optional>
#include <string>

namespace flinkscaler::service {

/// The wait before a rejected rescale is sent again: 1 min × 2^(rejections in a row - 1), at most
/// 30 min.
Millis rejection_backoff(int rejections_in_a_row);

class RescaleGuard {
public:
    enum class Failure { Rejected, NotLanded };

    /// Records a failed rescale and whether it opened the circuit (true once, when the count
    /// reaches `limit`; `limit` 0 never opens it). `configuration` is the job's effective
    /// configuration now: a later different one closes the circuit again.
    bool record_failure(Failure kind, const std::string& why, Instant now, int limit,
                        const Configuration& configuration);
    /// Flink runs the committed parallelism: the failures in a row are forgotten.
    void record_landed();
    /// Closes an open circuit when the job's configuration differs from the one it opened with;
    /// returns true when it did.
    bool reopen_on_configuration_change(const Configuration& configuration);

    /// The circuit is open: the job is not rescaled.
    bool blocked() const { return blocked_; }
    /// The last rescale was refused and its backoff has not passed: nothing is sent.
    bool backing_off(Instant now) const { return retry_at_ && now < *retry_at_; }
    /// The last PUT was refused by Flink (cleared by an accepted one or a landing).
    bool last_rejected() const { return retry_at_.has_value(); }
    /// An accepted PUT ends the rejection backoff (the failures in a row stay until it lands).
    void record_accepted() { retry_at_.reset(); }

    int failures_in_a_row() const { return failures_; }
    std::optional<Instant> retry_at() const { return retry_at_; }
    const std::string& last_failure() const { return last_failure_; }

private:
    int failures_ = 0;
    int rejections_ = 0;
    std::optional<Instant> retry_at_;
    bool blocked_ = false;
    std::optional<Configuration> blocked_configuration_;
    std::string last_failure_;
};

}  // namespace flinkscaler::service
