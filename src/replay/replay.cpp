// SPDX-License-Identifier: Apache-2.0
#include "replay/replay.hpp"

#include "flinkscaler/config_values.hpp"
#include "flinkscaler/json_cursor.hpp"
#include "flinkscaler/job_state.hpp"
#include "flinkscaler/numeric.hpp"

namespace flinkscaler {

using nlohmann::json;

namespace {

using Node = JsonCursor<ReplayFormatError>;

VertexInfo read_vertex(const Node& node) {
    node.require_object();
    VertexInfo v;
    v.id = node.at("id").string();
    if (v.id.empty()) node.at("id").fail("must not be empty");
    if (auto n = node.maybe("name")) v.name = n->string();
    v.parallelism = node.at("parallelism").integer();
    if (v.parallelism < 1) node.at("parallelism").fail("must be at least 1");
    if (auto n = node.maybe("maxParallelism")) v.max_parallelism = n->integer();
    if (v.max_parallelism < 1) node.at("maxParallelism").fail("must be at least 1");
    if (auto n = node.maybe("numSourcePartitions")) v.num_source_partitions = n->integer();
    if (auto n = node.maybe("finished")) v.finished = n->boolean();
    if (auto n = node.maybe("slotSharingGroup")) v.slot_sharing_group = n->string();
    if (auto inputs = node.maybe("inputs")) {
        for (const auto& input : inputs->elements()) {
            input.require_object();
            const auto strategy = input.maybe("shipStrategy");
            v.inputs[input.at("id").string()] =
                strategy ? ship_strategy_from_string(strategy->string()) : ShipStrategy::REBALANCE;
        }
    }
    return v;
}

AggregatedMetric read_aggregate(const Node& node) {
    if (!node.value().is_object()) {
        const double x = node.number();  // one number: the same value in every aggregate
        return {x, x, x, x};
    }
    AggregatedMetric m;
    for (const auto& [key, value] : node.members()) {
        if (key == "min") m.min = value.number();
        else if (key == "max") m.max = value.number();
        else if (key == "avg") m.avg = value.number();
        else if (key == "sum") m.sum = value.number();
        else value.fail("unknown aggregate (expected min, max, avg or sum)");
    }
    return m;
}

/// A cumulative counter: a count of records or milliseconds, never negative (NaN = unknown).
double counter_value(const Node& node) {
    const double x = node.number();
    if (x < 0.0) node.fail("a counter cannot be negative, got " + node.value().dump());
    return x;
}

/// The aggregates of a counter metric (the source operator's numRecordsIn/numRecordsOut).
AggregatedMetric read_counter_aggregate(const Node& node) {
    const AggregatedMetric m = read_aggregate(node);
    const std::pair<const char*, double> fields[] = {{"min", m.min}, {"max", m.max}, {"avg", m.avg}, {"sum", m.sum}};
    for (const auto& [field, x] : fields)
        if (x < 0.0) (node.value().is_object() ? node.at(field) : node).fail("a counter cannot be negative");
    return m;
}

RawVertexMetrics read_vertex_metrics(const Node& node) {
    RawVertexMetrics raw;
    if (auto metrics = node.maybe("metrics")) {
        for (const auto& [name, value] : metrics->members()) {
            const auto metric = flink_metric_from_string(name);
            if (!metric)
                value.fail("unknown metric (expected BUSY_TIME_PER_SEC, BACKPRESSURE_TIME_PER_SEC, "
                           "NUM_RECORDS_IN_PER_SEC, SOURCE_TASK_NUM_RECORDS_IN_PER_SEC, SOURCE_TASK_NUM_RECORDS_IN, "
                           "SOURCE_TASK_NUM_RECORDS_OUT or PENDING_RECORDS)");
            const bool counter = *metric == FlinkMetric::SOURCE_TASK_NUM_RECORDS_IN ||
                                 *metric == FlinkMetric::SOURCE_TASK_NUM_RECORDS_OUT;
            raw.metrics[*metric] = counter ? read_counter_aggregate(value) : read_aggregate(value);
        }
    }
    if (auto io = node.maybe("io")) {
        for (const auto& [name, value] : io->members()) {
            if (name == "readRecords") raw.io.num_records_in = counter_value(value);
            else if (name == "writeRecords") raw.io.num_records_out = counter_value(value);
            else if (name == "accumulatedBusyTime") raw.io.accumulated_busy_time = counter_value(value);
            else if (name == "readRecordsComplete") raw.io.num_records_in_complete = value.boolean();
            else if (name == "writeRecordsComplete") raw.io.num_records_out_complete = value.boolean();
            else value.fail("unknown IO counter (expected readRecords, writeRecords, accumulatedBusyTime, "
                            "readRecordsComplete or writeRecordsComplete)");
        }
    }
    return raw;
}

RawGlobalMetrics read_global(const Node& sample) {
    RawGlobalMetrics g;
    if (auto tm = sample.maybe("taskManagers")) {
        for (const auto& [name, value] : tm->members()) {
            if (name == "heapMax") g.heap_max = read_aggregate(value);
            else if (name == "heapUsed") g.heap_used = read_aggregate(value);
            else if (name == "managedUsed") g.managed_used = read_aggregate(value);
            else if (name == "metaspaceUsed") g.metaspace_used = read_aggregate(value);
            else if (name == "gcTimeMsPerSecond") g.gc_time_ms_per_second = read_aggregate(value);
            else value.fail("unknown TaskManager metric (expected heapMax, heapUsed, managedUsed, metaspaceUsed or "
                            "gcTimeMsPerSecond)");
        }
    }
    if (auto jm = sample.maybe("jobManager")) {
        for (const auto& [name, value] : jm->members()) {
            if (name == "taskSlotsTotal") g.task_slots_total = value.number();
            else if (name == "taskSlotsAvailable") g.task_slots_available = value.number();
            else value.fail("unknown JobManager metric (expected taskSlotsTotal or taskSlotsAvailable)");
        }
    }
    return g;
}

/// `{vertices: [...]}`: the vertex list, checked to form a valid job graph.
std::vector<VertexInfo> read_topology(const Node& topology) {
    std::vector<VertexInfo> vertices;
    for (const auto& vertex : topology.at("vertices").elements()) vertices.push_back(read_vertex(vertex));
    try {
        (void)JobTopology(vertices);
    } catch (const TopologyError& e) {
        topology.fail(e.what());
    }
    return vertices;
}

/// The metrics of one sample (`vertices`, `taskManagers`, `jobManager`) for the vertex set
/// `s.vertices`, which must be filled already; `topology_path` names that set in errors.
void read_sample_metrics(const Node& sample, const std::string& topology_path, ReplaySample& s) {
    if (auto vertex_metrics = sample.maybe("vertices")) {
        for (const auto& [vertex, value] : vertex_metrics->members()) {
            if (std::none_of(s.vertices.begin(), s.vertices.end(), [&](const auto& v) { return v.id == vertex; }))
                value.fail("unknown vertex (not in " + topology_path + ")");
            s.metrics.vertices[vertex] = read_vertex_metrics(value);
        }
    }
    s.metrics.global = read_global(sample);
}

}  // namespace

ReplayInput parse_replay(const json& document) {
    const Node root(document, "$");
    root.require_object();
    ReplayInput input;
    if (auto version = root.maybe("formatVersion"); version && version->integer() != 1)
        version->fail("unsupported format version (this flinkscaler reads version 1)");
    if (auto job = root.maybe("job"); job && job->has("name")) input.job_name = job->at("name").string();
    if (auto options = root.maybe("options"))
        for (const auto& [key, value] : options->members()) input.options[key] = value.option_value();
    if (auto offset = root.maybe("utcOffsetMinutes")) input.utc_offset_minutes = offset->integer();
    if (auto resources = root.maybe("resources")) {
        if (auto cpu = resources->maybe("taskManagerCpu")) input.resources.task_manager_cpu = cpu->number();
        if (auto memory = resources->maybe("taskManagerMemory")) {
            try {
                input.resources.task_manager_memory_bytes = parse_memory_size(memory->option_value());
            } catch (const ValueError& e) {
                memory->fail(e.what());
            }
        }
    }

    std::vector<VertexInfo> vertices = read_topology(root.at("topology"));

    Instant running_since = root.at("jobRunningSince").instant();
    std::optional<Instant> previous;
    for (const auto& sample : root.at("samples").elements()) {
        sample.require_object();
        ReplaySample s;
        s.timestamp = sample.at("timestamp").instant();
        if (previous && s.timestamp <= *previous) sample.at("timestamp").fail("samples must be in increasing time order");
        previous = s.timestamp;
        if (auto restarted = sample.maybe("jobRunningSince")) running_since = restarted->instant();
        if (auto changes = sample.maybe("parallelism")) {
            for (const auto& [vertex, p] : changes->members()) {
                auto it = std::find_if(vertices.begin(), vertices.end(), [&](const auto& v) { return v.id == vertex; });
                if (it == vertices.end()) p.fail("unknown vertex");
                it->parallelism = p.integer();
                if (it->parallelism < 1) p.fail("must be at least 1");
            }
        }
        s.job_running_since = running_since;
        s.vertices = vertices;
        read_sample_metrics(sample, "$.topology.vertices", s);
        input.samples.push_back(std::move(s));
    }

    if (auto state = root.maybe("state")) {
        try {
            input.initial_state = job_state_from_json(state->value(), state->path());
        } catch (const StateFormatError& e) {
            throw ReplayFormatError(e.what());
        }
    }
    return input;
}

namespace {

nlohmann::json aggregate_json(const AggregatedMetric& m) {
    json out = json::object();
    const std::pair<const char*, double> fields[] = {{"min", m.min}, {"max", m.max}, {"avg", m.avg}, {"sum", m.sum}};
    for (const auto& [name, value] : fields)
        if (!is_nan(value)) out[name] = double_to_json(value);
    return out;
}

json vertex_json(const VertexInfo& v) {
    json out = {{"id", v.id}, {"parallelism", v.parallelism}, {"maxParallelism", v.max_parallelism}};
    if (!v.name.empty()) out["name"] = v.name;
    if (v.num_source_partitions > 0) out["numSourcePartitions"] = v.num_source_partitions;
    if (v.finished) out["finished"] = true;
    if (v.slot_sharing_group) out["slotSharingGroup"] = *v.slot_sharing_group;
    if (!v.inputs.empty()) {
        json inputs = json::array();
        for (const auto& [id, strategy] : v.inputs) inputs.push_back({{"id", id}, {"shipStrategy", to_string(strategy)}});
        out["inputs"] = inputs;
    }
    return out;
}

json topology_json(const std::vector<VertexInfo>& vertices) {
    json out = json::array();
    for (const auto& v : vertices) out.push_back(vertex_json(v));
    return {{"vertices", out}};
}

json sample_json(const ReplaySample& sample) {
    json out = {{"timestamp", format_instant(sample.timestamp)}};
    json vertices = json::object();
    for (const auto& [id, raw] : sample.metrics.vertices) {
        json metrics = json::object();
        for (const auto& [metric, value] : raw.metrics) metrics[std::string(to_string(metric))] = aggregate_json(value);
        json io = {{"readRecords", double_to_json(raw.io.num_records_in)},
                   {"writeRecords", double_to_json(raw.io.num_records_out)}};
        if (!is_nan(raw.io.accumulated_busy_time)) io["accumulatedBusyTime"] = double_to_json(raw.io.accumulated_busy_time);
        // Written only when false: complete is the default, and older readers know no flags.
        if (!raw.io.num_records_in_complete) io["readRecordsComplete"] = false;
        if (!raw.io.num_records_out_complete) io["writeRecordsComplete"] = false;
        vertices[id] = {{"metrics", metrics}, {"io", io}};
    }
    out["vertices"] = vertices;
    const auto& g = sample.metrics.global;
    json tm = json::object();
    const std::pair<const char*, const std::optional<AggregatedMetric>*> task_managers[] = {
        {"heapMax", &g.heap_max}, {"heapUsed", &g.heap_used}, {"managedUsed", &g.managed_used},
        {"metaspaceUsed", &g.metaspace_used}, {"gcTimeMsPerSecond", &g.gc_time_ms_per_second}};
    for (const auto& [name, value] : task_managers)
        if (*value) tm[name] = aggregate_json(**value);
    if (!tm.empty()) out["taskManagers"] = tm;
    json jm = json::object();
    if (g.task_slots_total) jm["taskSlotsTotal"] = *g.task_slots_total;
    if (g.task_slots_available) jm["taskSlotsAvailable"] = *g.task_slots_available;
    if (!jm.empty()) out["jobManager"] = jm;
    return out;
}

}  // namespace

json replay_document(const ReplayInput& input, const json& job) {
    json doc = {{"formatVersion", 1}, {"job", job}};
    json options = json::object();
    for (const auto& [key, value] : input.options) options[key] = value;
    doc["options"] = options;
    if (input.utc_offset_minutes != 0) doc["utcOffsetMinutes"] = input.utc_offset_minutes;
    if (input.resources.task_manager_cpu > 0 || input.resources.task_manager_memory_bytes) {
        json resources = json::object();
        if (input.resources.task_manager_cpu > 0) resources["taskManagerCpu"] = input.resources.task_manager_cpu;
        if (input.resources.task_manager_memory_bytes)
            resources["taskManagerMemory"] = std::to_string(*input.resources.task_manager_memory_bytes);
        doc["resources"] = resources;
    }
    static const std::vector<VertexInfo> kNoVertices;
    doc["topology"] = topology_json(input.samples.empty() ? kNoVertices : input.samples.front().vertices);
    doc["jobRunningSince"] =
        input.samples.empty() ? json(0) : json(format_instant(input.samples.front().job_running_since));
    json samples = json::array();
    const ReplaySample* previous = nullptr;
    for (const auto& sample : input.samples) {
        json s = sample_json(sample);
        if (previous != nullptr) {
            if (sample.job_running_since != previous->job_running_since)
                s["jobRunningSince"] = format_instant(sample.job_running_since);
            json changes = json::object();
            for (const auto& v : sample.vertices) {
                auto it = std::find_if(previous->vertices.begin(), previous->vertices.end(),
                                       [&](const VertexInfo& p) { return p.id == v.id; });
                if (it != previous->vertices.end() && it->parallelism != v.parallelism) changes[v.id] = v.parallelism;
            }
            if (!changes.empty()) s["parallelism"] = changes;
        }
        samples.push_back(std::move(s));
        previous = &sample;
    }
    doc["samples"] = samples;
    if (!(input.initial_state == JobState{})) doc["state"] = to_json(input.initial_state);
    return doc;
}

json to_json(const ReplaySample& sample) {
    json out = sample_json(sample);
    out["jobRunningSince"] = format_instant(sample.job_running_since);
    out["topology"] = topology_json(sample.vertices);
    return out;
}

ReplaySample replay_sample_from_json(const json& j, const std::string& path) {
    const Node sample(j, path);
    sample.require_object();
    ReplaySample s;
    s.timestamp = sample.at("timestamp").instant();
    s.job_running_since = sample.at("jobRunningSince").instant();
    const Node topology = sample.at("topology");
    s.vertices = read_topology(topology);
    read_sample_metrics(sample, topology.path() + ".vertices", s);
    return s;
}

std::string gated_value_path(std::size_t sample_index, const GatedSample& gated) {
    std::string path = "$.samples[" + std::to_string(sample_index) + "].vertices." + gated.vertex;
    if (const auto* counter = std::get_if<IoCounter>(&gated.value.value)) {
        const bool flag = gated.gate == SampleGate::CounterIncomplete;
        switch (*counter) {
            case IoCounter::ReadRecords: return path + (flag ? ".io.readRecordsComplete" : ".io.readRecords");
            case IoCounter::WriteRecords: return path + (flag ? ".io.writeRecordsComplete" : ".io.writeRecords");
            case IoCounter::AccumulatedBusyTime: return path + ".io.accumulatedBusyTime";
        }
    }
    const auto& metric = std::get<RawValueRef::Metric>(gated.value.value);
    return path + ".metrics." + std::string(to_string(metric.metric)) + "." + std::string(to_string(metric.aggregate));
}

ReplayRun run_replay(const ReplayInput& input, const Configuration& overrides) {
    Configuration conf = input.options;
    for (const auto& [key, value] : overrides) conf[key] = value;
    ReplayRun run;
    run.options = AutoscalerOptions::from(conf);
    run.options.enabled = true;
    if (auto problem = validate(run.options)) throw std::invalid_argument(*problem);

    run.final_state = input.initial_state;
    for (std::size_t i = 0; i < input.samples.size(); ++i) {
        const ReplaySample& sample = input.samples[i];
        ReplayCycle cycle;
        cycle.timestamp = sample.timestamp;
        const JobTopology topology(sample.vertices);
        CycleInput cycle_input{topology, sample.job_running_since, sample.metrics, sample.timestamp,
                               utc_local_time(sample.timestamp + std::chrono::minutes(input.utc_offset_minutes)),
                               input.resources, false, WindowTrim::KeepAnchor};  // as the daemon trims
        try {
            cycle.result = run_cycle(run.options, run.final_state, cycle_input);
        } catch (const std::exception& e) {
            cycle.error = e.what();
        }
        if (cycle.result && cycle.result->gated) {
            cycle.gated_at = gated_value_path(i, *cycle.result->gated);
            cycle.result->summary += " (" + cycle.gated_at + ")";
        }
        run.cycles.push_back(std::move(cycle));
    }
    return run;
}

}  // namespace flinkscaler
