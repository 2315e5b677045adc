// SPDX-License-Identifier: Apache-2.0
#include "service/status_board.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace flinkscaler::service {

StatusBoard::StatusBoard(std::string version)
    : version_(std::move(version)), last_heartbeat_(std::chrono::steady_clock::now()) {}

const std::vector<double>& StatusBoard::pass_duration_buckets() {
    return metric_family(Family::JobPassDuration).buckets;
}

void StatusBoard::put_job(JobStatus status) {
    auto shared = std::make_shared<const JobStatus>(std::move(status));
    std::lock_guard lock(mutex_);
    jobs_[shared->key] = std::move(shared);
}

void StatusBoard::remove_job(const std::string& key) {
    std::lock_guard lock(mutex_);
    jobs_.erase(key);
    store_problems_.erase(key);
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

void StatusBoard::count_label(Family family, const std::string& cluster, std::string_view value) {
    std::lock_guard lock(mutex_);
    count_locked(family, cluster, value);
}

void StatusBoard::count_locked(Family family, const std::string& cluster, std::string_view value) {
    // Caller holds mutex_. The words come from the vocabularies whose name tables also declare
    // the family's label values (metric_families.cpp), so an undeclared value is a bug; it is
    // still counted (as a series of its own) rather than asserted: a metric label must never
    // take the daemon down, and builds that keep assert() run in production.
    ++counters_[family][{cluster, std::string(value)}];
}

void StatusBoard::pass_finished(const std::string& cluster, PassResult result, Millis duration) {
    const double seconds = static_cast<double>(duration.count()) / 1000.0;
    const auto& bounds = pass_duration_buckets();
    // Index of the first bound >= the value (le is inclusive); bounds.size() is the +Inf bucket.
    const auto bucket =
        static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
    std::lock_guard lock(mutex_);
    count_locked(Family::JobPasses, cluster, metric_label(result));
    auto& histogram = pass_durations_[cluster];
    if (histogram.bucket_counts.empty()) histogram.bucket_counts.assign(bounds.size() + 1, 0);
    ++histogram.bucket_counts[bucket];
    histogram.sum += seconds;
    ++histogram.count;
}

void StatusBoard::discovery_finished(const std::string& cluster, bool ok) {
    std::lock_guard lock(mutex_);
    count_locked(Family::Discoveries, cluster, metric_label(ok ? DiscoveryResult::Ok : DiscoveryResult::Error));
    cluster_up_[cluster] = ok;
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
    std::erase_if(store_problems_, [&](const auto& entry) { return !jobs_.contains(entry.first); });
}

void StatusBoard::set_store_problem(const std::string& job_key, std::optional<std::string> problem) {
    std::lock_guard lock(mutex_);
    if (problem)
        store_problems_[job_key] = std::move(*problem);
    else
        store_problems_.erase(job_key);
}

std::optional<std::string> StatusBoard::store_problem() const {
    std::lock_guard lock(mutex_);
    if (store_problems_.empty()) return std::nullopt;
    const auto& [job, problem] = *store_problems_.begin();
    return "the last commit of " + std::to_string(store_problems_.size()) + " job(s) failed (" + job + ": " + problem +
           ")";
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
    // Copy what is needed under the lock (job statuses by pointer) and render outside it: a
    // scrape of many jobs must not stall the job loop, which writes to the board after each pass.
    MetricsSnapshot snapshot;
    snapshot.version = version_;
    {
        std::lock_guard lock(mutex_);
        snapshot.jobs.reserve(jobs_.size());
        for (const auto& entry : jobs_) snapshot.jobs.push_back(entry.second);
        snapshot.counters = counters_;
        snapshot.cluster_up = cluster_up_;
        snapshot.pass_durations = pass_durations_;
        snapshot.state_store_writable = store_problems_.empty();
        snapshot.poll_overruns = poll_overruns_;
        snapshot.last_poll = last_poll_;
    }
    snapshot.resident_memory_bytes = process_resident_memory_bytes();
    return render_metrics(snapshot);
}

}  // namespace flinkscaler::service
