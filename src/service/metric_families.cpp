// SPDX-License-Identifier: Apache-2.0
#include "service/metric_families.hpp"

#include <unistd.h>

#include <cassert>
#include <cmath>
#include <fstream>
#include <set>

namespace flinkscaler::service {

namespace {

using prometheus::FamilyText;
using prometheus::Labels;
using prometheus::MetricType;

template <typename Enum, std::size_t N>
std::vector<std::string_view> names_of(const detail::EnumNames<Enum, N>& table) {
    std::vector<std::string_view> out;
    for (const auto& [value, name] : table) out.push_back(name);
    return out;
}

std::vector<std::string_view> decision_outcome_labels() {
    std::vector<std::string_view> out;
    for (const auto& names : kDecisionOutcomeNames) out.push_back(names.metric_label);
    return out;
}

std::vector<std::string_view> rest_error_kinds() {
    using Kind = flink::FlinkApiError::Kind;
    std::vector<std::string_view> out;
    for (const auto kind : {Kind::NoResponse, Kind::Http, Kind::Malformed}) out.push_back(flink::to_string(kind));
    return out;
}

const std::vector<std::string_view> kVertexLabels = {"cluster", "job", "job_name", "vertex", "vertex_name"};

std::vector<std::string_view> skip_reasons() {
    std::vector<std::string_view> out;
    for (const auto& [phase, name] : kJobPhaseNames)
        if (skips_decision(phase)) out.push_back(name);
    return out;
}

std::vector<MetricFamily> declare_families() {
    // A pass is a handful of REST calls: milliseconds when healthy, up to the request timeout
    // (10 s by default, retried) when a JobManager is slow, so the buckets reach 30 s.
    const std::vector<double> pass_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    std::vector<MetricFamily> families = {
        {Family::BuildInfo, "build_info", MetricType::Gauge, {"version"}, {}, {},
         "Build of the running flinkscaler; always 1.", ""},
        {Family::ClusterUp, "cluster_up", MetricType::Gauge, {"cluster"}, {}, {},
         "1 if the last job listing (discovery) of the cluster succeeded, 0 if it failed; absent before the first.",
         "A YARN cluster has one series for its ResourceManagers' apps query (`cluster=\"prod-yarn\"`) and one "
         "per running application (`cluster=\"prod-yarn/application_1716900000000_0042\"`)."},
        {Family::Discoveries, "discoveries_total", MetricType::Counter, {"cluster", "result"},
         names_of(kDiscoveryResultNames), {}, "Job listings of a cluster (discovery), by result.", ""},
        {Family::JobPassDuration, "job_pass_duration_seconds", MetricType::Histogram, {"cluster"}, {}, pass_buckets,
         "Duration of one control-loop pass of one job (collect, evaluate, decide, maybe rescale, save), by "
         "cluster.",
         ""},
        {Family::JobPassesSkipped, "job_passes_skipped_total", MetricType::Counter, {"cluster", "reason"},
         skip_reasons(), {},
         "Passes of the jobs of a cluster that ran but did not decide, by the phase they ended in.",
         "Once a job's metric window has filled, `window_not_full` must stay flat while the job runs "
         "undisturbed (a restart or a rescale starts a new window); `rescale_pending` counts passes waiting "
         "for Flink to apply a requested parallelism."},
        {Family::JobPasses, "job_passes_total", MetricType::Counter, {"cluster", "result"},
         names_of(kPassResultNames), {}, "Finished control-loop passes of the jobs of a cluster, by result.",
         "`ok` evaluated (and decided if the window was full), `not_ready` skipped because the job was not "
         "running or its metrics were not usable, `error` failed (see `last_error` of the job), `disabled` "
         "autoscaling off for the job."},
        {Family::Jobs, "jobs", MetricType::Gauge, {"phase"}, names_of(kJobPhaseNames), {},
         "Jobs the daemon tracks, by the phase of their last pass.",
         "Every phase is listed, 0 when no job is in it; see [Phases](#phases)."},
        {Family::LastPollTimestamp, "last_poll_timestamp_seconds", MetricType::Gauge, {}, {}, {},
         "Unix time of the last poll tick of the job loop; absent before the first.", ""},
        {Family::PollOverruns, "poll_overruns_total", MetricType::Counter, {}, {}, {},
         "Poll ticks skipped for a job because its previous pass was still running.",
         "A steady rise means the poll interval is too short for the cluster."},
        {Family::ProcessResidentMemory, "process_resident_memory_bytes", MetricType::Gauge, {}, {}, {},
         "Resident memory of the daemon, read from /proc/self/statm at scrape time.", ""},
        {Family::Rescales, "rescales_total", MetricType::Counter, {"cluster", "result"},
         names_of(kRescaleResultNames), {},
         "Rescales of jobs of a cluster: applied (resource requirements PUT accepted), failed (no answer, 5xx, "
         "409), rejected (Flink refused them with a 4xx), or dry_run (decided but not sent).",
         ""},
        {Family::RestErrors, "rest_errors_total", MetricType::Counter, {"cluster", "kind"}, rest_error_kinds(), {},
         "Failed Flink REST calls to a cluster: no_response (connection or timeout), http (error status), "
         "malformed (unreadable body).",
         "For a YARN cluster's own series: apps queries that no ResourceManager answered usefully (counted as "
         "`no_response`; the log says why)."},
        {Family::ScalingDecisions, "scaling_decisions_total", MetricType::Counter, {"cluster", "outcome"},
         decision_outcome_labels(), {},
         "Scaling decisions for jobs of a cluster, by outcome: scale (a rescale was wanted), no_change, or "
         "blocked (a change was wanted but a check stopped it).",
         "Blocking checks: stabilization, the ineffective-scaling guard, an excluded period, a scheduler that "
         "cannot rescale, ... The scaling report (log, `last_decision`) spells the same outcomes `scaled`, "
         "`no-change` and `blocked`."},
        {Family::StateStoreWritable, "state_store_writable", MetricType::Gauge, {}, {}, {},
         "1 while every job's last commit to the state store succeeded, 0 while some job's failed (disk full, I/O "
         "error); nothing is sent to Flink for such a job.",
         "While it is 0, `/readyz` answers 503 with the reason and those jobs are in phase `store_unavailable`; it "
         "returns to 1 by itself once the store writes again."},
        {Family::VertexLag, "vertex_lag", MetricType::Gauge, kVertexLabels, {}, {},
         "Pending records (backlog) of a source vertex in the last evaluation.", ""},
        {Family::VertexParallelism, "vertex_parallelism", MetricType::Gauge, kVertexLabels, {}, {},
         "Current parallelism of the vertex as Flink reports it.", ""},
        {Family::VertexRecommendedParallelism, "vertex_recommended_parallelism", MetricType::Gauge, kVertexLabels, {},
         {}, "Parallelism the last scaling decision computed for the vertex (absent before the first one).", ""},
        {Family::VertexTargetDataRate, "vertex_target_data_rate", MetricType::Gauge, kVertexLabels, {}, {},
         "Records per second the vertex must process to keep up, in the last evaluation.", ""},
        {Family::VertexTrueProcessingRate, "vertex_true_processing_rate", MetricType::Gauge, kVertexLabels, {}, {},
         "Records per second the vertex could process at full busy time at its current parallelism, in the last "
         "evaluation.",
         ""},
        {Family::VertexUtilization, "vertex_utilization", MetricType::Gauge, kVertexLabels, {}, {},
         "Busy-time ratio (0..1) of the vertex in the last evaluation.", ""},
    };
    assert(families.size() == kFamilyCount);
    for (std::size_t i = 0; i < families.size(); ++i) assert(families[i].family == static_cast<Family>(i));
    return families;
}

/// Labels of a sample: the family's label names with these values, in order.
Labels labelled(const MetricFamily& spec, std::initializer_list<std::string_view> values) {
    assert(values.size() == spec.labels.size());
    Labels out;
    auto name = spec.labels.begin();
    for (const auto value : values) out.emplace_back(*name++, value);
    return out;
}

/// A per-vertex gauge's value; empty (or NaN) when not known, and then not exported.
std::optional<double> vertex_value(Family family, const VertexStatus& v) {
    switch (family) {
        case Family::VertexLag: return v.lag;
        case Family::VertexParallelism: return v.parallelism;
        case Family::VertexRecommendedParallelism:
            if (!v.recommended) return std::nullopt;
            return *v.recommended;
        case Family::VertexTargetDataRate: return v.target_data_rate;
        case Family::VertexTrueProcessingRate: return v.true_processing_rate;
        case Family::VertexUtilization: return v.utilization;
        default: return std::nullopt;
    }
}

void render_cluster_counter(FamilyText& f, const MetricFamily& spec, const MetricsSnapshot& s,
                            const std::set<std::string>& clusters) {
    ClusterCounter series;
    if (const auto it = s.counters.find(spec.family); it != s.counters.end()) series = it->second;
    for (const auto& cluster : clusters)
        for (const auto value : spec.label_values) series.try_emplace({cluster, std::string(value)}, 0);
    for (const auto& [labels, value] : series) f.sample(labelled(spec, {labels.first, labels.second}), value);
}

void render_histogram(FamilyText& f, const MetricFamily& spec, const MetricsSnapshot& s,
                      const std::set<std::string>& clusters) {
    for (const auto& cluster : clusters) {
        PassHistogram h;
        if (const auto it = s.pass_durations.find(cluster); it != s.pass_durations.end()) h = it->second;
        if (h.bucket_counts.empty()) h.bucket_counts.assign(spec.buckets.size() + 1, 0);
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < spec.buckets.size(); ++i) {
            cumulative += h.bucket_counts[i];
            const std::string le = prometheus::format_value(spec.buckets[i]);
            f.sample("_bucket", {{"cluster", cluster}, {"le", le}}, std::to_string(cumulative));
        }
        f.sample("_bucket", {{"cluster", cluster}, {"le", "+Inf"}}, std::to_string(h.count));
        f.sample("_sum", {{"cluster", cluster}}, prometheus::format_value(h.sum));
        f.sample("_count", {{"cluster", cluster}}, std::to_string(h.count));
    }
}

void render_family(FamilyText& f, const MetricFamily& spec, const MetricsSnapshot& s,
                   const std::set<std::string>& clusters) {
    switch (spec.family) {
        case Family::BuildInfo: f.sample(labelled(spec, {s.version}), 1.0); break;
        case Family::ClusterUp:
            for (const auto& [cluster, up] : s.cluster_up) f.sample(labelled(spec, {cluster}), up ? 1.0 : 0.0);
            break;
        case Family::Discoveries:
        case Family::JobPasses:
        case Family::JobPassesSkipped:
        case Family::Rescales:
        case Family::RestErrors:
        case Family::ScalingDecisions: render_cluster_counter(f, spec, s, clusters); break;
        case Family::JobPassDuration: render_histogram(f, spec, s, clusters); break;
        case Family::Jobs: {
            // Every phase is listed (0 when no job is in it) so a dashboard sees a stable set.
            std::map<std::string, std::uint64_t> per_phase;
            for (const auto phase : spec.label_values) per_phase.emplace(std::string(phase), 0);
            for (const auto& job : s.jobs) ++per_phase[std::string(to_string(job->phase))];
            for (const auto& [phase, n] : per_phase) f.sample(labelled(spec, {phase}), n);
            break;
        }
        case Family::LastPollTimestamp:
            if (s.last_poll) f.sample({}, static_cast<double>(epoch_ms(*s.last_poll)) / 1000.0);
            break;
        case Family::PollOverruns: f.sample({}, s.poll_overruns); break;
        case Family::StateStoreWritable: f.sample({}, s.state_store_writable ? 1.0 : 0.0); break;
        case Family::ProcessResidentMemory:
            if (s.resident_memory_bytes) f.sample({}, *s.resident_memory_bytes);
            break;
        case Family::VertexLag:
        case Family::VertexParallelism:
        case Family::VertexRecommendedParallelism:
        case Family::VertexTargetDataRate:
        case Family::VertexTrueProcessingRate:
        case Family::VertexUtilization:
            // One series per vertex of every job on the board, so a removed job's series go with
            // it. NaN means "not evaluated yet" and is left out rather than exported as NaN,
            // which would break sums and alerts over the family.
            for (const auto& job : s.jobs) {
                for (const auto& vertex : job->vertices) {
                    const auto value = vertex_value(spec.family, vertex);
                    if (!value || std::isnan(*value)) continue;
                    f.sample(labelled(spec, {job->cluster, job->job_id, job->name, vertex.id, vertex.name}), *value);
                }
            }
            break;
    }
}

}  // namespace

const std::vector<MetricFamily>& metric_families() {
    static const std::vector<MetricFamily> families = declare_families();
    return families;
}

const MetricFamily& metric_family(Family family) { return metric_families()[static_cast<std::size_t>(family)]; }

std::string render_metrics(const MetricsSnapshot& s) {
    // Every cluster the board has heard of, by any route; they get the zero-filled series.
    std::set<std::string> clusters;
    for (const auto& [family, series] : s.counters)
        for (const auto& entry : series) clusters.insert(entry.first.first);
    for (const auto& entry : s.cluster_up) clusters.insert(entry.first);
    for (const auto& entry : s.pass_durations) clusters.insert(entry.first);
    for (const auto& job : s.jobs) clusters.insert(job->cluster);

    std::vector<FamilyText> families;
    families.reserve(metric_families().size());
    for (const auto& spec : metric_families()) {
        FamilyText f(std::string(kMetricPrefix) + std::string(spec.name), spec.type, spec.help);
        render_family(f, spec, s, clusters);
        families.push_back(std::move(f));
    }
    return prometheus::exposition(std::move(families));
}

namespace {

/// A table cell: Markdown would end the cell at a pipe.
std::string cell(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '|') out += '\\';
        out += c;
    }
    return out;
}

/// "5 ms", "2.5 s": a bucket bound as people read it.
std::string duration_text(double seconds) {
    if (seconds < 1) return prometheus::format_value(std::round(seconds * 1e6) / 1e3) + " ms";
    return prometheus::format_value(seconds) + " s";
}

std::string labels_cell(const MetricFamily& spec) {
    std::string out;
    for (std::size_t i = 0; i < spec.labels.size(); ++i) {
        if (i > 0) out += ", ";
        out += "`" + std::string(spec.labels[i]) + "`";
    }
    if (!spec.label_values.empty()) {
        out += " =";
        for (std::size_t i = 0; i < spec.label_values.size(); ++i)
            out += std::string(i == 0 ? " " : " \\| ") + "`" + std::string(spec.label_values[i]) + "`";
    }
    return out;
}

}  // namespace

std::string metrics_reference_markdown() {
    std::string out = "| Metric | Type | Labels | Meaning |\n|---|---|---|---|\n";
    const std::vector<std::string_view>* previous_labels = nullptr;
    for (const auto& spec : metric_families()) {
        // Rows that repeat the labels of the row above (the per-vertex gauges) say "same".
        const bool same = previous_labels != nullptr && spec.labels.size() > 1 && *previous_labels == spec.labels &&
                          spec.label_values.empty();
        std::string meaning = cell(spec.help);
        if (!spec.doc_notes.empty()) meaning += " " + cell(spec.doc_notes);
        if (!spec.buckets.empty()) {
            meaning += " Buckets:";
            for (const double bound : spec.buckets) meaning += " " + duration_text(bound) + ",";
            meaning += " +Inf.";
        }
        const std::string labels = same ? "same" : labels_cell(spec);
        out += "| `" + std::string(kMetricPrefix) + std::string(spec.name) + "` | " +
               std::string(prometheus::to_string(spec.type)) + " |" + (labels.empty() ? "" : " " + labels) + " | " +
               meaning + " |\n";
        previous_labels = &spec.labels;
    }
    return out;
}

std::string phases_reference_markdown() {
    std::string out = "| Phase | Meaning |\n|---|---|\n";
    for (const auto& [phase, name] : kJobPhaseNames)
        out += "| `" + std::string(name) + "` | " + cell(describe(phase)) + " |\n";
    return out;
}

std::optional<double> process_resident_memory_bytes() {
    // The second field of /proc/self/statm is the resident set in pages.
    std::ifstream statm("/proc/self/statm");
    unsigned long long size_pages = 0;
    unsigned long long resident_pages = 0;
    if (!(statm >> size_pages >> resident_pages)) return std::nullopt;
    const long page_size = ::sysconf(_SC_PAGESIZE);
    if (page_size <= 0) return std::nullopt;
    return static_cast<double>(resident_pages) * static_cast<double>(page_size);
}

}  // namespace flinkscaler::service
