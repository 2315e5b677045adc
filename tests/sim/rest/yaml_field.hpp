// SPDX-License-Identifier: Apache-2.0
//
// A yaml-cpp node with its key path and file, so that every scenario error names the file,
// the line and column, and the key ("clusters[0].jobs[1].vertices[2].capacity"). Unknown keys
// are errors with a "did you mean" hint: a typo must not silently fall back to a default.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flinkscaler::sim {

struct ScenarioError : std::runtime_error {
    ScenarioError(std::string file_, int line_, int column_, std::string key_, const std::string& message);
    std::string file;
    int line = 0;    ///< 1-based, 0 = unknown
    int column = 0;  ///< 1-based, 0 = unknown
    std::string key;
};

/// Copy-construct only: assigning a YAML::Node (and so a YamlField) overwrites the node's
/// content in the document instead of rebinding it.
class YamlField {
public:
    YamlField(YAML::Node node, std::string path, const std::string* file, YAML::Mark fallback = {})
        : node_(std::move(node)), path_(std::move(path)), file_(file), fallback_(fallback) {}

    YamlField(const YamlField&) = default;
    YamlField& operator=(const YamlField&) = delete;

    const std::string& path() const { return path_; }
    const YAML::Node& node() const { return node_; }
    [[noreturn]] void fail(const std::string& message) const;

    bool is_map() const { return node_.IsMap(); }
    bool is_sequence() const { return node_.IsSequence(); }
    bool is_scalar() const { return node_.IsScalar(); }

    /// Must be a map whose keys are all in `allowed`.
    void expect_map(std::initializer_list<std::string_view> allowed) const;
    std::optional<YamlField> get(std::string_view key) const;
    YamlField required(std::string_view key) const;
    /// Elements of a sequence.
    std::vector<YamlField> items() const;
    /// Entries of a map (key text, value).
    std::vector<std::pair<std::string, YamlField>> entries() const;

    std::string as_string() const;
    double as_number(double min, double max) const;
    int as_int(int min, int max) const;
    std::uint64_t as_uint64() const;
    bool as_bool() const;
    /// Seconds: a number, or a number with unit ms, s, m/min, h or d ("10s", "500ms").
    double as_duration(double min_s = 0) const;
    /// Bytes: a number, or with unit b, k/kb/kib, m/mb/mib, g/gb/gib (binary, as Flink).
    double as_bytes() const;
    /// One of `choices` (case-insensitive); returns the matching choice.
    std::string as_choice(std::initializer_list<std::string_view> choices) const;

private:
    YAML::Mark mark() const;

    YAML::Node node_;
    std::string path_;
    const std::string* file_;
    YAML::Mark fallback_;
};

}  // namespace flinkscaler::sim
