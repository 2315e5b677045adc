// SPDX-License-Identifier: Apache-2.0
#include "flink/collector.hpp"

#include "flinkscaler/source_partitions.hpp"

namespace flinkscaler::flink {

namespace {

std::string names_of(const std::vector<FlinkMetric>& metrics) {
    std::string out;
    for (auto m : metrics) out += (out.empty() ? "" : ", ") + std::string(to_string(m));
    return out;
}

}  // namespace

MetricNotFound::MetricNotFound(const std::string& job, const VertexId& vertex_, std::vector<FlinkMetric> missing_,
                               Instant running_since_)
    : std::runtime_error("job " + job + ", vertex " + vertex_ + ": required metric(s) not reported: " +
                         names_of(missing_)),
      vertex(vertex_),
      missing(std::move(missing_)),
      running_since(running_since_) {}

MetricCollector::JobCache MetricCollector::cache_of(const std::string& job) {
    std::lock_guard lock(mutex_);
    return caches_[job];
}

void MetricCollector::store(const std::string& job, JobCache cache) {
    std::lock_guard lock(mutex_);
    caches_[job] = std::move(cache);
}

void MetricCollector::forget(const std::string& job) {
    std::lock_guard lock(mutex_);
    caches_.erase(job);
}

RawGlobalMetrics MetricCollector::collect_global(JobCache& cache) {
    // Flink answers [] when one requested TaskManager name is unknown; the GC gauge is missing on
    // some JVMs, so it is tried once per job and dropped if the answer is empty (§2.5).
    std::map<std::string, AggregatedMetric> task_managers;
    if (cache.task_managers_report_gc.value_or(true)) {
        task_managers = api_.task_manager_metrics(task_manager_metric_names(true));
        cache.task_managers_report_gc = !task_managers.empty();
    }
    if (task_managers.empty()) {
        task_managers = api_.task_manager_metrics(task_manager_metric_names(false));
        if (task_managers.empty()) {
            cache.task_managers_report_gc.reset();
            throw FlinkApiError(FlinkApiError::Kind::Malformed, 200,
                                "missing required TaskManager metrics (heap, managed memory, metaspace)");
        }
    }
    const auto job_manager =
        api_.job_manager_metrics({std::string(kTaskSlotsTotal), std::string(kTaskSlotsAvailable)});
    return to_global_metrics(task_managers, job_manager);
}

std::optional<CollectedJob> MetricCollector::collect(const std::string& job) {
    JobDetails details = api_.job_details(job);
    // The job list said RUNNING, but the job may have restarted since (a new execution graph in
    // CREATED has no RUNNING timestamp yet): not ready, try again next cycle.
    if (!details.ready() || details.state != "RUNNING") return std::nullopt;
    if (!details.running_since)
        throw ResponseError("job " + job + ": timestamps.RUNNING is missing although the job has vertices");

    JobCache cache = cache_of(job);
    std::set<VertexId> vertex_set;
    for (const auto& v : details.vertices) vertex_set.insert(v.id);
    if (vertex_set != cache.vertex_set || cache.running_since != details.running_since) {
        // New topology or a restart: metric names may differ, and the GC probe is repeated.
        cache = JobCache{vertex_set, details.running_since, {}, std::nullopt};
    }

    CollectedJob collected;
    std::map<VertexId, VertexMetricSelection> source_selections;
    std::map<VertexId, int> partitions;
    for (const auto& node : details.plan) {
        if (!node.inputs.empty()) continue;
        const auto names = api_.vertex_metric_names(job, node.id);
        source_selections[node.id] = select_vertex_metrics(names, true);
        if (const int n = count_source_partitions(names); n > 0) partitions[node.id] = n;
    }
    collected.topology = details.topology(partitions);
    const auto io = details.io_counters();

    for (const auto& id : collected.topology.topological_order()) {
        const VertexInfo& vertex = collected.topology.get(id);
        RawVertexMetrics raw;
        if (auto it = io.find(id); it != io.end()) raw.io = it->second;
        if (vertex.finished) {  // never queried (§2.3); compute_sample supplies the synthetic values
            collected.metrics.vertices[id] = raw;
            continue;
        }
        const bool is_source = collected.topology.is_source(id);
        if (!is_source && !cache.selections.count(id))
            cache.selections[id] = select_vertex_metrics(api_.vertex_metric_names(job, id), false);
        const VertexMetricSelection& selection = is_source ? source_selections.at(id) : cache.selections.at(id);
        if (!selection.missing_required.empty()) {
            cache.selections.erase(id);
            store(job, cache);
            throw MetricNotFound(job, id, selection.missing_required, *details.running_since);
        }
        if (is_source && selection.source_without_backlog)
            collected.warnings.push_back("vertex " + id + ": source reports no pendingRecords (legacy or idle "
                                         "source); assuming no backlog");
        const auto answer = api_.vertex_metrics(job, id, selection.request_names());
        if (answer.empty() && is_source) {
            // Without the source's records-in counter the sample would record 0 and corrupt the
            // window's rates; skip the cycle instead (the names are listed again next time).
            store(job, cache);
            throw MetricNotFound(job, id, {FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN}, *details.running_since);
        }
        if (answer.empty()) {
            // Flink's metric fetcher has not caught up, or a listed name vanished: list again next time.
            cache.selections.erase(id);
            collected.warnings.push_back("vertex " + id + ": empty metric answer; the vertex is skipped this cycle");
        } else {
            raw.metrics = to_logical_metrics(selection, answer);
        }
        collected.metrics.vertices[id] = std::move(raw);
    }

    collected.metrics.global = collect_global(cache);
    store(job, std::move(cache));
    collected.running_since = *details.running_since;
    collected.details = std::move(details);
    return collected;
}

}  // namespace flinkscaler::flink
