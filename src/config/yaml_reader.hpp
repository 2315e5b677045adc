// SPDX-License-Identifier: Apache-2.0
//
// Reading a YAML document while COLLECTING problems instead of throwing at the first one, so a
// config check can list every mistake of a file in one run. Every node carries its key path
// ("clusters[1].tls.ca-file") and its position; every accessor that finds something wrong
// records a ConfigProblem and returns an empty result, and the caller simply goes on.
//
// Positions: a scalar is reported where its value starts; a mapping, a list or an empty value
// is reported at its key (the value of a block mapping starts on the next line, which would
// point the reader at the wrong place).
#pragma once

#include "config/config_problem.hpp"

#include "flinkscaler/time.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler::config::yaml {

/// The problems of one file, in the order they were found.
class Problems {
public:
    explicit Problems(std::string file) : file_(std::move(file)) {}

    const std::string& file() const { return file_; }
    /// `line` and `column` are 1-based; 0 when unknown.
    void add(int line, int column, std::string key, std::string message);
    /// A yaml-cpp mark (0-based; negative when unknown).
    void add(const YAML::Mark& mark, std::string key, std::string message);
    bool empty() const { return problems_.empty(); }
    std::size_t size() const { return problems_.size(); }
    /// Sorted by position (stable), exact duplicates removed: a check that runs once per cluster
    /// may find the same thing more than once.
    std::vector<ConfigProblem> sorted() const;

private:
    std::string file_;
    std::vector<ConfigProblem> problems_;
};

/// " (did you mean 'x'?)" for the candidate flinkscaler::closest_match picks, or "".
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

struct Entry;

/// A node of the document with its key path and position. Cheap to copy (yaml-cpp nodes are
/// handles). Never assign one yaml-cpp node to another: that overwrites document content.
class Node {
public:
    Node(YAML::Node node, std::string path, YAML::Mark mark, Problems* problems)
        : node_(std::move(node)), path_(std::move(path)), mark_(mark), problems_(problems) {}

    const YAML::Node& yaml() const { return node_; }
    const std::string& path() const { return path_; }
    const YAML::Mark& mark() const { return mark_; }
    /// 1-based line (0 when unknown).
    int line() const { return mark_.line >= 0 ? mark_.line + 1 : 0; }
    Problems& problems() const { return *problems_; }

    /// Records a problem at this node.
    void problem(const std::string& message) const;
    /// Records a problem about `key` of this mapping that is not there (reported at this node).
    void missing(std::string_view key) const;

    bool is_null() const { return !node_.IsDefined() || node_.IsNull(); }
    bool is_map() const { return node_.IsMap(); }
    bool is_list() const { return node_.IsSequence(); }
    bool is_scalar() const { return node_.IsScalar(); }
    /// "a mapping", "a list", "no value" or the quoted text; for messages.
    std::string describe() const;

    /// The path of a child key: "a.b" + "c" -> "a.b.c" ("c" at the root).
    std::string child_path(std::string_view key) const;

    // ---- structure ----------------------------------------------------------------------------

    /// True when this is a mapping; then every key not in `allowed` is reported as unknown (with
    /// a hint), and keys given twice are reported. An empty value (`key:` with nothing after it,
    /// e.g. a section whose entries are all commented out) returns false silently when
    /// `allow_null`; anything else that is not a mapping is reported.
    bool expect_map(std::span<const std::string_view> allowed, bool allow_null = true) const;
    bool expect_map(std::initializer_list<std::string_view> allowed, bool allow_null = true) const {
        return expect_map(std::span<const std::string_view>(allowed.begin(), allowed.size()), allow_null);
    }
    /// Same check, without restricting the keys (option maps); reports keys given twice.
    bool expect_any_map(bool allow_null = true) const;
    /// The value of `key` in this mapping, if present (the first one when given twice).
    std::optional<Node> get(std::string_view key) const;
    /// As get(); reports the key as missing when absent or empty.
    std::optional<Node> required(std::string_view key) const;

    /// The elements of a list; an empty value is an empty list when `allow_null`. Reports
    /// anything else.
    std::optional<std::vector<Node>> items(bool allow_null = true) const;

    /// The entries of a mapping in document order (duplicates included); keys that are not
    /// scalars are skipped (expect_map / expect_any_map report them).
    std::vector<Entry> entries() const;

    // ---- scalars ------------------------------------------------------------------------------

    /// Any scalar, quoted or plain, as written. Reports a mapping, a list or an empty value.
    std::optional<std::string> text() const;
    /// `true` or `false` (YAML 1.2 core: also True/TRUE/False/FALSE), unquoted.
    std::optional<bool> boolean() const;
    /// An unquoted decimal whole number within [min, max].
    std::optional<int> integer(int min, int max) const;
    /// A duration in Flink syntax ("30 s", "5min", "PT1H") or a plain number of milliseconds
    /// (Flink's reading of a bare number), not below `min`.
    std::optional<Millis> duration(Millis min) const;
    /// A memory size in Flink syntax ("64mb", "1 gb") or a plain number of bytes, not below `min`.
    std::optional<std::int64_t> memory_size(std::int64_t min) const;
    /// One of `choices`, spelled exactly (the JSON Schema uses the same enums).
    std::optional<std::string> one_of(std::span<const std::string_view> choices) const;
    std::optional<std::string> one_of(std::initializer_list<std::string_view> choices) const {
        return one_of(std::span<const std::string_view>(choices.begin(), choices.size()));
    }

private:
    YAML::Node node_;
    std::string path_;
    YAML::Mark mark_;
    Problems* problems_;
};

/// One entry of a mapping: its key, where the key is written, and the value.
struct Entry {
    std::string key;
    YAML::Mark key_mark;
    Node value;
};

/// Parses `text` as exactly one YAML document. On a syntax error records it (with the parser's
/// line and column) and returns nullopt; an empty document is returned as a null node.
std::optional<Node> parse_document(const std::string& text, Problems& problems);

}  // namespace flinkscaler::config::yaml
