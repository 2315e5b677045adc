// SPDX-License-Identifier: Apache-2.0
#include "sim/rest/yaml_field.hpp"

#include "flinkscaler/config_values.hpp"
#include "flinkscaler/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <span>

namespace flinkscaler::sim {

namespace {

using flinkscaler::to_lower;

/// "12.5" -> 12.5 with the whole text consumed; nullopt otherwise.
std::optional<double> parse_double(const std::string& text) {
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

/// Split "500ms" into (500, "ms").
std::optional<std::pair<double, std::string>> number_with_unit(std::string text) {
    text.erase(std::remove_if(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }), text.end());
    std::size_t split = text.size();
    while (split > 0 && std::isalpha(static_cast<unsigned char>(text[split - 1]))) --split;
    const auto number = parse_double(text.substr(0, split));
    if (!number) return std::nullopt;
    return std::pair{*number, to_lower(text.substr(split))};
}

}  // namespace

ScenarioError::ScenarioError(std::string file_, int line_, int column_, std::string key_, const std::string& message)
    : std::runtime_error(file_ + (line_ > 0 ? ":" + std::to_string(line_) + ":" + std::to_string(column_) : "") + ": " +
                         (key_.empty() ? "" : "key '" + key_ + "': ") + message),
      file(std::move(file_)),
      line(line_),
      column(column_),
      key(std::move(key_)) {}

YAML::Mark YamlField::mark() const {
    if (node_.IsDefined() && !node_.IsNull()) {
        const auto m = node_.Mark();
        if (m.line >= 0) return m;
    }
    return fallback_;
}

void YamlField::fail(const std::string& message) const {
    const auto m = mark();
    throw ScenarioError(file_ ? *file_ : "<scenario>", m.line >= 0 ? m.line + 1 : 0, m.line >= 0 ? m.column + 1 : 0,
                        path_, message);
}

void YamlField::expect_map(std::initializer_list<std::string_view> allowed) const {
    if (!node_.IsMap()) fail("expected a mapping");
    for (auto it = node_.begin(); it != node_.end(); ++it) {
        const std::string key = it->first.Scalar();
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
        const std::string hint(
            flinkscaler::closest_match(key, std::span<const std::string_view>(allowed.begin(), allowed.size()))
                .value_or(""));
        const std::string full = path_.empty() ? key : path_ + "." + key;
        const auto m = it->first.Mark();
        throw ScenarioError(file_ ? *file_ : "<scenario>", m.line + 1, m.column + 1, full,
                            "unknown key" + (hint.empty() ? std::string() : " (did you mean '" + hint + "'?)"));
    }
}

std::optional<YamlField> YamlField::get(std::string_view key) const {
    if (!node_.IsMap()) fail("expected a mapping");
    const std::string k(key);
    const YAML::Node child = node_[k];
    if (!child.IsDefined()) return std::nullopt;
    return YamlField(child, path_.empty() ? k : path_ + "." + k, file_, mark());
}

YamlField YamlField::required(std::string_view key) const {
    auto child = get(key);
    if (!child || child->node().IsNull()) fail("missing key '" + std::string(key) + "'");
    return *child;
}

std::vector<YamlField> YamlField::items() const {
    if (!node_.IsSequence()) fail("expected a list");
    std::vector<YamlField> out;
    for (std::size_t i = 0; i < node_.size(); ++i)
        out.emplace_back(node_[i], path_ + "[" + std::to_string(i) + "]", file_, mark());
    return out;
}

std::vector<std::pair<std::string, YamlField>> YamlField::entries() const {
    if (!node_.IsMap()) fail("expected a mapping");
    std::vector<std::pair<std::string, YamlField>> out;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
        const std::string key = it->first.Scalar();
        out.emplace_back(key, YamlField(it->second, path_.empty() ? key : path_ + "." + key, file_, it->first.Mark()));
    }
    return out;
}

std::string YamlField::as_string() const {
    if (!node_.IsScalar()) fail("expected a single value");
    return node_.Scalar();
}

double YamlField::as_number(double min, double max) const {
    const auto v = parse_double(as_string());
    if (!v) fail("expected a number, got '" + as_string() + "'");
    if (*v < min || *v > max) {
        std::string range = "expected a number";
        if (min > -std::numeric_limits<double>::max()) range += " >= " + std::to_string(min);
        if (max < std::numeric_limits<double>::max()) range += " <= " + std::to_string(max);
        fail(range + ", got " + as_string());
    }
    return *v;
}

int YamlField::as_int(int min, int max) const {
    const double v = as_number(min, max);
    if (v != std::floor(v)) fail("expected a whole number, got " + as_string());
    return static_cast<int>(v);
}

std::uint64_t YamlField::as_uint64() const {
    const std::string text = as_string();
    char* end = nullptr;
    const auto v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || end != text.c_str() + text.size() || text[0] == '-')
        fail("expected a non-negative whole number, got '" + text + "'");
    return v;
}

bool YamlField::as_bool() const {
    const std::string v = to_lower(as_string());
    if (v == "true" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "no" || v == "off") return false;
    fail("expected true or false, got '" + as_string() + "'");
}

double YamlField::as_duration(double min_s) const {
    const auto parsed = number_with_unit(as_string());
    if (!parsed) fail("expected a duration such as 30s, 500ms, 5m, 1h or a number of seconds, got '" + as_string() + "'");
    const auto& [value, unit] = *parsed;
    double factor = 0;
    if (unit.empty() || unit == "s" || unit == "sec") factor = 1;
    else if (unit == "ms") factor = 0.001;
    else if (unit == "m" || unit == "min") factor = 60;
    else if (unit == "h") factor = 3600;
    else if (unit == "d") factor = 86400;
    else fail("unknown duration unit '" + unit + "' (use ms, s, m, h or d)");
    const double seconds = value * factor;
    if (seconds < min_s) fail("must not be below " + std::to_string(min_s) + " s, got " + as_string());
    return seconds;
}

double YamlField::as_bytes() const {
    const auto parsed = number_with_unit(as_string());
    if (!parsed) fail("expected a size such as 512MiB or a number of bytes, got '" + as_string() + "'");
    const auto& [value, unit] = *parsed;
    double factor = 0;
    if (unit.empty() || unit == "b") factor = 1;
    else if (unit == "k" || unit == "kb" || unit == "kib") factor = 1024;
    else if (unit == "m" || unit == "mb" || unit == "mib") factor = 1024.0 * 1024;
    else if (unit == "g" || unit == "gb" || unit == "gib") factor = 1024.0 * 1024 * 1024;
    else fail("unknown size unit '" + unit + "' (use b, kib, mib or gib)");
    if (value <= 0) fail("must be positive, got " + as_string());
    return value * factor;
}

std::string YamlField::as_choice(std::initializer_list<std::string_view> choices) const {
    const std::string v = to_lower(as_string());
    for (const auto c : choices)
        if (v == to_lower(c)) return std::string(c);
    std::string list;
    for (const auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
    fail("expected one of " + list + ", got '" + as_string() + "'");
}

}  // namespace flinkscaler::sim
