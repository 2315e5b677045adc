// SPDX-License-Identifier: Apache-2.0
//
// Every metric family the daemon exports on /metrics, declared once (PowerDNS's metrics_table
// in C++): name, type, labels, the documented values of a label (from the vocabularies' name
// tables), buckets and help. The exposition (render_metrics) and the metrics table of
// docs/status-endpoint.md (metrics_reference_markdown, pinned by a unit test) both read it.
#pragma once

#include "service/job_status.hpp"
#include "service/job_vocabulary.hpp"
#include "service/prometheus_text.hpp"

#include "flink/flink_api.hpp"
#include "flinkscaler/decision.hpp"
#include "flinkscaler/time.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flinkscaler::service {

/// Every family name starts with it.
inline constexpr std::string_view kMetricPrefix = "flinkscaler_";

/// One value per family, in the order of their names.
enum class Family {
    BuildInfo,
    ClusterUp,
    Discoveries,
    JobPassDuration,
    JobPassesSkipped,
    JobPasses,
    Jobs,
    LastPollTimestamp,
    PollOverruns,
    ProcessResidentMemory,
    Rescales,
    RestErrors,
    ScalingDecisions,
    StateStoreWritable,
    VertexLag,
    VertexParallelism,
    VertexRecommendedParallelism,
    VertexTargetDataRate,
    VertexTrueProcessingRate,
    VertexUtilization,  ///< keep last
};
inline constexpr std::size_t kFamilyCount = static_cast<std::size_t>(Family::VertexUtilization) + 1;

struct MetricFamily {
    Family family;
    std::string_view name;  ///< without kMetricPrefix
    prometheus::MetricType type;
    std::vector<std::string_view> labels;  ///< label names in the order they are printed
    /// The documented values of the last label (per-cluster counters, jobs{phase}): each is
    /// exported from the start at 0, so Prometheus' rate() and increase() see the first
    /// increment (a series that appears with 1 loses it).
    std::vector<std::string_view> label_values;
    std::vector<double> buckets;  ///< upper bounds of a histogram, +Inf implied
    std::string_view help;        ///< the # HELP text and the docs' meaning
    std::string_view doc_notes;   ///< Markdown the docs add after the help; may be empty
};

/// The table, indexed by Family (entry i is Family i).
const std::vector<MetricFamily>& metric_families();
const MetricFamily& metric_family(Family family);

/// The label value of a vocabulary word, for StatusBoard::count.
inline std::string_view metric_label(PassResult v) { return to_string(v); }
inline std::string_view metric_label(RescaleResult v) { return to_string(v); }
inline std::string_view metric_label(DiscoveryResult v) { return to_string(v); }
inline std::string_view metric_label(JobPhase v) { return to_string(v); }
inline std::string_view metric_label(flink::FlinkApiError::Kind v) { return flink::to_string(v); }
using flinkscaler::metric_label;  // DecisionOutcome's, from the core's table

/// Pass latencies of one cluster; counts per bucket (not cumulative; summed when rendered).
struct PassHistogram {
    std::vector<std::uint64_t> bucket_counts;  ///< one per bucket bound, then +Inf
    double sum = 0;                            ///< seconds
    std::uint64_t count = 0;
};

/// (cluster, value of the family's last label) -> count.
using ClusterCounter = std::map<std::pair<std::string, std::string>, std::uint64_t>;

/// What a scrape renders: a copy of the board's state.
struct MetricsSnapshot {
    std::string version;
    std::vector<std::shared_ptr<const JobStatus>> jobs;
    std::map<Family, ClusterCounter> counters;
    std::map<std::string, bool> cluster_up;
    std::map<std::string, PassHistogram> pass_durations;  ///< by cluster
    std::uint64_t poll_overruns = 0;
    std::optional<Instant> last_poll;
    std::optional<double> resident_memory_bytes;
    bool state_store_writable = true;
};

/// Every family of the table in the text format 0.0.4, sorted by name; every cluster the
/// snapshot names anywhere gets every documented value of each per-cluster family (0 until
/// counted) and an all-zero histogram; NaN gauges are left out.
std::string render_metrics(const MetricsSnapshot& snapshot);

/// Resident set size of this process (/proc/self/statm); empty when it cannot be read.
std::optional<double> process_resident_memory_bytes();

/// The Markdown table of every family, as docs/status-endpoint.md holds it between
/// `<!-- BEGIN GENERATED metrics -->` and `<!-- END GENERATED metrics -->`; and the table of
/// job phases (`phases` markers). A unit test fails when the committed doc differs.
std::string metrics_reference_markdown();
std::string phases_reference_markdown();

}  // namespace flinkscaler::service
