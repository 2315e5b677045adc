// SPDX-License-Identifier: Apache-2.0
//
// What the daemon knows about itself right now, shared between the job loop (writer) and the
// status endpoint (reader): one JobStatus per known job, and the counters, gauges and histograms
// exported on /metrics. The families are declared in metric_families.hpp (and documented from
// there in docs/status-endpoint.md); this class holds their state and its lock, nothing else.
//
// Thread safety: every method may be called from any thread; all state is behind one mutex and
// readers get copies.
#pragma once

#include "service/job_status.hpp"
#include "service/job_vocabulary.hpp"
#include "service/metric_families.hpp"

#include "flinkscaler/time.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler::service {

class StatusBoard {
public:
    explicit StatusBoard(std::string version);

    void put_job(JobStatus status);  ///< insert or replace by key
    void remove_job(const std::string& key);
    std::vector<JobStatus> jobs() const;  ///< sorted by key
    std::optional<JobStatus> job(const std::string& key) const;

    /// Counts one event of a per-cluster counter family, labelled with a word of its vocabulary:
    /// `count(Family::Rescales, cluster, RescaleResult::DryRun)`. The word must be one of the
    /// family's declared label values (checked by an assertion).
    template <typename Word>
    void count(Family family, const std::string& cluster, Word word) {
        count_label(family, cluster, metric_label(word));
    }
    /// Counts the pass in job_passes_total and its duration in job_pass_duration_seconds.
    void pass_finished(const std::string& cluster, PassResult result, Millis duration);
    /// Counts the listing in discoveries_total and sets cluster_up.
    void discovery_finished(const std::string& cluster, bool ok);
    void poll_overrun();
    /// Called by the loop at every poll tick (liveness) with the wall and the steady time of the
    /// tick (the loop passes its Clock's; the default is for callers without one).
    void heartbeat(Instant now, std::chrono::steady_clock::time_point steady_now = std::chrono::steady_clock::now());
    /// Ready once the store is open and the first poll round has finished.
    void set_ready(bool ready);
    /// The last commit of a job's pass failed (`problem` says why), or a later one succeeded
    /// (nullopt). While any job's last commit failed the daemon is not ready and
    /// flinkscaler_state_store_writable is 0.
    void set_store_problem(const std::string& job_key, std::optional<std::string> problem);
    /// Why the store cannot write (the problem of the first such job and how many there are);
    /// empty when every job's last commit succeeded.
    std::optional<std::string> store_problem() const;
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

    /// Every family of metric_families() in the text exposition format 0.0.4 (render_metrics).
    std::string prometheus_text() const;

    /// The upper bounds (seconds) of the job_pass_duration_seconds buckets, +Inf implied.
    static const std::vector<double>& pass_duration_buckets();

private:
    void count_label(Family family, const std::string& cluster, std::string_view value);
    void count_locked(Family family, const std::string& cluster, std::string_view value);

    mutable std::mutex mutex_;
    const std::string version_;
    /// Statuses are immutable once on the board: a scrape copies the pointers under the lock and
    /// renders outside it, so a large /metrics never holds up the job loop's put_job.
    std::map<std::string, std::shared_ptr<const JobStatus>> jobs_;
    std::map<std::string, std::string> store_problems_;  ///< by job key
    std::map<Family, ClusterCounter> counters_;
    std::map<std::string, bool> cluster_up_;
    std::map<std::string, PassHistogram> pass_durations_;  ///< by cluster
    std::uint64_t poll_overruns_ = 0;
    std::optional<Instant> last_poll_;
    /// Starts at construction: the first poll tick gets the same grace as any later one.
    std::chrono::steady_clock::time_point last_heartbeat_;
    bool ready_ = false;
};

}  // namespace flinkscaler::service
