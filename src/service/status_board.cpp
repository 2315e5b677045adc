// SPDX-License-Identifier: Apache-2.0
#include "service/status_board.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <set>
#include <utility>

namespace flinkscaler::service {

namespace {

constexpr std::string_view kPrefix = "flinkscaler_";

/// The phases JobStatus::phase documents; jobs{phase} lists each of them (0 when no job is in
/// it) so a dashboard sees a stable set of series. A phase outside this list is still counted.
constexpr std::array<std::string_view, 8> kPhases = {"collecting", "decided",         "disabled",       "error",
                                                     "not_ready",  "rescale_pending", "stabilizing",    "window_not_full"};

/// A per-cluster counter family: its second label and that label's documented values. Every
/// known cluster gets every documented value (0 until counted): Prometheus' rate() and
/// increase() need a series to exist before its first increment, or that increment is lost.
struct CounterFamily {
    std::string_view name;  ///< without prefix, with _total
    std::string_view label;
    std::vector<std::string_view> values;
    std::string_view help;
};

const std::vector<CounterFamily>& counter_families() {
    static const std::vector<CounterFamily> families = {
        {"discoveries_total", "result", {"ok", "error"}, "Job listings of a cluster (discovery), by result."},
        {"job_passes_total",
         "result",
         {"ok", "not_ready", "error", "disabled"},
         "Finished control-loop passes of the jobs of a cluster, by result."},
        {"rescales_total",
         "result",
         {"applied", "failed", "dry_run"},
         "Rescales of jobs of a cluster: applied (resource requirements PUT accepted), failed, or "
         "dry_run (decided but not sent)."},
        {"rest_errors_total",
         "kind",
         {"no_response", "http", "malformed"},
         "Failed Flink REST calls to a cluster: no_response (connection or timeout), http (error "
         "status), malformed (unreadable body)."},
        {"scaling_decisions_total",
         "outcome",
         {"scale", "no_change", "blocked"},
         "Scaling decisions for jobs of a cluster, by outcome."},
    };
    return families;
}

using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

/// Label values may hold any UTF-8; the format reserves backslash, double quote and newline.
void append_escaped_label_value(std::string& out, std::string_view value) {
    for (const char c : value) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            default: out += c;
        }
    }
}

/// HELP text escapes only backslash and newline (a quote is literal there).
void append_escaped_help(std::string& out, std::string_view text) {
    for (const char c : text) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            default: out += c;
        }
    }
}

/// Shortest text that reads back as the same double (Go's strconv 'g' -1 does the same, which is
/// what the reference client library prints); infinities as the format spells them.
std::string format_value(double value) {
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    if (std::isnan(value)) return "NaN";
    std::array<char, 64> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

/// One family being rendered; families are collected first and sorted by name at the end, so the
/// order of the output never depends on the order of the code below.
struct Family {
    std::string name;  ///< full name, with prefix
    std::string text;  ///< HELP, TYPE and samples

    Family(std::string_view base, std::string_view type, std::string_view help) : name(kPrefix) {
        name += base;
        text += "# HELP ";
        text += name;
        text += ' ';
        append_escaped_help(text, help);
        text += "\n# TYPE ";
        text += name;
        text += ' ';
        text += type;
        text += '\n';
    }

    void sample(std::string_view suffix, const Labels& labels, const std::string& value) {
        text += name;
        text += suffix;
        if (!labels.empty()) {
            text += '{';
            bool first = true;
            for (const auto& [label, label_value] : labels) {
                if (!first) text += ',';
                first = false;
                text += label;
                text += "=\"";
                append_escaped_label_value(text, label_value);
                text += '"';
            }
            text += '}';
        }
        text += ' ';
        text += value;
        text += '\n';
    }
    void sample(const Labels& labels, double value) { sample("", labels, format_value(value)); }
    void sample(const Labels& labels, std::uint64_t value) { sample("", labels, std::to_string(value)); }
};

/// Resident set size of this process: the second field of /proc/self/statm is in pages.
std::optional<double> resident_memory_bytes() {
    std::ifstream statm("/proc/self/statm");
    unsigned long long size_pages = 0;
    unsigned long long resident_pages = 0;
    if (!(statm >> size_pages >> resident_pages)) return std::nullopt;
    const long page_size = ::sysconf(_SC_PAGESIZE);
    if (page_size <= 0) return std::nullopt;
    return static_cast<double>(resident_pages) * static_cast<double>(page_size);
}

/// JSON has no NaN or infinity; "not known" is null.
nlohmann::json number_or_null(double value) {
    if (!std::isfinite(value)) return nullptr;
    return value;
}

nlohmann::json instant_or_null(const std::optional<Instant>& t) {
    if (!t) return nullptr;
    return format_instant(*t);
}

}  // namespace

std::string_view to_string(PassResult r) {
    switch (r) {
        case PassResult::Ok: return "ok";
        case PassResult::NotReady: return "not_ready";
        case PassResult::Error: return "error";
        case PassResult::Disabled: return "disabled";
    }
    return "unknown";
}

nlohmann::json JobStatus::to_json(bool with_history) const {
    using nlohmann::json;
    json vertex_list = json::array();
    for (const auto& v : vertices) {
        vertex_list.push_back({
            {"id", v.id},
            {"name", v.name},
            {"parallelism", v.parallelism},
            {"recommended_parallelism", v.recommended ? json(*v.recommended) : json(nullptr)},
            {"utilization", number_or_null(v.utilization)},
            {"true_processing_rate", number_or_null(v.true_processing_rate)},
            {"target_data_rate", number_or_null(v.target_data_rate)},
            {"lag", number_or_null(v.lag)},
        });
    }
    json out = {
        {"key", key},
        {"cluster", cluster},
        {"job_id", job_id},
        {"name", name},
        {"flink_state", flink_state},
        {"phase", phase},
        {"scaling_enabled", scaling_enabled},
        {"dry_run", dry_run},
        {"last_pass", instant_or_null(last_pass)},
        {"last_pass_duration_ms", last_pass_duration.count()},
        {"last_error", last_error.empty() ? json(nullptr) : json(last_error)},
        {"summary", summary},
        {"vertices", std::move(vertex_list)},
        {"last_decision", last_decision},
        {"last_decision_time", instant_or_null(last_decision_time)},
        {"rescales", rescales},
        {"last_rescale", instant_or_null(last_rescale)},
    };
    if (with_history) out["scaling_history"] = scaling_history;
    return out;
}

StatusBoard::StatusBoard(std::string version)
    : version_(std::move(version)), last_heartbeat_(std::chrono::steady_clock::now()) {}

const std::vector<double>& StatusBoard::pass_duration_buckets() {
    // A pass is a handful of REST calls: milliseconds when healthy, up to the request timeout
    // (10 s by default, retried) when a JobManager is slow, so the buckets reach 30 s.
    static const std::vector<double> buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                1,     2.5,  5,     10,   30};
    return buckets;
}

void StatusBoard::put_job(JobStatus status) {
    auto shared = std::make_shared<const JobStatus>(std::move(status));
    std::lock_guard lock(mutex_);
    jobs_[shared->key] = std::move(shared);
}

void StatusBoard::remove_job(const std::string& key) {
    std::lock_guard lock(mutex_);
    jobs_.erase(key);
}

std::vector<JobStatus> StatusBoard::jobs() const {
    std::vector<std::shared_ptr<const JobStatus>> snapshot;
    {
        std::lock_guard lock(mutex_);
        snapshot.reserve(jobs_.size());
        for (const auto& entry : jobs_) snapshot.push_back(entry.second);
    }
    // The deep copies are made outside the lock; the statuses themselves never change.
    std::vector<JobStatus> out;
    out.reserve(snapshot.size());
    for (const auto& job : snapshot) out.push_back(*job);
    return out;
}

std::optional<JobStatus> StatusBoard::job(const std::string& key) const {
    std::shared_ptr<const JobStatus> found;
    {
        std::lock_guard lock(mutex_);
        const auto it = jobs_.find(key);
        if (it == jobs_.end()) return std::nullopt;
        found = it->second;
    }
    return *found;
}

void StatusBoard::count(const std::string& family, const std::string& cluster, const std::string& value) {
    // Caller holds mutex_.
    ++counters_[family][{cluster, value}];
}

void StatusBoard::pass_finished(const std::string& cluster, PassResult result, Millis duration) {
    const double seconds = static_cast<double>(duration.count()) / 1000.0;
    const auto& bounds = pass_duration_buckets();
    // Index of the first bound >= the value (le is inclusive); bounds.size() is the +Inf bucket.
    const auto bucket =
        static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
    std::lock_guard lock(mutex_);
    count("job_passes_total", cluster, std::string(to_string(result)));
    auto& histogram = pass_durations_[cluster];
    if (histogram.bucket_counts.empty()) histogram.bucket_counts.assign(bounds.size() + 1, 0);
    ++histogram.bucket_counts[bucket];
    histogram.sum += seconds;
    ++histogram.count;
}

void StatusBoard::discovery_finished(const std::string& cluster, bool ok) {
    std::lock_guard lock(mutex_);
    count("discoveries_total", cluster, ok ? "ok" : "error");
    cluster_up_[cluster] = ok;
}

void StatusBoard::rest_error(const std::string& cluster, const std::string& kind) {
    std::lock_guard lock(mutex_);
    count("rest_errors_total", cluster, kind);
}

void StatusBoard::decision(const std::string& cluster, const std::string& outcome) {
    std::lock_guard lock(mutex_);
    count("scaling_decisions_total", cluster, outcome);
}

void StatusBoard::rescale(const std::string& cluster, const std::string& result) {
    std::lock_guard lock(mutex_);
    count("rescales_total", cluster, result);
}

void StatusBoard::poll_overrun() {
    std::lock_guard lock(mutex_);
    ++poll_overruns_;
}

void StatusBoard::heartbeat(Instant now, std::chrono::steady_clock::time_point steady_now) {
    std::lock_guard lock(mutex_);
    last_poll_ = now;
    last_heartbeat_ = steady_now;
}

void StatusBoard::set_ready(bool ready) {
    std::lock_guard lock(mutex_);
    ready_ = ready;
}

void StatusBoard::retain_clusters(const std::vector<std::string>& clusters) {
    const std::set<std::string> keep(clusters.begin(), clusters.end());
    std::lock_guard lock(mutex_);
    for (auto& [family, series] : counters_)
        std::erase_if(series, [&](const auto& entry) { return !keep.contains(entry.first.first); });
    std::erase_if(counters_, [](const auto& entry) { return entry.second.empty(); });
    std::erase_if(cluster_up_, [&](const auto& entry) { return !keep.contains(entry.first); });
    std::erase_if(pass_durations_, [&](const auto& entry) { return !keep.contains(entry.first); });
    std::erase_if(jobs_, [&](const auto& entry) { return !keep.contains(entry.second->cluster); });
}

bool StatusBoard::ready() const {
    std::lock_guard lock(mutex_);
    return ready_;
}

bool StatusBoard::alive(std::chrono::steady_clock::duration max_silence) const {
    return since_heartbeat() <= max_silence;
}

std::chrono::steady_clock::duration StatusBoard::since_heartbeat() const {
    std::chrono::steady_clock::time_point last;
    {
        std::lock_guard lock(mutex_);
        last = last_heartbeat_;
    }
    return std::chrono::steady_clock::now() - last;
}

std::string StatusBoard::prometheus_text() const {
    // Copy what is needed under the lock (job statuses by pointer) and format outside it: a
    // scrape of many jobs must not stall the job loop, which writes to the board after each pass.
    std::vector<std::shared_ptr<const JobStatus>> jobs;
    std::map<std::string, ClusterCounter> counters;
    std::map<std::string, bool> cluster_up;
    std::map<std::string, Histogram> histograms;
    std::uint64_t poll_overruns = 0;
    std::optional<Instant> last_poll;
    {
        std::lock_guard lock(mutex_);
        jobs.reserve(jobs_.size());
        for (const auto& entry : jobs_) jobs.push_back(entry.second);
        counters = counters_;
        cluster_up = cluster_up_;
        histograms = pass_durations_;
        poll_overruns = poll_overruns_;
        last_poll = last_poll_;
    }

    // Every cluster the board has heard of, by any route; they get the zero-filled series.
    std::set<std::string> clusters;
    for (const auto& [family, series] : counters)
        for (const auto& entry : series) clusters.insert(entry.first.first);
    for (const auto& entry : cluster_up) clusters.insert(entry.first);
    for (const auto& entry : histograms) clusters.insert(entry.first);
    for (const auto& job : jobs) clusters.insert(job->cluster);

    std::vector<Family> families;

    {
        Family f("build_info", "gauge", "Build of the running flinkscaler; always 1.");
        f.sample({{"version", version_}}, 1.0);
        families.push_back(std::move(f));
    }
    {
        Family f("cluster_up", "gauge", "1 if the last job listing (discovery) of the cluster succeeded, else 0.");
        for (const auto& [cluster, up] : cluster_up) f.sample({{"cluster", cluster}}, up ? 1.0 : 0.0);
        families.push_back(std::move(f));
    }
    for (const auto& spec : counter_families()) {
        const std::string key(spec.name);
        ClusterCounter series;
        if (const auto it = counters.find(key); it != counters.end()) series = it->second;
        for (const auto& cluster : clusters)
            for (const auto value : spec.values) series.try_emplace({cluster, std::string(value)}, 0);
        Family f(spec.name, "counter", spec.help);
        for (const auto& [labels, value] : series)
            f.sample({{"cluster", labels.first}, {spec.label, labels.second}}, value);
        families.push_back(std::move(f));
    }
    {
        Family f("job_pass_duration_seconds", "histogram", "Duration of one control-loop pass of one job, by cluster.");
        const auto& bounds = pass_duration_buckets();
        for (const auto& cluster : clusters) {
            Histogram h;
            if (const auto it = histograms.find(cluster); it != histograms.end()) h = it->second;
            if (h.bucket_counts.empty()) h.bucket_counts.assign(bounds.size() + 1, 0);
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < bounds.size(); ++i) {
                cumulative += h.bucket_counts[i];
                const std::string le = format_value(bounds[i]);
                f.sample("_bucket", {{"cluster", cluster}, {"le", le}}, std::to_string(cumulative));
            }
            f.sample("_bucket", {{"cluster", cluster}, {"le", "+Inf"}}, std::to_string(h.count));
            f.sample("_sum", {{"cluster", cluster}}, format_value(h.sum));
            f.sample("_count", {{"cluster", cluster}}, std::to_string(h.count));
        }
        families.push_back(std::move(f));
    }
    {
        std::map<std::string, std::uint64_t> per_phase;
        for (const auto phase : kPhases) per_phase.emplace(std::string(phase), 0);
        for (const auto& job : jobs) ++per_phase[job->phase];
        Family f("jobs", "gauge", "Jobs on the status board, by phase of their last pass.");
        for (const auto& [phase, n] : per_phase) f.sample({{"phase", phase}}, n);
        families.push_back(std::move(f));
    }
    {
        Family f("last_poll_timestamp_seconds", "gauge", "Unix time of the last poll tick of the job loop.");
        if (last_poll) f.sample({}, static_cast<double>(epoch_ms(*last_poll)) / 1000.0);
        families.push_back(std::move(f));
    }
    {
        Family f("poll_overruns_total", "counter",
                 "Poll ticks skipped for a job because its previous pass was still running.");
        f.sample({}, poll_overruns);
        families.push_back(std::move(f));
    }
    {
        Family f("process_resident_memory_bytes", "gauge", "Resident memory of the daemon (from /proc/self/statm).");
        if (const auto rss = resident_memory_bytes()) f.sample({}, *rss);
        families.push_back(std::move(f));
    }

    // Per-vertex gauges: one series per vertex of every job on the board, so a removed job's
    // series disappear with it. NaN means "not evaluated yet" and is left out rather than
    // exported as NaN, which would break sums and alerts over the family.
    struct VertexGauge {
        std::string_view name;
        std::string_view help;
        std::optional<double> (*value)(const VertexStatus&);
    };
    static const std::array<VertexGauge, 6> vertex_gauges = {{
        {"vertex_lag", "Pending records (backlog) of a source vertex in the last evaluation.",
         [](const VertexStatus& v) -> std::optional<double> { return v.lag; }},
        {"vertex_parallelism", "Current parallelism of the vertex as Flink reports it.",
         [](const VertexStatus& v) -> std::optional<double> { return v.parallelism; }},
        {"vertex_recommended_parallelism",
         "Parallelism the last scaling decision computed for the vertex (absent before the first one).",
         [](const VertexStatus& v) -> std::optional<double> {
             if (!v.recommended) return std::nullopt;
             return *v.recommended;
         }},
        {"vertex_target_data_rate",
         "Records per second the vertex must process to keep up, in the last evaluation.",
         [](const VertexStatus& v) -> std::optional<double> { return v.target_data_rate; }},
        {"vertex_true_processing_rate",
         "Records per second the vertex could process at full busy time, in the last evaluation.",
         [](const VertexStatus& v) -> std::optional<double> { return v.true_processing_rate; }},
        {"vertex_utilization", "Busy-time ratio (0..1) of the vertex in the last evaluation.",
         [](const VertexStatus& v) -> std::optional<double> { return v.utilization; }},
    }};
    for (const auto& gauge : vertex_gauges) {
        Family f(gauge.name, "gauge", gauge.help);
        for (const auto& job : jobs) {
            for (const auto& vertex : job->vertices) {
                const auto value = gauge.value(vertex);
                if (!value || std::isnan(*value)) continue;
                f.sample({{"cluster", job->cluster},
                          {"job", job->job_id},
                          {"job_name", job->name},
                          {"vertex", vertex.id},
                          {"vertex_name", vertex.name}},
                         *value);
            }
        }
        families.push_back(std::move(f));
    }

    std::sort(families.begin(), families.end(), [](const Family& a, const Family& b) { return a.name < b.name; });
    std::string out;
    std::size_t size = 0;
    for (const auto& f : families) size += f.text.size();
    out.reserve(size);
    for (const auto& f : families) out += f.text;
    return out;
}

}  // namespace flinkscaler::service
