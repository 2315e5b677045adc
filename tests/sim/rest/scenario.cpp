// SPDX-License-Identifier: Apache-2.0
#include "sim/rest/scenario.hpp"

#include "sim/model/cluster.hpp"

#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace flinkscaler::sim {

namespace {

constexpr double kMax = std::numeric_limits<double>::max();

struct Context {
    std::string file;
    std::string base_dir;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

InputProfile parse_profile(const YamlField& f, const Context& ctx) {
    if (f.is_scalar()) return InputProfile::constant(f.as_number(0, kMax));
    const auto type = f.required("type").as_choice({"constant", "step", "ramp", "sine", "trace"});
    if (type == "constant") {
        f.expect_map({"type", "rate"});
        return InputProfile::constant(f.required("rate").as_number(0, kMax));
    }
    if (type == "step") {
        f.expect_map({"type", "steps"});
        std::vector<RatePoint> points;
        for (const auto& s : f.required("steps").items()) {
            s.expect_map({"at", "rate"});
            const double at = s.required("at").as_duration();
            if (!points.empty() && at <= points.back().first) s.required("at").fail("steps must be in increasing time order");
            points.emplace_back(at, s.required("rate").as_number(0, kMax));
        }
        if (points.empty()) f.required("steps").fail("needs at least one step");
        return InputProfile::step(std::move(points));
    }
    if (type == "ramp") {
        f.expect_map({"type", "from", "to", "start", "duration"});
        return InputProfile::ramp(f.required("from").as_number(0, kMax), f.required("to").as_number(0, kMax),
                                  f.get("start") ? f.get("start")->as_duration() : 0.0,
                                  f.required("duration").as_duration());
    }
    if (type == "sine") {
        f.expect_map({"type", "mean", "amplitude", "period", "phase"});
        const auto period = f.required("period");
        if (period.as_duration() <= 0) period.fail("must be positive");
        return InputProfile::sine(f.required("mean").as_number(0, kMax), f.required("amplitude").as_number(0, kMax),
                                  period.as_duration(), f.get("phase") ? f.get("phase")->as_duration(-kMax) : 0.0);
    }
    f.expect_map({"type", "file", "repeat"});
    const auto file_field = f.required("file");
    std::filesystem::path file = file_field.as_string();
    if (file.is_relative()) file = std::filesystem::path(ctx.base_dir) / file;
    std::string text;
    try {
        text = read_file(file.string());
    } catch (const std::exception& e) {
        file_field.fail(e.what());
    }
    try {
        return InputProfile::trace(parse_trace_csv(text), f.get("repeat") ? f.get("repeat")->as_bool() : false);
    } catch (const TraceError& e) {
        throw ScenarioError(file.string(), static_cast<int>(e.line), 1, file_field.path(), e.what());
    }
}

VertexSpec parse_vertex(const YamlField& f, const Context& ctx) {
    f.expect_map({"name", "id", "operator", "parallelism", "max_parallelism", "capacity", "output_ratio", "skew",
                  "slot_sharing_group", "record_bytes", "busy_time", "pending_records", "kafka", "input_rate", "inputs"});
    VertexSpec v;
    v.name = f.required("name").as_string();
    if (v.name.empty()) f.required("name").fail("must not be empty");
    if (auto x = f.get("id")) v.id = x->as_string();
    if (auto x = f.get("operator")) v.operator_name = x->as_string();
    if (auto x = f.get("max_parallelism")) v.max_parallelism = x->as_int(1, 32768);
    if (auto x = f.get("parallelism")) v.parallelism = x->as_int(1, v.max_parallelism);
    v.capacity = f.required("capacity").as_number(1e-9, kMax);
    if (auto x = f.get("output_ratio")) v.output_ratio = x->as_number(0, kMax);
    if (auto x = f.get("skew")) v.skew = x->as_number(0, 0.999);
    if (auto x = f.get("slot_sharing_group")) v.slot_sharing_group = x->as_string();
    if (auto x = f.get("record_bytes")) v.record_bytes = x->as_number(0, kMax);
    if (auto x = f.get("busy_time")) v.busy_time = x->as_bool();
    if (auto x = f.get("pending_records")) v.pending_records = x->as_bool();
    if (auto x = f.get("kafka")) {
        x->expect_map({"topic", "partitions"});
        v.kafka = KafkaSpec{x->required("topic").as_string(), x->required("partitions").as_int(1, 100000)};
    }
    if (auto x = f.get("input_rate")) v.input_rate = parse_profile(*x, ctx);
    return v;
}

JobSpec parse_job(const YamlField& f, const Context& ctx) {
    f.expect_map({"name", "id", "start", "checkpoint_interval", "replay_on_restart", "user_config", "vertices"});
    JobSpec job;
    job.name = f.required("name").as_string();
    if (auto x = f.get("id")) {
        job.id = x->as_string();
        if (job.id.size() != 32 || job.id.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            x->fail("must be 32 hex digits");
    }
    if (auto x = f.get("start")) job.start_s = x->as_duration(-kMax);
    if (auto x = f.get("checkpoint_interval")) job.checkpoint_interval_s = x->as_duration();
    if (auto x = f.get("replay_on_restart")) job.replay_on_restart = x->as_bool();
    if (auto x = f.get("user_config"))
        for (const auto& [key, value] : x->entries()) job.user_config[key] = value.as_string();
    const auto vertices = f.required("vertices");
    const auto items = vertices.items();
    if (items.empty()) vertices.fail("a job needs at least one vertex");
    std::map<std::string, std::size_t> by_name;
    for (const auto& item : items) {
        job.vertices.push_back(parse_vertex(item, ctx));
        if (!by_name.emplace(job.vertices.back().name, job.vertices.size() - 1).second)
            item.required("name").fail("duplicate vertex name in this job");
        if (!job.vertices.back().id.empty()) by_name.emplace(job.vertices.back().id, job.vertices.size() - 1);
    }
    // Inputs refer to other vertices by name (or id), so they are resolved after all are read.
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto& v = job.vertices[i];
        if (auto inputs = items[i].get("inputs")) {
            for (const auto& in : inputs->items()) {
                // Never assign a YamlField: YAML::Node assignment writes into the document.
                if (!in.is_scalar()) in.expect_map({"from", "ship_strategy"});
                const YamlField from = in.is_scalar() ? in : in.required("from");
                InputEdge edge;
                if (!in.is_scalar()) {
                    if (auto s = in.get("ship_strategy")) {
                        edge.ship_strategy = s->as_string();
                        for (char& c : edge.ship_strategy) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                    }
                }
                const auto it = by_name.find(from.as_string());
                if (it == by_name.end()) from.fail("no vertex named '" + from.as_string() + "' in this job");
                if (it->second == i) from.fail("a vertex cannot be its own input");
                edge.from = it->second;
                v.inputs.push_back(edge);
            }
        }
        const bool source = v.inputs.empty();
        if (source && !v.input_rate) items[i].fail("a source (no inputs) needs input_rate");
        if (!source && v.input_rate) items[i].required("input_rate").fail("only sources (no inputs) take an input rate");
        if (!source && v.kafka) items[i].required("kafka").fail("only sources (no inputs) can read from Kafka");
    }
    return job;
}

FaultSpec parse_fault(const YamlField& f) {
    using Kind = FaultSpec::Kind;
    FaultSpec fault;
    const auto kind = f.required("kind").as_choice({"latency", "timeout", "error", "malformed", "missing_metric",
                                                    "job_restart", "job_cancel", "job_vanish", "cluster_down"});
    const auto window_keys = [&](std::initializer_list<std::string_view> extra) {
        std::vector<std::string_view> keys{"kind", "from", "until"};
        keys.insert(keys.end(), extra.begin(), extra.end());
        return keys;
    };
    std::vector<std::string_view> allowed;
    if (kind == "latency") {
        fault.kind = Kind::Latency;
        allowed = window_keys({"path", "methods", "probability", "delay"});
    } else if (kind == "timeout") {
        fault.kind = Kind::Timeout;
        allowed = window_keys({"path", "methods", "probability", "hold"});
    } else if (kind == "error") {
        fault.kind = Kind::Error;
        allowed = window_keys({"path", "methods", "probability", "status"});
    } else if (kind == "malformed") {
        fault.kind = Kind::Malformed;
        allowed = window_keys({"path", "methods", "probability", "status", "body"});
    } else if (kind == "missing_metric") {
        fault.kind = Kind::MissingMetric;
        allowed = window_keys({"metric"});
    } else if (kind == "job_restart") {
        fault.kind = Kind::JobRestart;
        allowed = {"kind", "job", "at", "every", "until"};
    } else if (kind == "job_cancel") {
        fault.kind = Kind::JobCancel;
        allowed = {"kind", "job", "at"};
    } else if (kind == "job_vanish") {
        fault.kind = Kind::JobVanish;
        allowed = window_keys({"job"});
    } else {
        fault.kind = Kind::ClusterDown;
        allowed = window_keys({});
    }
    // expect_map takes an initializer list; check by hand with the same message shape.
    for (const auto& [key, value] : f.entries())
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            value.fail("key not allowed for a " + kind + " fault");

    if (auto x = f.get("from")) fault.from_s = x->as_duration();
    if (auto x = f.get("until")) fault.until_s = x->as_duration();
    if (fault.from_s && fault.until_s && *fault.until_s <= *fault.from_s) f.required("until").fail("must be after 'from'");
    if (auto x = f.get("path")) {
        fault.path = x->as_string();
        if (fault.path.starts_with("/v1/")) fault.path.erase(0, 3);
    }
    if (auto x = f.get("methods"))
        for (const auto& m : x->items()) fault.methods.push_back(m.as_choice({"GET", "PUT", "POST", "DELETE", "PATCH"}));
    if (auto x = f.get("probability")) fault.probability = x->as_number(0, 1);
    switch (fault.kind) {
    case Kind::Latency:
        fault.delay_s = f.required("delay").as_duration();
        break;
    case Kind::Timeout:
        fault.delay_s = f.required("hold").as_duration();
        break;
    case Kind::Error:
        fault.status = f.get("status") ? f.get("status")->as_int(400, 599) : 503;
        break;
    case Kind::Malformed:
        fault.body = f.get("body") && f.get("body")->as_choice({"truncated", "html"}) == "html" ? FaultSpec::Body::Html
                                                                                              : FaultSpec::Body::Truncated;
        fault.status = f.get("status") ? f.get("status")->as_int(100, 599) : 0;
        break;
    case Kind::MissingMetric:
        fault.metric = f.required("metric").as_string();
        break;
    case Kind::JobRestart:
    case Kind::JobCancel:
        fault.job = f.required("job").as_string();
        fault.at_s = f.required("at").as_duration();
        if (auto x = f.get("every")) {
            fault.every_s = x->as_duration();
            if (*fault.every_s <= 0) x->fail("must be positive");
        }
        break;
    case Kind::JobVanish:
        fault.job = f.required("job").as_string();
        if (!fault.from_s || !fault.until_s) f.fail("a job_vanish fault needs 'from' and 'until'");
        break;
    case Kind::ClusterDown:
        if (!fault.from_s) f.fail("a cluster_down fault needs 'from'");
        break;
    }
    return fault;
}

ClusterScenario parse_cluster(const YamlField& f, const Context& ctx, double step_s) {
    f.expect_map({"name", "port", "flink_version", "flink_revision", "scheduler", "scheduler_mode", "taskmanagers",
                  "metrics", "rescale", "config", "faults", "jobs"});
    ClusterScenario c;
    c.spec.name = f.required("name").as_string();
    c.spec.max_step_s = step_s;
    if (auto x = f.get("port")) c.settings.port = x->as_int(0, 65535);
    const auto version_field = f.required("flink_version");
    const auto version = Version::parse(version_field.as_string());
    if (!version) version_field.fail("unsupported Flink version '" + version_field.as_string() + "' (supported: 1.18 to 2.1)");
    c.spec.version = *version;
    if (auto x = f.get("flink_revision")) c.settings.flink_revision = x->as_string();
    if (auto x = f.get("scheduler")) {
        const auto s = x->as_choice({"adaptive", "default", "adaptive-batch"});
        c.spec.scheduler = s == "adaptive" ? Scheduler::Adaptive : s == "default" ? Scheduler::Default : Scheduler::AdaptiveBatch;
    }
    if (auto x = f.get("scheduler_mode")) {
        c.spec.reactive = x->as_choice({"reactive", "none"}) == "reactive";
        if (c.spec.reactive && c.spec.scheduler != Scheduler::Adaptive) x->fail("reactive mode needs scheduler: adaptive");
    }
    if (auto tm = f.get("taskmanagers")) {
        tm->expect_map({"count", "slots", "heap_max", "heap_base_ratio", "heap_load_ratio", "managed_memory", "metaspace",
                        "gc_base", "gc_load", "gc_all_metric"});
        auto& t = c.spec.taskmanagers;
        if (auto x = tm->get("count")) t.count = x->as_int(0, 100000);
        if (auto x = tm->get("slots")) t.slots = x->as_int(1, 100000);
        if (auto x = tm->get("heap_max")) t.heap_max_bytes = x->as_bytes();
        if (auto x = tm->get("heap_base_ratio")) t.heap_base_ratio = x->as_number(0, 1);
        if (auto x = tm->get("heap_load_ratio")) t.heap_load_ratio = x->as_number(0, 1);
        if (auto x = tm->get("managed_memory")) t.managed_bytes = x->as_bytes();
        if (auto x = tm->get("metaspace")) t.metaspace_bytes = x->as_bytes();
        if (auto x = tm->get("gc_base")) t.gc_base_ms_per_s = x->as_number(0, 1000);
        if (auto x = tm->get("gc_load")) t.gc_load_ms_per_s = x->as_number(0, 1000);
        if (auto x = tm->get("gc_all_metric")) t.gc_all_metric = x->as_bool();
    }
    if (auto m = f.get("metrics")) {
        m->expect_map({"update_interval"});
        if (auto x = m->get("update_interval")) c.settings.metric_update_interval_s = x->as_duration();
    }
    if (auto r = f.get("rescale")) {
        r->expect_map({"cooldown", "restarting_time", "created_time", "initializing_time", "conflict_while_pending"});
        auto& t = c.spec.rescale;
        if (auto x = r->get("cooldown")) t.cooldown_s = x->as_duration();
        if (auto x = r->get("restarting_time")) t.restarting_s = x->as_duration();
        if (auto x = r->get("created_time")) t.created_s = x->as_duration();
        if (auto x = r->get("initializing_time")) t.initializing_s = x->as_duration();
        if (auto x = r->get("conflict_while_pending")) t.conflict_while_pending = x->as_bool();
    }
    if (auto cfg = f.get("config"))
        for (const auto& [key, value] : cfg->entries()) c.settings.config.emplace_back(key, value.as_string());

    // Jobs, validated by the model itself so that the scenario cannot describe what the model
    // would refuse later (the error points at the job).
    Cluster trial(c.spec);
    std::set<std::string> names;
    if (auto jobs = f.get("jobs")) {
        for (const auto& item : jobs->items()) {
            auto job = parse_job(item, ctx);
            if (!names.insert(job.name).second) item.required("name").fail("duplicate job name in this cluster");
            try {
                trial.add_job(job);
            } catch (const std::exception& e) {
                item.fail(e.what());
            }
            c.jobs.push_back(std::move(job));
        }
    }
    if (auto faults = f.get("faults")) {
        for (const auto& item : faults->items()) {
            auto fault = parse_fault(item);
            if (!fault.job.empty() && !trial.find_job(fault.job))
                item.required("job").fail("no job named (or with id) '" + fault.job + "' in this cluster");
            c.settings.faults.push_back(std::move(fault));
        }
    }
    return c;
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& file_name, const std::string& base_dir) {
    const Context ctx{file_name, base_dir};
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw ScenarioError(file_name, e.mark.line + 1, e.mark.column + 1, "", "YAML syntax error: " + e.msg);
    }
    const YamlField top(root, "", &ctx.file);
    if (!root.IsMap()) throw ScenarioError(file_name, 1, 1, "", "a scenario is a mapping with a 'clusters' list");
    top.expect_map({"time_scale", "step", "start_time", "seed", "clusters", "yarn"});
    // yaml-cpp keeps duplicate keys and finds the first: a second yarn section would be ignored.
    bool yarn_seen = false;
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it->first.Scalar() != "yarn") continue;
        if (yarn_seen) {
            const auto m = it->first.Mark();
            throw ScenarioError(file_name, m.line + 1, m.column + 1, "yarn", "only one yarn section is allowed");
        }
        yarn_seen = true;
    }
    Scenario s;
    if (auto x = top.get("time_scale")) s.time_scale = x->as_number(1e-6, 1e6);
    double step_s = 1.0;
    if (auto x = top.get("step")) {
        step_s = x->as_duration();
        if (step_s <= 0) x->fail("must be positive");
    }
    if (auto x = top.get("start_time")) s.start_epoch_ms = static_cast<std::int64_t>(x->as_uint64());
    if (auto x = top.get("seed")) s.seed = x->as_uint64();
    const auto clusters = top.required("clusters");
    std::set<std::string> names;
    std::set<int> ports;
    for (const auto& item : clusters.items()) {
        auto c = parse_cluster(item, ctx, step_s);
        if (!names.insert(c.spec.name).second) item.required("name").fail("duplicate cluster name");
        if (c.settings.port != 0 && !ports.insert(c.settings.port).second) item.required("port").fail("port used twice");
        s.clusters.push_back(std::move(c));
    }
    if (s.clusters.empty()) clusters.fail("needs at least one cluster");
    if (auto x = top.get("yarn")) s.yarn = parse_yarn_section(*x, s.clusters);
    return s;
}

Scenario load_scenario(const std::string& path) {
    std::string text;
    try {
        text = read_file(path);
    } catch (const std::exception& e) {
        throw ScenarioError(path, 0, 0, "", e.what());
    }
    const auto dir = std::filesystem::path(path).parent_path();
    return parse_scenario(text, path, dir.empty() ? "." : dir.string());
}

}  // namespace flinkscaler::sim
