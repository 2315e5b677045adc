// SPDX-License-Identifier: Apache-2.0
#include "sim/model/metric_snapshot.hpp"

#include "sim/model/metric_names.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace flinkscaler::sim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMiB = 1024.0 * 1024.0;

/// Per-subtask values `total * weight[i]`.
std::vector<double> share(double total, const std::vector<double>& weights) {
    std::vector<double> out(weights.size());
    for (std::size_t i = 0; i < weights.size(); ++i) out[i] = total * weights[i];
    return out;
}

std::vector<double> scaled(const std::vector<double>& fractions, double factor) {
    std::vector<double> out(fractions.size());
    for (std::size_t i = 0; i < fractions.size(); ++i) out[i] = fractions[i] * factor;
    return out;
}

}  // namespace

std::vector<std::string> chained_operators(const VertexSpec& vertex) {
    std::vector<std::string> ops{vertex.operator_name.empty() ? vertex.name.substr(0, vertex.name.find(" -> "))
                                                              : vertex.operator_name};
    std::string_view rest = vertex.name;
    const auto first = rest.find(" -> ");
    if (first == std::string_view::npos) return ops;
    rest.remove_prefix(first + 4);
    while (!rest.empty()) {
        const auto next = rest.find(" -> ");
        ops.emplace_back(rest.substr(0, next));
        if (next == std::string_view::npos) break;
        rest.remove_prefix(next + 4);
    }
    return ops;
}

std::vector<MetricSeries> vertex_metrics(const Job& job, std::size_t v) {
    const auto& vs = job.spec.vertices[v];
    const auto& vr = job.vertices[v];
    const auto& fv = job.graph.vertices()[v];
    const bool is_source = vs.inputs.empty();
    const std::size_t p = vr.busy.size();
    const auto& w = vr.weights;

    // Per-subtask record rates from the last step: what each subtask received and emitted.
    std::vector<double> in_rate(p), out_rate(p);
    for (std::size_t i = 0; i < p; ++i) {
        const double received = job.processing() && !job.flow.nb_in.empty()
                                    ? w[i] * job.flow.nb_in[v] + job.flow.b_in[v]
                                    : 0.0;
        in_rate[i] = received;
        out_rate[i] = fv.has_outputs ? received * vs.output_ratio : 0.0;
    }
    const double in_total = is_source ? vr.source_records_in : vr.read_records;

    std::vector<MetricSeries> out;
    const auto add = [&](std::string name, bool integer, std::vector<double> values) {
        out.push_back(MetricSeries{std::move(name), integer, std::move(values), {}});
    };
    add("busyTimeMsPerSecond", false, vs.busy_time ? scaled(vr.busy, 1000.0) : std::vector<double>(p, kNaN));
    add("idleTimeMsPerSecond", true, scaled(vr.idle, 1000.0));
    add("backPressuredTimeMsPerSecond", true, scaled(vr.backpressured, 1000.0));
    add("softBackPressuredTimeMsPerSecond", true, std::vector<double>(p, 0.0));
    add("hardBackPressuredTimeMsPerSecond", true, scaled(vr.backpressured, 1000.0));
    // Task-level record counters count network records: a source task reads none.
    add("numRecordsIn", true, is_source ? std::vector<double>(p, 0.0) : share(vr.read_records, w));
    add("numRecordsInPerSecond", false, is_source ? std::vector<double>(p, 0.0) : in_rate);
    add("numRecordsOut", true, share(vr.write_records, w));
    add("numRecordsOutPerSecond", false, out_rate);
    add("numBytesIn", true, is_source ? std::vector<double>(p, 0.0) : share(vr.read_records * vs.record_bytes, w));
    add("numBytesInPerSecond", false, is_source ? std::vector<double>(p, 0.0) : scaled(in_rate, vs.record_bytes));
    add("numBytesOut", true, share(vr.write_records * vs.record_bytes, w));
    add("numBytesOutPerSecond", false, scaled(out_rate, vs.record_bytes));

    const auto ops = chained_operators(vs);
    for (std::size_t k = 0; k < ops.size(); ++k) {
        const std::string op = sanitize_metric_component(ops[k]);
        // Chained operators pass records through; the vertex's output ratio applies at the
        // last one, so the chain's total matches the task counters.
        const bool last = k + 1 == ops.size();
        std::vector<double> op_in_rate(p), op_out_rate(p);
        for (std::size_t i = 0; i < p; ++i) {
            const double received = job.processing() && !job.flow.nb_in.empty()
                                        ? w[i] * job.flow.nb_in[v] + job.flow.b_in[v]
                                        : 0.0;
            op_in_rate[i] = received;
            op_out_rate[i] = last ? received * vs.output_ratio : received;
        }
        const double out_total = last ? in_total * vs.output_ratio : in_total;
        add(op + ".numRecordsIn", true, share(in_total, w));
        add(op + ".numRecordsInPerSecond", false, op_in_rate);
        add(op + ".numRecordsOut", true, share(out_total, w));
        add(op + ".numRecordsOutPerSecond", false, op_out_rate);
        if (k == 0 && is_source) {
            if (vs.pending_records) {
                std::vector<double> pending = share(vr.backlog, w);
                for (auto& x : pending) x = std::floor(x);
                add(op + ".pendingRecords", true, std::move(pending));
            }
            if (vs.kafka) {
                const std::string topic = sanitize_metric_component(vs.kafka->topic);
                for (std::size_t part = 0; part < vr.partition_offsets.size(); ++part) {
                    MetricSeries s{op + ".KafkaSourceReader.topic." + topic + ".partition." + std::to_string(part) +
                                       ".currentOffset",
                                   true, std::vector<double>(p, 0.0), std::vector<char>(p, 0)};
                    s.values[part % p] = std::floor(vr.partition_offsets[part]);
                    s.present[part % p] = 1;
                    out.push_back(std::move(s));
                }
            }
        }
    }
    return out;
}

IoCounters io_counters(const Job& job, std::size_t v) {
    const auto& vs = job.spec.vertices[v];
    const auto& vr = job.vertices[v];
    IoCounters io;
    io.read_records = std::floor(vr.read_records);
    io.write_records = std::floor(vr.write_records);
    io.read_bytes = std::floor(vr.read_records * vs.record_bytes);
    io.write_bytes = std::floor(vr.write_records * vs.record_bytes);
    io.busy_ms = vs.busy_time ? vr.busy_ms : kNaN;
    io.backpressured_ms = std::floor(vr.backpressured_ms);
    io.idle_ms = std::floor(vr.idle_ms);
    return io;
}

std::vector<ScalarMetric> job_metrics(const Cluster& cluster, const Job& job) {
    const double now = cluster.now_s();
    const bool running = job.status == JobStatus::Running;
    const bool restarting = job.restart_started_s.has_value() && !job.terminal();
    std::vector<ScalarMetric> m;
    m.push_back({"numRestarts", true, static_cast<double>(job.num_restarts)});
    if (!cluster.spec().version.at_least(2, 0)) m.push_back({"fullRestarts", true, static_cast<double>(job.num_restarts)});
    m.push_back({"uptime", true, running ? std::floor((now - job.running_since_s) * 1000.0) : 0.0});
    m.push_back({"downtime", true, restarting ? std::floor((now - *job.restart_started_s) * 1000.0) : 0.0});
    m.push_back({"restartingTime", true,
                 std::floor((restarting ? now - *job.restart_started_s : job.last_restart_duration_s) * 1000.0)});
    m.push_back({"numberOfCompletedCheckpoints", true, static_cast<double>(job.completed_checkpoints)});
    m.push_back({"numberOfFailedCheckpoints", true, 0.0});
    m.push_back({"lastCheckpointDuration", true, job.completed_checkpoints > 0 ? 250.0 : 0.0});
    m.push_back({"lastCheckpointSize", true, job.completed_checkpoints > 0 ? 1048576.0 : 0.0});
    return m;
}

std::vector<TaskManagerSnapshot> taskmanager_metrics(const Cluster& cluster) {
    const auto& tm = cluster.spec().taskmanagers;
    const auto used = cluster.slots_used_per_taskmanager();
    const double utilisation = cluster.mean_utilisation();
    const double now = cluster.now_s();
    std::vector<TaskManagerSnapshot> out;
    for (int i = 0; i < tm.count; ++i) {
        const double slot_share = static_cast<double>(used[static_cast<std::size_t>(i)]) / tm.slots;
        const double load = slot_share * utilisation;
        // A small fixed per-TaskManager offset so that min, max and avg differ.
        const double offset = 0.02 * static_cast<double>(i % 3 - 1);
        const double heap_used = tm.heap_max_bytes * std::clamp(tm.heap_base_ratio + tm.heap_load_ratio * load + offset, 0.01, 1.0);
        const double gc = tm.gc_base_ms_per_s + tm.gc_load_ms_per_s * load;
        std::vector<ScalarMetric> m = {
            {"Status.JVM.Memory.Heap.Used", true, std::floor(heap_used)},
            {"Status.JVM.Memory.Heap.Committed", true, tm.heap_max_bytes},
            {"Status.JVM.Memory.Heap.Max", true, tm.heap_max_bytes},
            {"Status.JVM.Memory.NonHeap.Used", true, 120 * kMiB},
            {"Status.JVM.Memory.Metaspace.Used", true, tm.metaspace_bytes},
            {"Status.JVM.Memory.Metaspace.Max", true, 256 * kMiB},
            {"Status.Flink.Memory.Managed.Used", true, std::floor(tm.managed_bytes * slot_share * 0.5)},
            {"Status.Flink.Memory.Managed.Total", true, tm.managed_bytes},
            {"Status.JVM.GarbageCollector.G1_Young_Generation.Count", true, std::floor(now * gc / 20.0)},
            {"Status.JVM.GarbageCollector.G1_Young_Generation.Time", true, std::floor(now * gc)},
            {"Status.JVM.CPU.Load", false, std::min(1.0, 0.05 + 0.8 * load)},
            {"Status.JVM.Threads.Count", true, 60.0 + 10.0 * used[static_cast<std::size_t>(i)]},
        };
        if (tm.gc_all_metric) m.push_back({"Status.JVM.GarbageCollector.All.TimeMsPerSecond", false, gc});
        out.push_back({cluster.taskmanager_id(i), std::move(m)});
    }
    return out;
}

std::vector<ScalarMetric> jobmanager_metrics(const Cluster& cluster) {
    int running = 0;
    for (std::size_t j = 0; j < cluster.job_count(); ++j)
        if (cluster.job(j).submitted && cluster.job(j).status == JobStatus::Running) ++running;
    return {
        {"taskSlotsTotal", true, static_cast<double>(cluster.slots_total())},
        {"taskSlotsAvailable", true, static_cast<double>(cluster.slots_free())},
        {"numRegisteredTaskManagers", true, static_cast<double>(cluster.spec().taskmanagers.count)},
        {"numRunningJobs", true, static_cast<double>(running)},
        {"Status.JVM.Memory.Heap.Used", true, 180 * kMiB},
        {"Status.JVM.Memory.Heap.Max", true, 1024 * kMiB},
        {"Status.JVM.CPU.Load", false, 0.02},
    };
}

ClusterSnapshot take_snapshot(const Cluster& cluster) {
    ClusterSnapshot snap;
    snap.taken_at_s = cluster.now_s();
    for (std::size_t j = 0; j < cluster.job_count(); ++j) {
        const Job& job = cluster.job(j);
        if (!job.submitted) continue;
        JobSnapshot js;
        js.attempt = job.attempt;
        js.metrics = job_metrics(cluster, job);
        for (std::size_t v = 0; v < job.vertices.size(); ++v) {
            js.io.push_back(io_counters(job, v));
            // Only running tasks report metrics; restarting ones have deregistered theirs.
            if (job.processing())
                js.vertices.push_back({job.spec.vertices[v].id, job.vertices[v].parallelism, vertex_metrics(job, v)});
        }
        snap.jobs.emplace(job.spec.id, std::move(js));
    }
    snap.taskmanagers = taskmanager_metrics(cluster);
    snap.jobmanager = jobmanager_metrics(cluster);
    return snap;
}

}  // namespace flinkscaler::sim
