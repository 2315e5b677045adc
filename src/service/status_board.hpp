// SPDX-License-Identifier: Apache-2.0
//
// What the daemon knows about itself right now, shared between the job loop (writer) and the
// status endpoint (reader): one JobStatus per known job, and the counters, gauges and histograms
// exported on /metrics in the Prometheus text format (version 0.0.4).
//
// Thread safety: every method may be called from any thread; all state is behind one mutex and
// readers get copies.
//
// Metric families (all prefixed flinkscaler_; docs/status-endpoint.md describes each):
//   jobs{phase}                               gauge    jobs per JobStatus::phase
//   job_passes_total{cluster,result}          counter  finished passes by PassResult
//   job_pass_duration_seconds{cluster}        histogram pass latency (buckets 5ms .. 30s)
//   discoveries_total{cluster,result}         counter  job listings, result ok|error
//   cluster_up{cluster}                       gauge    1 if the last discovery succeeded
//   rest_errors_total{cluster,kind}           counter  no_response|http|malformed
//   scaling_decisions_total{cluster,outcome}  counter  scale|no_change|blocked
//   rescales_total{cluster,result}            counter  applied|failed|dry_run
//   vertex_parallelism{cluster,job,job_name,vertex,vertex_name}              gauge
//   vertex_recommended_parallelism{...same labels}                          gauge (when known)
//   vertex_utilization{...same labels}        gauge    busy-time ratio (0..1) of the last evaluation
//   vertex_true_processing_rate{...}, vertex_target_data_rate{...}, vertex_lag{...}  gauges
//   poll_overruns_total                       counter  passes skipped because the previous one still ran
//   last_poll_timestamp_seconds               gauge
//   process_resident_memory_bytes             gauge    read from /proc/self/statm at scrape time
//   build_info{version}                       gauge    1
#pragma once

#include "flinkscaler/time.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler::service {

struct VertexStatus {
    std::string id;
    std::string name;
    int parallelism = 0;
    std::optional<int> recommended;  ///< the last decision's target, when one was computed
    double utilization = NAN;        ///< NaN: not evaluated yet
    double true_processing_rate = NAN;
    double target_data_rate = NAN;
    double lag = NAN;
};

struct JobStatus {
    std::string key;  ///< "<cluster>/<job id>"
    std::string cluster;
    std::string job_id;
    std::string name;
    std::string flink_state;  ///< as Flink reports it (RUNNING, RESTARTING, ...)
    /// disabled | not_ready | rescale_pending | collecting | stabilizing | window_not_full | decided | error
    std::string phase;
    bool scaling_enabled = true;
    bool dry_run = false;
    std::optional<Instant> last_pass;
    Millis last_pass_duration{0};
    std::string last_error;  ///< empty when the last pass succeeded
    std::string summary;     ///< CycleResult::summary of the last pass
    std::vector<VertexStatus> vertices;
    nlohmann::json last_decision;  ///< report_json of the last decision; null before the first
    std::optional<Instant> last_decision_time;
    nlohmann::json scaling_history;  ///< to_json(ScalingHistory) after the last pass
    int rescales = 0;                ///< PUTs applied since the daemon started
    std::optional<Instant> last_rescale;
    /// The job as JSON for /api/v1/jobs (every field above; NaN as null, instants ISO-8601).
    nlohmann::json to_json(bool with_history) const;
};

enum class PassResult { Ok, NotReady, Error, Disabled };
std::string_view to_string(PassResult r);

class StatusBoard {
public:
    explicit StatusBoard(std::string version);

    void put_job(JobStatus status);  ///< insert or replace by key
    void remove_job(const std::string& key);
    std::vector<JobStatus> jobs() const;  ///< sorted by key
    std::optional<JobStatus> job(const std::string& key) const;

    void pass_finished(const std::string& cluster, PassResult result, Millis duration);
    void discovery_finished(const std::string& cluster, bool ok);
    /// kind: no_response | http | malformed
    void rest_error(const std::string& cluster, const std::string& kind);
    /// outcome: scale | no_change | blocked
    void decision(const std::string& cluster, const std::string& outcome);
    /// result: applied | failed | dry_run
    void rescale(const std::string& cluster, const std::string& result);
    void poll_overrun();
    /// Called by the loop at every poll tick (liveness) with the wall and the steady time of the
    /// tick (the loop passes its Clock's; the default is for callers without one).
    void heartbeat(Instant now, std::chrono::steady_clock::time_point steady_now = std::chrono::steady_clock::now());
    /// Ready once the store is open and the first poll round has finished.
    void set_ready(bool ready);
    /// Drops every per-cluster series of clusters no longer configured (after a reload),
    /// including the jobs of those clusters (and with them their per-vertex series).
    void retain_clusters(const std::vector<std::string>& clusters);

    bool ready() const;
    /// Alive when the last heartbeat is at most `max_silence` old (steady clock). Before the first
    /// heartbeat the construction of the board counts as one, so a starting daemon is alive for
    /// `max_silence` and a loop that never ticks is reported dead after it.
    bool alive(std::chrono::steady_clock::duration max_silence) const;
    /// How long ago the last heartbeat was (or the construction, before the first one); what
    /// /healthz reports when the daemon is not alive.
    std::chrono::steady_clock::duration since_heartbeat() const;

    /// Every family above in the text exposition format 0.0.4: families sorted by name, each
    /// with # HELP and # TYPE; per-cluster counters list every known label value of every known
    /// cluster (0 until counted), so rate() works from the first increment; NaN gauges omitted.
    std::string prometheus_text() const;

    /// The upper bounds (seconds) of the job_pass_duration_seconds buckets, +Inf implied.
    static const std::vector<double>& pass_duration_buckets();

private:
    /// Pass latencies of one cluster; counts per bucket (not cumulative; summed when rendered).
    struct Histogram {
        std::vector<std::uint64_t> bucket_counts;  ///< one per pass_duration_buckets() bound, then +Inf
        double sum = 0;                            ///< seconds
        std::uint64_t count = 0;
    };
    /// (cluster, value of the family's second label) -> count.
    using ClusterCounter = std::map<std::pair<std::string, std::string>, std::uint64_t>;

    void count(const std::string& family, const std::string& cluster, const std::string& value);

    mutable std::mutex mutex_;
    const std::string version_;
    /// Statuses are immutable once on the board: a scrape copies the pointers under the lock and
    /// renders outside it, so a large /metrics never holds up the job loop's put_job.
    std::map<std::string, std::shared_ptr<const JobStatus>> jobs_;
    std::map<std::string, ClusterCounter> counters_;  ///< by family name (without prefix)
    std::map<std::string, bool> cluster_up_;
    std::map<std::string, Histogram> pass_durations_;  ///< by cluster
    std::uint64_t poll_overruns_ = 0;
    std::optional<Instant> last_poll_;
    /// Starts at construction: the first poll tick gets the same grace as any later one.
    std::chrono::steady_clock::time_point last_heartbeat_;
    bool ready_ = false;
};

}  // namespace flinkscaler::service
