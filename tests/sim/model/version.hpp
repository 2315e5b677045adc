// SPDX-License-Identifier: Apache-2.0
//
// The Flink version a simulated cluster pretends to be, and the behaviour that depends on it
// (flink-rest.md §0.2). Only what the simulator varies is here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flinkscaler::sim {

struct Version {
    int major = 1;
    int minor = 20;
    std::string text = "1.20.1";  ///< what `flink-version` shows, vendor suffixes included

    /// Lenient like a client must be ("1.20.1", "2.0-SNAPSHOT", "1.18.1-vendor"); nullopt when
    /// the first two components are not numbers or the version is outside 1.18 .. 2.1.
    static std::optional<Version> parse(std::string_view text);

    bool at_least(int major_, int minor_) const { return major > major_ || (major == major_ && minor >= minor_); }
    /// `agg=skew` and the skew field of aggregated metrics (1.20+).
    bool has_skew() const { return at_least(1, 20); }
    /// `vertices[].slotSharingGroupId` and `job-type` in /jobs/:jid (1.20+).
    bool has_slot_sharing_group_id() const { return at_least(1, 20); }
    bool has_job_type() const { return at_least(1, 20); }
    /// `execution-config.execution-mode` in /jobs/:jid/config (removed in 2.0).
    bool has_execution_mode() const { return !at_least(2, 0); }
    /// 2.x restarts a pending rescale on the next completed checkpoint (FLINK-35549).
    bool rescale_waits_for_checkpoint() const { return at_least(2, 0); }
    /// `scaling-interval.min` (1.19/1.20) or `executing.cooldown-after-rescaling` (2.x); 1.18 has
    /// no cooldown.
    double default_cooldown_s() const { return at_least(1, 19) ? 30.0 : 0.0; }
    /// Name of the cooldown option in this version, empty for 1.18.
    std::string_view cooldown_key() const;
};

}  // namespace flinkscaler::sim
