// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/report.hpp"

#include "flinkscaler/job_state.hpp"
#include "flinkscaler/numeric.hpp"

#include <algorithm>
#include <charconv>

namespace flinkscaler {

using M = ScalingMetric;
using nlohmann::json;

std::string scaling_disabled_header(const std::string& key_value) {
    return "Scaling execution disabled by config " + key_value + ", recommended parallelism change:";
}

std::string reference_report_message(std::string_view header, const std::map<VertexId, ScalingSummary>& summaries) {
    std::string message(header);
    char b1[64], b2[64], b3[64];
    for (const auto& [vertex, s] : summaries) {
        message += "{ Vertex ID " + vertex + " | Parallelism " + std::to_string(s.current_parallelism) + " -> " +
                   std::to_string(s.new_parallelism) + " | Processing capacity " +
                   std::string(format_2_decimals(average_of(s.metrics, M::TRUE_PROCESSING_RATE), b1)) + " -> " +
                   std::string(format_2_decimals(current_of(s.metrics, M::EXPECTED_PROCESSING_RATE), b2)) +
                   " | Target data rate " +
                   std::string(format_2_decimals(average_of(s.metrics, M::TARGET_DATA_RATE), b3)) + "}";
    }
    return message;
}

namespace {

// Compact number for the table: integers plainly, others with up to 2 decimals, k/M suffixes
// would hide digits operators compare, so none are used.
std::string cell(double x) {
    if (is_nan(x)) return "-";
    if (is_infinite(x)) return x > 0 ? "inf" : "-inf";
    char buffer[64];
    return std::string(format_2_decimals(x, buffer));
}

std::string pad(const std::string& s, std::size_t width, bool right) {
    if (s.size() >= width) return s;
    const std::string fill(width - s.size(), ' ');
    return right ? fill + s : s + fill;
}

const EvaluatedVertexMetrics& metrics_of(const EvaluatedMetrics& evaluated, const VertexId& vertex) {
    static const EvaluatedVertexMetrics kEmpty;
    auto it = evaluated.vertex_metrics.find(vertex);
    return it == evaluated.vertex_metrics.end() ? kEmpty : it->second;
}

}  // namespace

std::string render_report_table(const EvaluatedMetrics& evaluated, const ScalingDecision& decision,
                                const JobTopology* topology) {
    std::vector<const VertexVerdict*> ordered;
    for (const auto& v : decision.vertices) ordered.push_back(&v);
    if (topology != nullptr) {
        const auto& order = topology->topological_order();
        const auto rank = [&](const VertexVerdict* v) {
            return std::find(order.begin(), order.end(), v->vertex) - order.begin();
        };
        std::stable_sort(ordered.begin(), ordered.end(), [&](auto a, auto b) { return rank(a) < rank(b); });
    }
    const auto label = [&](const VertexId& id) {
        const VertexInfo* info = topology != nullptr ? topology->find(id) : nullptr;
        return info != nullptr && !info->name.empty() ? info->name + " (" + id.substr(0, 8) + ")" : id;
    };
    const std::vector<std::string> header{"vertex", "parallelism", "load", "true rate", "target rate", "expected",
                                          "lag", "catch-up", "up thr", "down thr", "out", "reason"};
    std::vector<std::vector<std::string>> rows;
    for (const VertexVerdict* verdict : ordered) {
        const VertexVerdict& v = *verdict;
        const auto& m = metrics_of(evaluated, v.vertex);
        const std::string parallelism =
            v.new_parallelism == v.current_parallelism
                ? std::to_string(v.current_parallelism)
                : std::to_string(v.current_parallelism) + " -> " + std::to_string(v.new_parallelism);
        rows.push_back({label(v.vertex), parallelism, cell(average_of(m, M::LOAD)),
                        cell(average_of(m, M::TRUE_PROCESSING_RATE)), cell(average_of(m, M::TARGET_DATA_RATE)),
                        cell(current_of(m, M::EXPECTED_PROCESSING_RATE)), cell(current_of(m, M::LAG)),
                        cell(current_of(m, M::CATCH_UP_DATA_RATE)), cell(current_of(m, M::SCALE_UP_RATE_THRESHOLD)),
                        cell(current_of(m, M::SCALE_DOWN_RATE_THRESHOLD)),
                        v.excluded ? "excl" : (v.outside_utilization_bound ? "yes" : "no"), v.reason});
    }
    std::vector<std::size_t> widths(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) {
        widths[c] = header[c].size();
        for (const auto& row : rows) widths[c] = std::max(widths[c], row[c].size());
    }
    const auto line = [&](const std::vector<std::string>& row) {
        std::string out;
        for (std::size_t c = 0; c < row.size(); ++c) {
            const bool numeric = c >= 2 && c <= 9;
            const bool last = c + 1 == row.size();
            out += last ? row[c] : pad(row[c], widths[c], numeric);
            if (!last) out += "  ";
        }
        return out + "\n";
    };
    std::string table = "decision: " + std::string(to_string(decision.outcome)) + " (" + decision.reason + ")" +
                        (evaluated.processing_backlog ? ", processing backlog" : "") + "\n";
    table += line(header);
    for (const auto& row : rows) table += line(row);
    return table;
}

json evaluated_metrics_json(const EvaluatedMetrics& evaluated) {
    json vertices = json::object();
    for (const auto& [vertex, metrics] : evaluated.vertex_metrics) vertices[vertex] = to_json(metrics);
    return {{"processingBacklog", evaluated.processing_backlog},
            {"vertices", vertices},
            {"global", to_json(evaluated.global_metrics)}};
}

json report_json(const EvaluatedMetrics& evaluated, const ScalingDecision& decision) {
    json vertices = json::array();
    for (const auto& v : decision.vertices) {
        const auto& m = metrics_of(evaluated, v.vertex);
        vertices.push_back({{"vertex", v.vertex},
                            {"currentParallelism", v.current_parallelism},
                            {"newParallelism", v.new_parallelism},
                            {"outsideUtilizationBound", v.outside_utilization_bound},
                            {"excluded", v.excluded},
                            {"reason", v.reason},
                            {"load", double_to_json(average_of(m, M::LOAD))},
                            {"trueProcessingRate", double_to_json(average_of(m, M::TRUE_PROCESSING_RATE))},
                            {"targetDataRate", double_to_json(average_of(m, M::TARGET_DATA_RATE))},
                            {"expectedProcessingRate", double_to_json(current_of(m, M::EXPECTED_PROCESSING_RATE))},
                            {"lag", double_to_json(current_of(m, M::LAG))},
                            {"catchUpDataRate", double_to_json(current_of(m, M::CATCH_UP_DATA_RATE))},
                            {"scaleUpRateThreshold", double_to_json(current_of(m, M::SCALE_UP_RATE_THRESHOLD))},
                            {"scaleDownRateThreshold", double_to_json(current_of(m, M::SCALE_DOWN_RATE_THRESHOLD))}});
    }
    json events = json::array();
    for (const auto& e : decision.events)
        events.push_back({{"type", std::string(to_string(e.type))}, {"reason", e.reason}, {"message", e.message}});
    return {{"outcome", std::string(to_string(decision.outcome))},
            {"reason", decision.reason},
            {"processingBacklog", evaluated.processing_backlog},
            {"vertices", vertices},
            {"events", events}};
}

}  // namespace flinkscaler
