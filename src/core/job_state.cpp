// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/job_state.hpp"

#include "flinkscaler/numeric.hpp"

#include <algorithm>

namespace flinkscaler {

using nlohmann::json;

// ---- delayed scale-down ----------------------------------------------------------------------

const DelayedScaleDown::VertexEntry& DelayedScaleDown::trigger(const VertexId& vertex, Instant t, int parallelism,
                                                              bool outside) {
    auto [it, inserted] = vertices.try_emplace(vertex);
    if (inserted) it->second.first_trigger_time = t;
    auto& queue = it->second.recommendations;
    while (!queue.empty() && queue.back().parallelism <= parallelism) queue.pop_back();
    queue.push_back({t, parallelism, outside});
    updated = true;
    return it->second;
}

DelayedScaleDown::Recommendation DelayedScaleDown::max_recommended(const VertexId& vertex, Instant start) {
    auto& queue = vertices.at(vertex).recommendations;
    const auto first_kept = std::find_if(queue.begin(), queue.end(), [&](const auto& r) { return r.trigger_time >= start; });
    if (first_kept != queue.begin()) {
        queue.erase(queue.begin(), first_kept);
        updated = true;
    }
    return queue.front();  // the recommendation of this cycle is always kept (its time is >= start)
}

void DelayedScaleDown::clear_vertex(const VertexId& vertex) {
    if (vertices.erase(vertex) > 0) updated = true;
}

void DelayedScaleDown::clear_all() {
    if (!vertices.empty()) updated = true;
    vertices.clear();
}

// ---- retention -------------------------------------------------------------------------------

bool trim_scaling_history(ScalingHistory& history, const AutoscalerOptions& options, Instant now) {
    bool dropped = false;
    const Instant oldest_kept = now - options.history_max_age;
    for (auto it = history.begin(); it != history.end();) {
        auto& entries = it->second;
        const auto first_young = entries.lower_bound(oldest_kept);
        if (first_young != entries.begin()) {
            entries.erase(entries.begin(), first_young);
            dropped = true;
        }
        while (static_cast<long>(entries.size()) > std::max(0, options.history_max_count)) {
            entries.erase(entries.begin());
            dropped = true;
        }
        if (entries.empty()) {
            it = history.erase(it);
            dropped = true;
        } else {
            ++it;
        }
    }
    return dropped;
}

void trim_scaling_tracking(ScalingTracking& tracking, const AutoscalerOptions& options, Instant now) {
    auto& records = tracking.records;
    const Instant oldest_kept = now - options.history_max_age;
    while (records.size() > 1 && records.begin()->first < oldest_kept) records.erase(records.begin());
    while (records.size() > 1 && static_cast<long>(records.size()) > options.history_max_count)
        records.erase(records.begin());
}

Seconds effective_restart_time(const ScalingTracking& tracking, const AutoscalerOptions& options) {
    const Seconds configured = whole_seconds(options.restart_time);
    if (!options.restart_time_tracking_enabled) return configured;
    std::optional<Seconds> longest;
    for (const auto& [start, duration] : tracking.records) {
        if (!duration) continue;
        const Seconds s = whole_seconds(*duration);
        if (!longest || s > *longest) longest = s;
    }
    if (!longest) return configured;
    return std::min(*longest, whole_seconds(options.restart_time_tracking_limit));
}

// ---- JSON writing ------------------------------------------------------------------------------

json double_to_json(double x) {
    if (is_nan(x)) return "NaN";
    if (is_infinite(x)) return x > 0 ? "Infinity" : "-Infinity";
    return x;
}

double double_from_json(const json& j) {
    if (j.is_number()) return j.get<double>();
    if (j.is_string()) {
        const auto& s = j.get_ref<const std::string&>();
        if (s == "NaN") return kNaN;
        if (s == "Infinity") return kInf;
        if (s == "-Infinity") return -kInf;
    }
    throw std::invalid_argument("expected a number or \"NaN\"/\"Infinity\"/\"-Infinity\", got " + j.dump());
}

namespace {

json metric_values_to_json(const MetricValues& values) {
    json out = json::object();
    for (const auto& [metric, value] : values) out[std::string(to_string(metric))] = double_to_json(value);
    return out;
}

}  // namespace

json to_json(const CollectedSample& s) {
    json vertices = json::object();
    for (const auto& [vertex, values] : s.vertex_metrics) vertices[vertex] = metric_values_to_json(values);
    return {{"vertexMetrics", vertices}, {"globalMetrics", metric_values_to_json(s.global_metrics)}};
}

json to_json(const MetricHistory& h) {
    json out = json::object();
    for (const auto& [ts, sample] : h) out[format_instant(ts)] = to_json(sample);
    return out;
}

json to_json(const EvaluatedVertexMetrics& m) {
    json out = json::object();
    for (const auto& [metric, value] : m)
        out[std::string(to_string(metric))] = {{"current", double_to_json(value.current)},
                                               {"average", double_to_json(value.average)}};
    return out;
}

json to_json(const ScalingHistory& h) {
    json out = json::object();
    for (const auto& [vertex, entries] : h) {
        json vertex_json = json::object();
        for (const auto& [ts, summary] : entries)
            vertex_json[format_instant(ts)] = {{"currentParallelism", summary.current_parallelism},
                                               {"newParallelism", summary.new_parallelism},
                                               {"metrics", to_json(summary.metrics)}};
        out[vertex] = vertex_json;
    }
    return out;
}

json to_json(const ScalingTracking& t) {
    json records = json::object();
    for (const auto& [ts, duration] : t.records)
        records[format_instant(ts)] = {{"restartDurationMs", duration ? json(duration->count()) : json(nullptr)}};
    return {{"scalingRecords", records}};
}

json to_json(const DelayedScaleDown& d) {
    json vertices = json::object();
    for (const auto& [vertex, entry] : d.vertices) {
        json queue = json::array();
        for (const auto& r : entry.recommendations)
            queue.push_back({{"triggerTime", format_instant(r.trigger_time)},
                             {"parallelism", r.parallelism},
                             {"outsideUtilizationBound", r.outside_utilization_bound}});
        vertices[vertex] = {{"firstTriggerTime", format_instant(entry.first_trigger_time)},
                            {"recommendedParallelisms", queue}};
    }
    return {{"delayedVertices", vertices}};
}

json to_json(const JobState& s) {
    json overrides = json::object();
    for (const auto& [vertex, p] : s.parallelism_overrides) overrides[vertex] = p;
    return {{"collectedMetrics", to_json(s.metric_history)},
            {"scalingHistory", to_json(s.scaling_history)},
            {"scalingTracking", to_json(s.scaling_tracking)},
            {"delayedScaleDown", to_json(s.delayed_scale_down)},
            {"parallelismOverrides", overrides}};
}

// ---- JSON reading ------------------------------------------------------------------------------

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw StateFormatError(path + ": " + problem);
}

const json& object_at(const json& j, const std::string& path) {
    if (!j.is_object()) fail(path, "expected an object, got " + std::string(j.type_name()));
    return j;
}

std::string child(const std::string& path, const std::string& key) { return path + "." + key; }

Instant instant_at(const std::string& text, const std::string& path) {
    try {
        return parse_instant(text);
    } catch (const std::invalid_argument& e) {
        fail(path, e.what());
    }
}

Instant instant_value(const json& j, const std::string& path) {
    if (j.is_number_integer()) return instant_from_epoch_ms(j.get<std::int64_t>());
    if (j.is_string()) return instant_at(j.get<std::string>(), path);
    fail(path, "expected a timestamp (ISO-8601 string or epoch milliseconds)");
}

double double_at(const json& j, const std::string& path) {
    try {
        return double_from_json(j);
    } catch (const std::invalid_argument& e) {
        fail(path, e.what());
    }
}

int int_at(const json& j, const std::string& path) {
    if (j.is_number_integer()) {
        const auto v = j.get<std::int64_t>();
        if (v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max()) return static_cast<int>(v);
    }
    if (j.is_string()) {  // the reference stores parallelism overrides as strings
        try {
            std::size_t used = 0;
            const std::string& s = j.get_ref<const std::string&>();
            const int v = std::stoi(s, &used);
            if (used == s.size()) return v;
        } catch (const std::exception&) {
        }
    }
    fail(path, "expected an integer, got " + j.dump());
}

const json& member(const json& j, const char* key, const std::string& path) {
    auto it = j.find(key);
    if (it == j.end()) fail(child(path, key), "missing");
    return *it;
}

ScalingMetric metric_at(const std::string& name, const std::string& path) {
    auto m = scaling_metric_from_string(name);
    if (!m) fail(path, "unknown metric name \"" + name + "\"");
    return *m;
}

MetricValues metric_values_from_json(const json& j, const std::string& path) {
    MetricValues values;
    for (const auto& [name, value] : object_at(j, path).items()) {
        const auto p = child(path, name);
        values[metric_at(name, p)] = double_at(value, p);
    }
    return values;
}

}  // namespace

CollectedSample collected_sample_from_json(const json& j, const std::string& path) {
    object_at(j, path);
    CollectedSample sample;
    if (auto it = j.find("vertexMetrics"); it != j.end()) {
        const auto vertices_path = child(path, "vertexMetrics");
        for (const auto& [vertex, values] : object_at(*it, vertices_path).items())
            sample.vertex_metrics[vertex] = metric_values_from_json(values, child(vertices_path, vertex));
    }
    if (auto it = j.find("globalMetrics"); it != j.end())
        sample.global_metrics = metric_values_from_json(*it, child(path, "globalMetrics"));
    return sample;
}

MetricHistory metric_history_from_json(const json& j, const std::string& path) {
    MetricHistory history;
    for (const auto& [ts, sample_json] : object_at(j, path).items()) {
        const auto p = child(path, ts);
        CollectedSample sample = collected_sample_from_json(sample_json, p);
        history[instant_at(ts, p)] = std::move(sample);
    }
    return history;
}

EvaluatedVertexMetrics evaluated_metrics_from_json(const json& j, const std::string& path) {
    EvaluatedVertexMetrics metrics;
    for (const auto& [name, value] : object_at(j, path).items()) {
        const auto p = child(path, name);
        object_at(value, p);
        const auto read = [&](const char* field) {
            auto it = value.find(field);
            return it == value.end() ? kNaN : double_at(*it, child(p, field));
        };
        metrics[metric_at(name, p)] = EvaluatedScalingMetric{read("current"), read("average")};
    }
    return metrics;
}

ScalingHistory scaling_history_from_json(const json& j, const std::string& path) {
    ScalingHistory history;
    for (const auto& [vertex, entries] : object_at(j, path).items()) {
        const auto vp = child(path, vertex);
        auto& vertex_history = history[vertex];
        for (const auto& [ts, entry] : object_at(entries, vp).items()) {
            const auto p = child(vp, ts);
            object_at(entry, p);
            ScalingSummary summary;
            summary.current_parallelism = int_at(member(entry, "currentParallelism", p), child(p, "currentParallelism"));
            summary.new_parallelism = int_at(member(entry, "newParallelism", p), child(p, "newParallelism"));
            if (auto it = entry.find("metrics"); it != entry.end())
                summary.metrics = evaluated_metrics_from_json(*it, child(p, "metrics"));
            vertex_history[instant_at(ts, p)] = std::move(summary);
        }
    }
    return history;
}

ScalingTracking scaling_tracking_from_json(const json& j, const std::string& path) {
    ScalingTracking tracking;
    const auto records_path = child(path, "scalingRecords");
    const json& records = member(object_at(j, path), "scalingRecords", path);
    for (const auto& [ts, record] : object_at(records, records_path).items()) {
        const auto p = child(records_path, ts);
        object_at(record, p);
        std::optional<Millis> duration;
        if (auto it = record.find("restartDurationMs"); it != record.end() && !it->is_null()) {
            if (!it->is_number_integer()) fail(child(p, "restartDurationMs"), "expected milliseconds as an integer");
            duration = Millis{it->get<std::int64_t>()};
        }
        tracking.records[instant_at(ts, p)] = duration;
    }
    return tracking;
}

DelayedScaleDown delayed_scale_down_from_json(const json& j, const std::string& path) {
    DelayedScaleDown delayed;
    const auto vertices_path = child(path, "delayedVertices");
    const json& vertices = member(object_at(j, path), "delayedVertices", path);
    for (const auto& [vertex, entry_json] : object_at(vertices, vertices_path).items()) {
        const auto p = child(vertices_path, vertex);
        object_at(entry_json, p);
        DelayedScaleDown::VertexEntry entry;
        entry.first_trigger_time = instant_value(member(entry_json, "firstTriggerTime", p), child(p, "firstTriggerTime"));
        const auto queue_path = child(p, "recommendedParallelisms");
        const json& queue = member(entry_json, "recommendedParallelisms", p);
        if (!queue.is_array()) fail(queue_path, "expected an array");
        for (std::size_t i = 0; i < queue.size(); ++i) {
            const auto rp = queue_path + "[" + std::to_string(i) + "]";
            const json& r = object_at(queue[i], rp);
            DelayedScaleDown::Recommendation rec;
            rec.trigger_time = instant_value(member(r, "triggerTime", rp), child(rp, "triggerTime"));
            rec.parallelism = int_at(member(r, "parallelism", rp), child(rp, "parallelism"));
            if (auto it = r.find("outsideUtilizationBound"); it != r.end()) {
                if (!it->is_boolean()) fail(child(rp, "outsideUtilizationBound"), "expected true or false");
                rec.outside_utilization_bound = it->get<bool>();
            }
            entry.recommendations.push_back(rec);
        }
        delayed.vertices[vertex] = std::move(entry);
    }
    return delayed;
}

std::map<VertexId, int> parallelism_overrides_from_json(const json& j, const std::string& path) {
    std::map<VertexId, int> overrides;
    for (const auto& [vertex, p] : object_at(j, path).items()) overrides[vertex] = int_at(p, child(path, vertex));
    return overrides;
}

JobState job_state_from_json(const json& j, const std::string& path) {
    JobState state;
    object_at(j, path);
    if (auto it = j.find("collectedMetrics"); it != j.end())
        state.metric_history = metric_history_from_json(*it, child(path, "collectedMetrics"));
    if (auto it = j.find("scalingHistory"); it != j.end())
        state.scaling_history = scaling_history_from_json(*it, child(path, "scalingHistory"));
    if (auto it = j.find("scalingTracking"); it != j.end())
        state.scaling_tracking = scaling_tracking_from_json(*it, child(path, "scalingTracking"));
    if (auto it = j.find("delayedScaleDown"); it != j.end())
        state.delayed_scale_down = delayed_scale_down_from_json(*it, child(path, "delayedScaleDown"));
    if (auto it = j.find("parallelismOverrides"); it != j.end())
        state.parallelism_overrides = parallelism_overrides_from_json(*it, child(path, "parallelismOverrides"));
    return state;
}

}  // namespace flinkscaler
