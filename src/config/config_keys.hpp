// SPDX-License-Identifier: Apache-2.0
//
// Every key of the daemon's config file, declared once per mapping: name, kind, range, allowed
// values, default and documentation. From these tables come the loader's known-key lists and
// ranges (config_loader.cpp, cluster_section.cpp, option_maps.cpp), the reference tables in
// docs/configuration.md (`flinkscaler check-config --reference`) and the JSON Schema
// (`flinkscaler check-config --json-schema`, committed as schema/config/). Rules between keys
// (TLS needs https, cert-file with key-file, basic vs bearer, ...) stay code in the reader and
// in the schema generator (config_reference.cpp).
//
// The order of a table is the order the reader lists keys in, and it decides between equally
// close "did you mean" candidates.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace flinkscaler::config {

enum class KeyKind {
    Duration,     ///< Flink duration text or a whole number of ms; `min` in ms
    Integer,      ///< a whole number in min..max
    Bool,         ///< true or false
    Path,         ///< a non-empty path, relative to the config file's directory
    OptionalPath, ///< a path, or "" for none
    Enum,         ///< one of `choices`, spelled exactly
    Size,         ///< Flink memory size text or a whole number of bytes; `min` in bytes
    String,       ///< any text; `min` is the least length
    Address,      ///< host:port or ""
    Url,          ///< http(s)://host[:port][/prefix]
    UrlList,      ///< a non-empty list of distinct URLs
    ClusterName,  ///< [A-Za-z0-9._-]+
    JobId,        ///< 32 hex digits
    TagList,      ///< a list of words without ','
    OptionMap,    ///< Flink option keys and values (docs/configuration.md "Option maps")
    Mapping,      ///< a nested mapping with a table of its own
    List,         ///< a list of mappings with a table of their own
    Refused,      ///< known only to explain why it is refused (inline secrets)
};

struct KeySpec {
    std::string_view name;
    KeyKind kind;
    std::int64_t min = 0;  ///< Integer/Duration/Size/String lower bound (see KeyKind)
    std::int64_t max = 0;  ///< Integer upper bound
    std::span<const std::string_view> choices = {};  ///< Enum values
    std::string_view default_text = {};  ///< as written in a config file; empty: none
    bool default_is_value = true;        ///< false: default_text is prose ("system trust store")
    std::string_view doc = {};           ///< Markdown, for the reference tables
    std::string_view summary = {};       ///< one plain sentence, for the JSON Schema
    bool required = false;
    bool zero_allowed = false;  ///< Duration: 0 is allowed although below `min` (0 = off)
    bool yarn_only = false;     ///< clusters: only for `kind: yarn`
};

/// The log levels, lowest first (also what `flinkscaler run --log-level` takes).
inline constexpr std::array<std::string_view, 5> kLogLevels = {"trace", "debug", "info", "warn", "error"};

// One table per mapping of the file.
extern const std::span<const KeySpec> kRootKeys;
extern const std::span<const KeySpec> kServiceKeys;
extern const std::span<const KeySpec> kLogKeys;
extern const std::span<const KeySpec> kStateStoreKeys;
extern const std::span<const KeySpec> kClusterKeys;
extern const std::span<const KeySpec> kApplicationsKeys;
extern const std::span<const KeySpec> kTlsKeys;
extern const std::span<const KeySpec> kAuthKeys;
extern const std::span<const KeySpec> kJobKeys;
extern const std::span<const KeySpec> kMatchKeys;

/// The spec named `name` in `table`; throws std::logic_error when it is not declared (a bug).
const KeySpec& key_spec(std::span<const KeySpec> table, std::string_view name);

/// The names of a table, in its order (the reader's known-key list).
std::vector<std::string_view> key_names(std::span<const KeySpec> table);

}  // namespace flinkscaler::config
