// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/replay.hpp"

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

RawVertexMetrics read_vertex_metrics(const Node& node) {
    RawVertexMetrics raw;
    if (auto metrics = node.maybe("metrics")) {
        for (const auto& [name, value] : metrics->members()) {
            const auto metric = flink_metric_from_string(name);
            if (!metric)
                value.fail("unknown metric (expected BUSY_TIME_PER_SEC, BACKPRESSURE_TIME_PER_SEC, "
                           "NUM_RECORDS_IN_PER_SEC, SOURCE_TASK_NUM_RECORDS_IN_PER_SEC, SOURCE_TASK_NUM_RECORDS_IN, "
                           "SOURCE_TASK_NUM_RECORDS_OUT or PENDING_RECORDS)");
            raw.metrics[*metric] = read_aggregate(value);
        }
    }
    if (auto io = node.maybe("io")) {
        for (const auto& [name, value] : io->members()) {
            if (name == "readRecords") raw.io.num_records_in = value.number();
            else if (name == "writeRecords") raw.io.num_records_out = value.number();
            else if (name == "accumulatedBusyTime") raw.io.accumulated_busy_time = value.number();
            else value.fail("unknown IO counter (expected readRecords, writeRecords or accumulatedBusyTime)");
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

    std::vector<VertexInfo> vertices;
    const Node topology = root.at("topology");
    for (const auto& vertex : topology.at("vertices").elements()) vertices.push_back(read_vertex(vertex));
    try {
        (void)JobTopology(vertices);
    } catch (const TopologyError& e) {
        topology.fail(e.what());
    }

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
        if (auto vertex_metrics = sample.maybe("vertices")) {
            for (const auto& [vertex, value] : vertex_metrics->members()) {
                if (std::none_of(vertices.begin(), vertices.end(), [&](const auto& v) { return v.id == vertex; }))
                    value.fail("unknown vertex (not in $.topology.vertices)");
                s.metrics.vertices[vertex] = read_vertex_metrics(value);
            }
        }
        s.metrics.global = read_global(sample);
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

ReplayRun run_replay(const ReplayInput& input, const Configuration& overrides) {
    Configuration conf = input.options;
    for (const auto& [key, value] : overrides) conf[key] = value;
    ReplayRun run;
    run.options = AutoscalerOptions::from(conf);
    run.options.enabled = true;
    if (auto problem = validate(run.options)) throw std::invalid_argument(*problem);

    run.final_state = input.initial_state;
    for (const auto& sample : input.samples) {
        ReplayCycle cycle;
        cycle.timestamp = sample.timestamp;
        const JobTopology topology(sample.vertices);
        CycleInput cycle_input{topology, sample.job_running_since, sample.metrics, sample.timestamp,
                               utc_local_time(sample.timestamp + std::chrono::minutes(input.utc_offset_minutes)),
                               input.resources};
        try {
            cycle.result = run_cycle(run.options, run.final_state, cycle_input);
        } catch (const std::exception& e) {
            cycle.error = e.what();
        }
        run.cycles.push_back(std::move(cycle));
    }
    return run;
}

}  // namespace flinkscaler
