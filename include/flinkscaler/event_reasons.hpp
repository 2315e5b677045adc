// SPDX-License-Identifier: Apache-2.0
//
// Every event reason flinkscaler records, declared once. The reason text is what the state
// store's event table and the status endpoint show (so it is part of the interface: dashboards
// and scripts filter on it), the type is fixed per reason, and the docs table of
// docs/status-endpoint.md ("Event reasons") is generated from this table; a unit test fails when
// the two drift. Emit with `make_event`, match with `name_of`: never spell a reason inline.
#pragma once

#include "flinkscaler/events.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace flinkscaler {

enum class EventReason {
    ScalingReport,
    IneffectiveScaling,
    ScalingLimited,
    MemoryPressure,
    ResourceQuotaReached,
    RescaleApplied,
    RescaleNotApplied,
    RescaleNotSupported,
    RescaleRejected,
    RescaleBlocked,
    AutoscalerError,
    OptionsValidation,
};

struct EventReasonSpec {
    EventReason reason;
    /// The stored and displayed reason (the reference's spelling where it has one).
    std::string_view name;
    EventType type;
    /// How repeats fold into one row (same reason and key within job.autoscaler.scaling.event.interval).
    std::string_view folded;
    /// When the event is raised.
    std::string_view doc;
};

/// In EventReason order (checked below), which is the order of the docs table.
inline constexpr std::array<EventReasonSpec, 12> kEventReasons{{
    {EventReason::ScalingReport, "ScalingReport", EventType::Normal,
     "a recommendation: per recommended change; a rescale: never",
     "a decision that changes parallelism: `Scaling execution enabled, begin scaling vertices:` when it rescales, "
     "`Scaling execution disabled by config <key>:<value>, recommended parallelism change:` when scaling is "
     "disabled or an excluded period is active, `Dry run, recommended parallelism change:` in a dry run; then one `{ Vertex ID ... }` entry "
     "per vertex"},
    {EventReason::IneffectiveScaling, "IneffectiveScaling", EventType::Normal, "per vertex and expected increase",
     "the last scale-up of a vertex raised its processing rate by less than "
     "`job.autoscaler.scaling.effectiveness.threshold` of the expected increase; a further scale-up is blocked when "
     "`job.autoscaler.scaling.effectiveness.detection.enabled`"},
    {EventReason::ScalingLimited, "ScalingLimited", EventType::Warning, "per vertex",
     "the computed parallelism of a vertex was adjusted to spread its key groups or source partitions evenly"},
    {EventReason::MemoryPressure, "MemoryPressure", EventType::Normal, "per metric (GC pressure, heap usage)",
     "GC pressure or heap usage is above `job.autoscaler.memory.gc-pressure.threshold` or "
     "`job.autoscaler.memory.heap-usage.threshold`: the job is not rescaled"},
    {EventReason::ResourceQuotaReached, "ResourceQuotaReached", EventType::Warning, "per message",
     "the rescale would need more TaskManagers than `job.autoscaler.quota.cpu` or `job.autoscaler.quota.memory` "
     "allows: it is not applied"},
    {EventReason::RescaleApplied, "RescaleApplied", EventType::Normal, "never",
     "Flink accepted the new resource requirements (the message lists the vertices and their new parallelism)"},
    {EventReason::RescaleNotApplied, "RescaleNotApplied", EventType::Warning, "one row per job",
     "Flink has not applied a requested parallelism within `job.autoscaler.restart.time` + 5 min (slots short, or "
     "the job cannot restart); the job is evaluated again"},
    {EventReason::RescaleNotSupported, "RescaleNotSupported", EventType::Warning, "one row per job",
     "the job does not run the adaptive scheduler, so its parallelism cannot be changed in place"},
    {EventReason::RescaleRejected, "RescaleRejected", EventType::Warning, "per message",
     "Flink refused the new resource requirements (an HTTP 4xx other than 409; the message has Flink's reason): "
     "the same rescale is sent again after a backoff (1 min, doubling, at most 30 min), no new decision meanwhile"},
    {EventReason::RescaleBlocked, "RescaleBlocked", EventType::Warning, "one row per job",
     "`service.rescale-failure-limit` rescales in a row were refused or did not land: the job is no longer "
     "rescaled until its configuration changes or the daemon restarts"},
    {EventReason::AutoscalerError, "AutoscalerError", EventType::Warning, "per message (docs/deviations.md)",
     "a pass failed (Flink REST error, unusable metrics, applying the parallelism failed, ...); the message says why"},
    {EventReason::OptionsValidation, "AutoScaler Options Validation", EventType::Warning, "per message",
     "the job's `job.autoscaler.*` options are invalid; the job is skipped until they are fixed"},
}};

namespace detail {
constexpr bool event_reasons_in_enum_order() {
    for (std::size_t i = 0; i < kEventReasons.size(); ++i)
        if (static_cast<std::size_t>(kEventReasons[i].reason) != i) return false;
    return true;
}
}  // namespace detail
static_assert(detail::event_reasons_in_enum_order(), "kEventReasons must list every EventReason in enum order");

constexpr const EventReasonSpec& spec_of(EventReason reason) {
    return kEventReasons[static_cast<std::size_t>(reason)];
}

/// The stored reason text, e.g. "ScalingReport".
constexpr std::string_view name_of(EventReason reason) { return spec_of(reason).name; }

/// An event of `reason` with the reason's text and type. `message_key` and `interval` fold
/// repeats (see Event).
inline Event make_event(EventReason reason, std::string message, std::optional<std::string> message_key = std::nullopt,
                        std::optional<Millis> interval = std::nullopt) {
    return Event{spec_of(reason).type, std::string(name_of(reason)), std::move(message), std::move(message_key),
                 interval};
}

/// The Markdown table of every reason (Reason | Type | Folded | Raised when), as
/// docs/status-endpoint.md includes it between its `events` markers.
std::string event_reasons_markdown();

}  // namespace flinkscaler
