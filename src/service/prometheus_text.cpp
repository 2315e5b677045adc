// SPDX-License-Identifier: Apache-2.0
#include "service/prometheus_text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace flinkscaler::service::prometheus {

namespace {

/// Label values may hold any UTF-8; the format reserves backslash, double quote and newline.
void append_escaped_label_value(std::string& out, std::string_view value) {
    for (const char c : value) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            default: out += c;
        }
    }
}

/// HELP text escapes only backslash and newline (a quote is literal there).
void append_escaped_help(std::string& out, std::string_view text) {
    for (const char c : text) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            default: out += c;
        }
    }
}

}  // namespace

std::string_view to_string(MetricType type) {
    switch (type) {
        case MetricType::Counter: return "counter";
        case MetricType::Gauge: return "gauge";
        case MetricType::Histogram: return "histogram";
    }
    return "untyped";
}

std::string format_value(double value) {
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    if (std::isnan(value)) return "NaN";
    std::array<char, 64> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

FamilyText::FamilyText(std::string name, MetricType type, std::string_view help) : name_(std::move(name)) {
    text_ += "# HELP ";
    text_ += name_;
    text_ += ' ';
    append_escaped_help(text_, help);
    text_ += "\n# TYPE ";
    text_ += name_;
    text_ += ' ';
    text_ += to_string(type);
    text_ += '\n';
}

void FamilyText::sample(std::string_view suffix, const Labels& labels, std::string_view value) {
    text_ += name_;
    text_ += suffix;
    if (!labels.empty()) {
        text_ += '{';
        bool first = true;
        for (const auto& [label, label_value] : labels) {
            if (!first) text_ += ',';
            first = false;
            text_ += label;
            text_ += "=\"";
            append_escaped_label_value(text_, label_value);
            text_ += '"';
        }
        text_ += '}';
    }
    text_ += ' ';
    text_ += value;
    text_ += '\n';
}

std::string exposition(std::vector<FamilyText> families) {
    std::sort(families.begin(), families.end(),
              [](const FamilyText& a, const FamilyText& b) { return a.name() < b.name(); });
    std::size_t size = 0;
    for (const auto& f : families) size += f.text().size();
    std::string out;
    out.reserve(size);
    for (const auto& f : families) out += f.text();
    return out;
}

}  // namespace flinkscaler::service::prometheus
