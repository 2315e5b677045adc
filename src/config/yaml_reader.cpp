// SPDX-License-Identifier: Apache-2.0
#include "config/yaml_reader.hpp"

#include "flinkscaler/config_values.hpp"
#include "flinkscaler/text.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace flinkscaler::config::yaml {

namespace {

bool is_quoted(const YAML::Node& node) {
    // yaml-cpp tags a quoted scalar "!" (non-specific) and a plain one "?"; an explicit tag such
    // as "!!str 5" also means "not a plain number".
    return node.IsScalar() && node.Tag() != "?";
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The position to report for a value: its own for a scalar, its key's otherwise (see header).
YAML::Mark value_mark(const YAML::Node& value, const YAML::Mark& key_mark) {
    if (value.IsScalar()) {
        const auto m = value.Mark();
        if (m.line >= 0) return m;
    }
    return key_mark;
}

// The parser's message, plus examples unless it already lists what it expected.
std::string with_examples(const std::string& message, const std::string& examples) {
    if (!message.empty() && message.back() == ')') return message;
    return message + " (examples: " + examples + ")";
}

}  // namespace

void Problems::add(int line, int column, std::string key, std::string message) {
    problems_.push_back({file_, line, column, std::move(key), std::move(message)});
}

void Problems::add(const YAML::Mark& mark, std::string key, std::string message) {
    add(mark.line >= 0 ? mark.line + 1 : 0, mark.line >= 0 ? mark.column + 1 : 0, std::move(key), std::move(message));
}

std::vector<ConfigProblem> Problems::sorted() const {
    std::vector<ConfigProblem> out = problems_;
    std::stable_sort(out.begin(), out.end(), [](const ConfigProblem& a, const ConfigProblem& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    std::vector<ConfigProblem> unique;
    for (auto& p : out) {
        const bool seen = std::any_of(unique.begin(), unique.end(), [&](const ConfigProblem& q) {
            return q.line == p.line && q.column == p.column && q.key == p.key && q.message == p.message;
        });
        if (!seen) unique.push_back(std::move(p));
    }
    return unique;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
    const auto best = closest_match(word, candidates);
    return best ? " (did you mean '" + std::string(*best) + "'?)" : std::string();
}

void Node::problem(const std::string& message) const { problems_->add(mark_, path_, message); }

void Node::missing(std::string_view key) const { problems_->add(mark_, child_path(key), "is required"); }

std::string Node::describe() const {
    if (is_null()) return "no value";
    if (node_.IsMap()) return "a mapping";
    if (node_.IsSequence()) return "a list";
    return (is_quoted(node_) ? "the quoted text \"" : "\"") + node_.Scalar() + "\"";
}

std::string Node::child_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool Node::expect_any_map(bool allow_null) const {
    if (is_null() && allow_null) return false;
    if (!node_.IsMap()) {
        problem("expected a mapping, got " + describe());
        return false;
    }
    for (auto it = node_.begin(); it != node_.end(); ++it)
        if (!it->first.IsScalar())
            problems_->add(it->first.Mark(), path_, "a key must be a single value, got a mapping or a list");
    std::map<std::string, int> first_line;
    for (const auto& entry : entries()) {
        const int line = entry.key_mark.line + 1;
        const auto [it, inserted] = first_line.emplace(entry.key, line);
        if (!inserted)
            problems_->add(entry.key_mark, child_path(entry.key),
                           "given twice (first at line " + std::to_string(it->second) + ")");
    }
    return true;
}

bool Node::expect_map(std::span<const std::string_view> allowed, bool allow_null) const {
    if (!expect_any_map(allow_null)) return false;
    for (const auto& entry : entries()) {
        if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) continue;
        problems_->add(entry.key_mark, child_path(entry.key), "unknown key" + did_you_mean(entry.key, allowed));
    }
    return true;
}

std::optional<Node> Node::get(std::string_view key) const {
    if (!node_.IsMap()) return std::nullopt;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
        if (!it->first.IsScalar() || it->first.Scalar() != key) continue;
        return Node(it->second, child_path(key), value_mark(it->second, it->first.Mark()), problems_);
    }
    return std::nullopt;
}

std::optional<Node> Node::required(std::string_view key) const {
    auto child = get(key);
    if (!child) {
        if (node_.IsMap()) missing(key);
        return std::nullopt;
    }
    if (child->is_null()) {
        child->problem("is required but has no value");
        return std::nullopt;
    }
    return child;
}

std::optional<std::vector<Node>> Node::items(bool allow_null) const {
    if (is_null() && allow_null) return std::vector<Node>{};
    if (!node_.IsSequence()) {
        problem("expected a list, got " + describe());
        return std::nullopt;
    }
    std::vector<Node> out;
    for (std::size_t i = 0; i < node_.size(); ++i) {
        const YAML::Node item = node_[i];
        const auto m = item.Mark();
        out.emplace_back(item, path_ + "[" + std::to_string(i) + "]", m.line >= 0 ? m : mark_, problems_);
    }
    return out;
}

std::vector<Entry> Node::entries() const {
    std::vector<Entry> out;
    if (!node_.IsMap()) return out;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
        if (!it->first.IsScalar()) continue;  // reported by expect_any_map
        const std::string key = it->first.Scalar();
        out.push_back({key, it->first.Mark(),
                       Node(it->second, child_path(key), value_mark(it->second, it->first.Mark()), problems_)});
    }
    return out;
}

std::optional<std::string> Node::text() const {
    if (is_null() || !node_.IsScalar()) {
        problem("expected a single value, got " + describe());
        return std::nullopt;
    }
    return node_.Scalar();
}

std::optional<bool> Node::boolean() const {
    if (node_.IsScalar() && !is_quoted(node_)) {
        const std::string& v = node_.Scalar();
        if (v == "true" || v == "True" || v == "TRUE") return true;
        if (v == "false" || v == "False" || v == "FALSE") return false;
    }
    problem("expected true or false, got " + describe());
    return std::nullopt;
}

std::optional<int> Node::integer(int min, int max) const {
    const std::string range = std::to_string(min) + ".." + std::to_string(max);
    if (!node_.IsScalar() || is_quoted(node_)) {
        problem("expected a whole number in " + range + ", got " + describe());
        return std::nullopt;
    }
    int value = 0;
    try {
        value = parse_int(node_.Scalar());
    } catch (const ValueError&) {
        problem("expected a whole number in " + range + ", got " + describe());
        return std::nullopt;
    }
    if (value < min || value > max) {
        problem("must lie in " + range + ", got " + node_.Scalar());
        return std::nullopt;
    }
    return value;
}

std::optional<Millis> Node::duration(Millis min) const {
    const auto value = text();
    if (!value) return std::nullopt;
    Millis parsed{0};
    try {
        parsed = parse_duration(*value);
    } catch (const ValueError& e) {
        problem(with_examples(e.what(), "30 s, 5 min, 1 h, 7 d"));
        return std::nullopt;
    }
    if (parsed < min) {
        // A bare number is milliseconds in Flink; say so, it is the usual cause of "10" being too small.
        problem("must be at least " + format_duration(min) + ", got " + format_duration(parsed) +
                (all_digits(*value) ? " (a number without a unit is milliseconds, as in Flink)" : ""));
        return std::nullopt;
    }
    return parsed;
}

std::optional<std::int64_t> Node::memory_size(std::int64_t min) const {
    const auto value = text();
    if (!value) return std::nullopt;
    std::int64_t parsed = 0;
    try {
        parsed = parse_memory_size(*value);
    } catch (const ValueError& e) {
        problem(with_examples(e.what(), "512 kb, 64 mb, 1 gb"));
        return std::nullopt;
    }
    if (parsed < min) {
        problem("must be at least " + std::to_string(min) + " bytes, got " + std::to_string(parsed) +
                (all_digits(*value) ? " (a number without a unit is bytes, as in Flink)" : ""));
        return std::nullopt;
    }
    return parsed;
}

std::optional<std::string> Node::one_of(std::span<const std::string_view> choices) const {
    std::string list;
    for (const auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
    if (node_.IsScalar()) {
        for (const auto c : choices)
            if (node_.Scalar() == c) return std::string(c);
        problem("expected one of " + list + ", got " + describe() + did_you_mean(node_.Scalar(), choices));
        return std::nullopt;
    }
    problem("expected one of " + list + ", got " + describe());
    return std::nullopt;
}

std::optional<Node> parse_document(const std::string& text, Problems& problems) {
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
        problems.add(e.mark, "", "YAML syntax error: " + e.msg);
        return std::nullopt;
    }
    if (documents.size() > 1) {
        problems.add(1, 1, "", "expected one YAML document, found " + std::to_string(documents.size()) + " ('---')");
        return std::nullopt;
    }
    YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
    YAML::Mark mark = root.IsDefined() && !root.IsNull() ? root.Mark() : YAML::Mark::null_mark();
    return Node(root, "", mark, &problems);
}

}  // namespace flinkscaler::config::yaml
