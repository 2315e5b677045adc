// SPDX-License-Identifier: Apache-2.0
#include "flink/responses.hpp"

#include "http/json_body.hpp"

#include "flinkscaler/config_values.hpp"
#include "flinkscaler/json_cursor.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdint>
#include <limits>
#include <system_error>
#include <utility>

namespace flinkscaler::flink {

namespace {

using nlohmann::json;
using Node = JsonCursor<ResponseError>;

/// Parses a response body; `path` is where the text sits ("$", or "$.plan" for a plan given as
/// a string).
json parse_json(std::string_view body, const std::string& path) {
    return http::parse_json_body<ResponseError>(body, path);
}

/// An optional member: absent when missing or null. The node itself must be an object.
std::optional<Node> present(const Node& node, const char* key) {
    node.require_object();
    auto it = node.value().find(key);
    if (it == node.value().end() || it->is_null()) return std::nullopt;
    return node.at(key);
}

/// A Java long (epoch milliseconds, durations).
std::int64_t int64_of(const Node& node) {
    const json& v = node.value();
    if (v.is_number_unsigned()) {
        if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            node.fail("integer out of range");
        return static_cast<std::int64_t>(v.get<std::uint64_t>());
    }
    if (v.is_number_integer()) return v.get<std::int64_t>();
    node.fail("expected an integer, got " + v.dump());
}

FlinkVersion version_of(const Node& root) { return parse_flink_version(root.at("flink-version").string()); }

VertexDetails parse_vertex(const Node& node) {
    VertexDetails v;
    v.id = node.at("id").string();
    v.name = node.at("name").string();
    v.parallelism = node.at("parallelism").integer();
    v.max_parallelism = node.at("maxParallelism").integer();
    v.status = node.at("status").string();
    if (auto group = present(node, "slotSharingGroupId")) v.slot_sharing_group = group->string();
    if (auto metrics = present(node, "metrics")) {
        if (auto in = present(*metrics, "read-records")) v.io.num_records_in = in->number();
        if (auto out = present(*metrics, "write-records")) v.io.num_records_out = out->number();
        if (auto busy = present(*metrics, "accumulated-busy-time")) v.io.accumulated_busy_time = busy->number();
        // A partial sum (some subtasks not in the JobManager's metric store yet) must not reach the
        // metric window; the core gates such a sample (flinkscaler/sample_gates.hpp).
        if (auto complete = present(*metrics, "read-records-complete")) v.io.num_records_in_complete = complete->boolean();
        if (auto complete = present(*metrics, "write-records-complete"))
            v.io.num_records_out_complete = complete->boolean();
    }
    return v;
}

std::vector<PlanNode> parse_plan(const Node& plan) {
    // 1.x embeds the plan as raw JSON; a client that kept it as text (as the Java one does) or a
    // placeholder graph may give a string, possibly empty.
    if (plan.value().is_string()) {
        const std::string text = plan.string();
        if (text.find_first_not_of(" \t\r\n") == std::string::npos) return {};
        const json inner = parse_json(text, plan.path());
        return parse_plan(Node(inner, plan.path()));
    }
    std::vector<PlanNode> nodes;
    auto list = present(plan, "nodes");
    if (!list) return nodes;
    for (const auto& n : list->elements()) {
        PlanNode node;
        node.id = n.at("id").string();
        node.parallelism = n.at("parallelism").integer();
        if (auto inputs = present(n, "inputs"))
            for (const auto& input : inputs->elements())
                node.inputs.emplace_back(input.at("id").string(), input.at("ship_strategy").string());
        nodes.push_back(std::move(node));
    }
    return nodes;
}

}  // namespace

FlinkVersion parse_flink_version(std::string_view text) {
    FlinkVersion version;
    version.text = std::string(text);
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t i = 0;
    while (i < text.size() && !is_digit(text[i])) ++i;
    const auto read_number = [&](int& out) {
        const std::size_t start = i;
        while (i < text.size() && is_digit(text[i])) ++i;
        const auto [end, ec] = std::from_chars(text.data() + start, text.data() + i, out);
        return ec == std::errc{} && end == text.data() + i;
    };
    int major = 0;
    int minor = 0;
    if (i == text.size() || !read_number(major)) return version;
    if (i + 1 < text.size() && text[i] == '.' && is_digit(text[i + 1])) {
        ++i;
        if (!read_number(minor)) return version;
    }
    version.major = major;
    version.minor = minor;
    return version;
}

DashboardConfig parse_dashboard_config(std::string_view body) {
    const json document = parse_json(body, "$");
    const Node root(document, "$");
    DashboardConfig config;
    config.version = version_of(root);
    if (auto refresh = present(root, "refresh-interval")) config.refresh_interval_ms = int64_of(*refresh);
    return config;
}

ClusterOverview parse_cluster_overview(std::string_view body) {
    const json document = parse_json(body, "$");
    const Node root(document, "$");
    ClusterOverview overview;
    overview.version = version_of(root);
    overview.task_managers = root.at("taskmanagers").integer();
    overview.slots_total = root.at("slots-total").integer();
    overview.slots_available = root.at("slots-available").integer();
    return overview;
}

std::string JobOverview::effective_state() const {
    if (state == "RUNNING" && tasks_total != tasks_running + tasks_finished) return "CREATED";
    return state;
}

std::vector<JobOverview> parse_jobs_overview(std::string_view body) {
    const json document = parse_json(body, "$");
    const Node root(document, "$");
    std::vector<JobOverview> jobs;
    for (const auto& entry : root.at("jobs").elements()) {
        JobOverview job;
        job.id = entry.at("jid").string();
        job.name = entry.at("name").string();
        job.state = entry.at("state").string();
        const Node tasks = entry.at("tasks");
        job.tasks_total = tasks.at("total").integer();
        job.tasks_running = tasks.at("running").integer();
        job.tasks_finished = tasks.at("finished").integer();
        jobs.push_back(std::move(job));
    }
    return jobs;
}

JobDetails parse_job_details(std::string_view body) {
    const json document = parse_json(body, "$");
    const Node root(document, "$");
    JobDetails details;
    details.id = root.at("jid").string();
    details.name = root.at("name").string();
    details.state = root.at("state").string();
    if (auto timestamps = present(root, "timestamps")) {
        if (auto running = present(*timestamps, "RUNNING")) {
            const std::int64_t ms = int64_of(*running);
            if (ms > 0) details.running_since = instant_from_epoch_ms(ms);
        }
    }
    if (auto vertices = present(root, "vertices"))
        for (const auto& vertex : vertices->elements()) details.vertices.push_back(parse_vertex(vertex));
    if (auto plan = present(root, "plan")) details.plan = parse_plan(*plan);
    return details;
}

std::map<VertexId, IoCounters> JobDetails::io_counters() const {
    std::map<VertexId, IoCounters> counters;
    for (const auto& vertex : vertices)
        counters[vertex.id] = vertex.status == "FINISHED" ? IoCounters{0.0, 0.0, 0.0} : vertex.io;
    return counters;
}

Configuration parse_jobmanager_config(std::string_view body) {
    const json document = parse_json(body, "$");
    const Node root(document, "$");
    Configuration conf;
    for (const auto& entry : root.elements()) conf[entry.at("key").string()] = entry.at("value").option_value();
    return conf;
}

std::vector<std::string> parse_metric_names(std::string_view body) {
    const json document = parse_json(body, "$");
    const Node root(document, "$");
    std::vector<std::string> names;
    for (const auto& entry : root.elements()) names.push_back(entry.at("id").string());
    return names;
}

std::map<std::string, AggregatedMetric> parse_aggregated_metrics(std::string_view body) {
    const json document = parse_json(body, "$");
    const Node root(document, "$");
    std::map<std::string, AggregatedMetric> metrics;
    for (const auto& entry : root.elements()) {
        AggregatedMetric metric;
        if (auto min = present(entry, "min")) metric.min = min->number();
        if (auto max = present(entry, "max")) metric.max = max->number();
        if (auto avg = present(entry, "avg")) metric.avg = avg->number();
        if (auto sum = present(entry, "sum")) metric.sum = sum->number();
        metrics[entry.at("id").string()] = metric;
    }
    return metrics;
}

std::map<std::string, double> parse_metric_values(std::string_view body) {
    const json document = parse_json(body, "$");
    const Node root(document, "$");
    std::map<std::string, double> values;
    for (const auto& entry : root.elements()) {
        const std::string id = entry.at("id").string();
        const Node value = entry.at("value");
        std::optional<double> number;
        if (value.value().is_string())
            number = try_parse_java_double(value.value().get_ref<const std::string&>());
        else if (value.value().is_number())
            number = value.number();
        if (number) values[id] = *number;
    }
    return values;
}

std::vector<std::string> parse_error_messages(std::string_view body) {
    const json document = json::parse(body.begin(), body.end(), nullptr, false);
    std::vector<std::string> messages;
    if (document.is_discarded() || !document.is_object()) return messages;
    auto errors = document.find("errors");
    if (errors == document.end() || !errors->is_array()) return messages;
    for (const auto& error : *errors)
        if (error.is_string()) messages.push_back(error.get<std::string>());
    return messages;
}

}  // namespace flinkscaler::flink
