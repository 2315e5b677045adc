// SPDX-License-Identifier: Apache-2.0
//
// The reference tables and the JSON Schema, generated from the key tables. The rules between keys
// that a table cannot say (a yarn cluster's keys, TLS only over https, cert-file with key-file,
// basic or bearer auth) are written here once for the schema, as the reader writes them in code.
#include "config/config_reference.hpp"

#include "config/config_keys.hpp"

#include "flinkscaler/config_values.hpp"
#include "flinkscaler/option_layers.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace flinkscaler::config {

namespace {

using Json = nlohmann::ordered_json;

// ---- shared text -------------------------------------------------------------------------------

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : std::string(separator)) + p;
    return out;
}

// "1 kb", "64 mb": the largest power-of-1024 unit that divides the size.
std::string format_size(std::int64_t bytes) {
    constexpr std::pair<std::int64_t, std::string_view> kUnits[] = {
        {std::int64_t{1} << 40, "tb"}, {std::int64_t{1} << 30, "gb"}, {std::int64_t{1} << 20, "mb"}, {1024, "kb"}};
    for (const auto& [size, label] : kUnits)
        if (bytes != 0 && bytes % size == 0) return std::to_string(bytes / size) + " " + std::string(label);
    return std::to_string(bytes) + " bytes";
}

// ---- Markdown ----------------------------------------------------------------------------------

std::string type_text(const KeySpec& spec) {
    std::string type;
    switch (spec.kind) {
        case KeyKind::Duration:
            type = "duration, " + std::string(spec.zero_allowed ? "0 or " : "") + "≥ " +
                   format_duration(Millis(spec.min));
            break;
        case KeyKind::Integer: type = "integer " + std::to_string(spec.min) + ".." + std::to_string(spec.max); break;
        case KeyKind::Bool: type = "boolean"; break;
        case KeyKind::Path: type = "path"; break;
        case KeyKind::OptionalPath: type = "path or `\"\"`"; break;
        case KeyKind::Enum: {
            std::vector<std::string> values;
            for (auto c : spec.choices) values.push_back("`" + std::string(c) + "`");
            type = join(values, " \\| ");
            break;
        }
        case KeyKind::Size: type = "size, ≥ " + format_size(spec.min); break;
        case KeyKind::String: type = spec.min > 0 ? "text, non-empty" : "text"; break;
        case KeyKind::Address: type = "`host:port` or `\"\"`"; break;
        case KeyKind::Url: type = "URL"; break;
        case KeyKind::UrlList: type = "list of URLs"; break;
        case KeyKind::ClusterName: type = "`[A-Za-z0-9._-]+`"; break;
        case KeyKind::JobId: type = "32 hex digits"; break;
        case KeyKind::TagList: type = "list of words without `,`"; break;
        case KeyKind::OptionMap: type = "option map"; break;
        case KeyKind::Mapping: type = "mapping"; break;
        case KeyKind::List: type = "list"; break;
        case KeyKind::Refused: break;
    }
    return spec.required ? type + ", required" : type;
}

std::string table(std::string_view id, const std::vector<std::pair<std::string, const KeySpec*>>& rows) {
    std::string out = "<!-- BEGIN GENERATED " + std::string(id) + ": flinkscaler check-config --reference -->\n";
    out += "| Key | Type | Default | Meaning |\n|---|---|---|---|\n";
    for (const auto& [name, spec] : rows) {
        std::string default_text;
        if (!spec->default_text.empty())
            default_text = spec->default_is_value ? "`" + std::string(spec->default_text) + "`"
                                                  : std::string(spec->default_text);
        out += "|";
        for (const auto& cell : {"`" + name + "`", type_text(*spec), default_text, std::string(spec->doc)})
            out += (cell.empty() ? " " : " " + cell + " ") + "|";
        out += "\n";
    }
    return out + "<!-- END GENERATED " + std::string(id) + " -->\n";
}

template <typename Keep>
std::vector<std::pair<std::string, const KeySpec*>> rows(std::span<const KeySpec> keys, Keep&& keep,
                                                         std::string_view prefix = "") {
    std::vector<std::pair<std::string, const KeySpec*>> out;
    for (const auto& spec : keys)
        if (spec.kind != KeyKind::Refused && keep(spec)) out.emplace_back(std::string(prefix) + std::string(spec.name), &spec);
    return out;
}

// ---- JSON Schema -------------------------------------------------------------------------------

// A case-insensitive regex of one lower-case unit label ("ms" -> "[mM][sS]").
std::string any_case(std::string_view label) {
    std::string out;
    for (char c : label) {
        const bool letter = c >= 'a' && c <= 'z';
        out += letter ? std::string("[") + c + static_cast<char>(c - 'a' + 'A') + "]" : std::string(1, c);
    }
    return out;
}

// Length in characters of a UTF-8 label, so "µs" sorts as two characters.
std::size_t characters(std::string_view label) {
    return static_cast<std::size_t>(
        std::count_if(label.begin(), label.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The alternatives of a unit table, longest first (a regex alternation takes the first match).
std::string unit_alternatives(std::vector<std::string_view> labels) {
    std::stable_sort(labels.begin(), labels.end(),
                     [](std::string_view a, std::string_view b) { return characters(a) > characters(b); });
    std::vector<std::string> parts;
    for (auto label : labels) parts.push_back(any_case(label));
    return join(parts, "|");
}

std::string labels_text(const std::vector<std::string_view>& labels) {
    std::vector<std::string> parts(labels.begin(), labels.end());
    return join(parts, ", ");
}

// ISO-8601 durations as java.time.Duration.parse takes them (config_values.hpp parse_duration).
constexpr std::string_view kIsoDurationPattern =
    "[+-]?[pP](?=[^tT]|[tT].)(?:[+-]?[0-9]+[dD])?(?:[tT](?=[+-]?[0-9])(?:[+-]?[0-9]+[hH])?(?:[+-]?[0-9]+[mM])?"
    "(?:[+-]?[0-9]+(?:[.,][0-9]{1,9})?[sS])?)?";
constexpr std::string_view kUrlPattern = "^https?://[^/?#@\\s]+(?:/[^?#\\s]*)?$";
constexpr std::string_view kAddressPattern = "^$|^(?:\\[[0-9A-Fa-f:.]+\\]|[^\\s/:\\[\\]]+):[0-9]{1,5}$";

// Every key an option map takes, as a trie of '.'-separated segments: a nested map may stop at
// any prefix ("job:" holding "autoscaler:"), and a key under a prefix may go on ("*").
struct KeyTrie {
    std::map<std::string, KeyTrie> children;  // "*": anything after the prefix
    void add(std::string_view key) {
        KeyTrie* node = this;
        while (!key.empty()) {
            const auto dot = key.find('.');
            const std::string segment(key.substr(0, dot));
            node = &node->children[segment];
            key = dot == std::string_view::npos ? std::string_view() : key.substr(dot + 1);
        }
    }
    // One alternative per child: its segment and, when it has children, what may follow.
    std::vector<std::string> alternatives() const {
        std::vector<std::string> out;
        for (const auto& [segment, child] : children) out.push_back(segment == "*" ? ".+" : segment + child.suffix());
        return out;
    }
    std::string suffix() const {
        if (children.empty()) return "";
        std::vector<std::string> parts;
        for (const auto& alternative : alternatives()) parts.push_back("\\." + alternative);
        return "(?:" + join(parts, "|") + ")?";
    }
};

std::string option_key_pattern() {
    KeyTrie trie;
    trie.add(std::string(kAutoscalerPrefix) + "*");
    trie.add(std::string(kOperatorPrefix) + std::string(kAutoscalerPrefix) + "*");
    for (auto key : kForeignOptionKeys) trie.add(key);
    return "^(?:" + join(trie.alternatives(), "|") + ")$";
}

std::string accepted_option_keys() {
    std::vector<std::string> keys = {std::string(kAutoscalerPrefix) + "*",
                                     std::string(kOperatorPrefix) + std::string(kAutoscalerPrefix) + "*"};
    for (auto key : kForeignOptionKeys) keys.emplace_back(key);
    return join(keys, ", ");
}

Json ref(std::string_view name) { return {{"$ref", "#/$defs/" + std::string(name)}}; }
Json nullable(Json schema) { return {{"anyOf", Json::array({{{"type", "null"}}, std::move(schema)})}}; }

// The schema of one key's value.
Json value_schema(const KeySpec& spec) {
    Json out = Json::object();
    std::string description(spec.summary);
    if (!spec.default_text.empty() && spec.default_is_value)
        description += " Default " + std::string(spec.default_text) + ".";
    if (!description.empty()) out["description"] = description;
    const auto merge = [&](const Json& part) {
        for (const auto& [k, v] : part.items()) out[k] = v;
    };
    switch (spec.kind) {
        case KeyKind::Duration: {
            Json integer = {{"type", "integer"}};
            if (spec.zero_allowed)
                integer["anyOf"] = Json::array({{{"const", 0}}, {{"minimum", spec.min}}});
            else integer["minimum"] = spec.min;
            out["anyOf"] = Json::array({ref("durationText"), integer});
            break;
        }
        case KeyKind::Integer: merge({{"type", "integer"}, {"minimum", spec.min}, {"maximum", spec.max}}); break;
        case KeyKind::Bool: out["type"] = "boolean"; break;
        case KeyKind::Path: merge(ref("path")); break;
        case KeyKind::OptionalPath: out["type"] = "string"; break;
        case KeyKind::Enum: out["enum"] = Json(std::vector<std::string>(spec.choices.begin(), spec.choices.end())); break;
        case KeyKind::Size:
            out["anyOf"] = Json::array({ref("memorySizeText"), {{"type", "integer"}, {"minimum", spec.min}}});
            break;
        case KeyKind::String:
            out["type"] = "string";
            if (spec.min > 0) out["minLength"] = spec.min;
            break;
        case KeyKind::Address: merge({{"type", "string"}, {"pattern", kAddressPattern}}); break;
        case KeyKind::Url: merge({{"type", "string"}, {"pattern", kUrlPattern}}); break;
        case KeyKind::UrlList:
            merge({{"type", "array"},
                   {"minItems", 1},
                   {"uniqueItems", true},
                   {"items", {{"type", "string"}, {"pattern", kUrlPattern}}}});
            break;
        case KeyKind::ClusterName: merge(ref("clusterName")); break;
        case KeyKind::JobId: merge({{"type", "string"}, {"pattern", "^[0-9a-fA-F]{32}$"}}); break;
        case KeyKind::TagList:
            merge(nullable({{"type", "array"}, {"items", {{"type", "string"}, {"pattern", "^[^,]+$"}}}}));
            break;
        case KeyKind::OptionMap: merge(ref(spec.required ? "optionObject" : "optionMap")); break;
        case KeyKind::Mapping: merge(spec.required ? ref(spec.name) : nullable(ref(spec.name))); break;
        case KeyKind::List: break;  // the lists of the document are written by config_json_schema
        case KeyKind::Refused: break;
    }
    return out;
}

// An object of the keys of `table` (without the refused ones) and its required keys.
Json object_schema(std::span<const KeySpec> table) {
    Json properties = Json::object();
    Json required = Json::array();
    for (const auto& spec : table) {
        if (spec.kind == KeyKind::Refused) continue;
        properties[std::string(spec.name)] = value_schema(spec);
        if (spec.required) required.push_back(spec.name);
    }
    Json out = {{"type", "object"}, {"additionalProperties", false}};
    if (!required.empty()) out["required"] = required;
    out["properties"] = properties;
    return out;
}

Json cluster_schema() {
    Json cluster = object_schema(kClusterKeys);
    // kind yarn needs resource-managers and takes no url; kind flink (the default) needs a url and
    // takes no yarn key.
    Json yarn_keys = Json::array();
    for (const auto& spec : kClusterKeys)
        if (spec.yarn_only) yarn_keys.push_back({{"required", {spec.name}}});
    cluster["allOf"] = Json::array({
        {{"if", {{"required", {"tls"}}, {"properties", {{"tls", {{"type", "object"}}}}}}},
         {"then", {{"properties", {{"url", {{"pattern", "^https://"}}}}}}}},
        {{"if", {{"required", {"kind"}}, {"properties", {{"kind", {{"const", "yarn"}}}}}}},
         {"then", {{"required", {"resource-managers"}}, {"not", {{"required", {"url"}}}}}},
         {"else", {{"required", {"url"}}, {"not", {{"anyOf", yarn_keys}}}}}},
    });
    return cluster;
}

Json auth_schema() {
    // basic takes a username and a password file, bearer a token file; inline secrets are refused.
    const auto variant = [](std::string_view type, std::vector<std::string_view> keys) {
        Json properties = {{"type", {{"const", type}}}};
        Json required = Json::array({"type"});
        for (auto key : keys) {
            Json schema = value_schema(key_spec(kAuthKeys, key));
            schema.erase("description");
            properties[std::string(key)] = schema;
            required.push_back(key);
        }
        return Json{{"type", "object"}, {"additionalProperties", false}, {"required", required},
                    {"properties", properties}};
    };
    return {{"oneOf", Json::array({variant("basic", {"username", "password-file"}), variant("bearer", {"token-file"})})}};
}

}  // namespace

std::string config_reference_markdown() {
    const auto all = [](const KeySpec&) { return true; };
    std::vector<std::pair<std::string, const KeySpec*>> job_rows = rows(kMatchKeys, all, "match.");
    for (auto& row : rows(kJobKeys, [](const KeySpec& s) { return s.name != "match"; })) job_rows.push_back(row);
    const std::string blocks[] = {
        table("service", rows(kServiceKeys, all)),
        table("service.log", rows(kLogKeys, all)),
        table("state-store", rows(kStateStoreKeys, all)),
        table("clusters", rows(kClusterKeys, [](const KeySpec& s) { return !s.yarn_only; })),
        table("clusters.yarn", rows(kClusterKeys, [](const KeySpec& s) { return s.yarn_only; })),
        table("clusters.applications", rows(kApplicationsKeys, all)),
        table("clusters.tls", rows(kTlsKeys, all)),
        table("clusters.auth", rows(kAuthKeys, all)),
        table("jobs", job_rows),
    };
    std::string out;
    for (const auto& block : blocks) out += (out.empty() ? "" : "\n") + block;
    return out;
}

std::string config_json_schema() {
    const auto durations = duration_unit_labels();
    const auto sizes = memory_size_unit_labels();
    Json defs = {
        {"durationText",
         {{"description", "A duration in Flink syntax: a whole number with an optional unit (" + labels_text(durations) +
                              "; any case; no unit = milliseconds), or ISO-8601 (PT30S)."},
          {"type", "string"},
          {"pattern", "^(?:\\s*[0-9]+\\s*(?:" + unit_alternatives(durations) + ")?\\s*|" +
                          std::string(kIsoDurationPattern) + ")$"}}},
        {"memorySizeText",
         {{"description", "A memory size in Flink syntax: a whole number with an optional unit (" + labels_text(sizes) +
                              "; powers of 1024, any case; no unit = bytes)."},
          {"type", "string"},
          {"pattern", "^\\s*[0-9]+\\s*(?:" + unit_alternatives(sizes) + ")?\\s*$"}}},
        {"clusterName", {{"type", "string"}, {"pattern", "^[A-Za-z0-9._-]+$"}}},
        {"path", {{"type", "string"}, {"minLength", 1}}},
        {"service", object_schema(kServiceKeys)},
        {"log", object_schema(kLogKeys)},
        {"state-store", object_schema(kStateStoreKeys)},
        {"cluster", cluster_schema()},
        {"applications", object_schema(kApplicationsKeys)},
        {"tls", object_schema(kTlsKeys)},
        {"auth", auth_schema()},
        {"job", object_schema(kJobKeys)},
        {"match", object_schema(kMatchKeys)},
        {"optionMap", nullable(ref("optionObject"))},
        {"optionObject",
         {{"description", "Flink option keys (" + accepted_option_keys() + "), flat or as nested maps joined with '.'."},
          {"type", "object"},
          {"propertyNames", {{"pattern", option_key_pattern()}}},
          {"additionalProperties", ref("optionValue")}}},
        {"optionValue",
         {{"anyOf",
           Json::array({{{"type", {"string", "number", "boolean"}}},
                        {{"description", "A list: Flink's ';'-joined list."},
                         {"type", "array"},
                         {"items", {{"type", {"string", "number", "boolean"}}}}},
                        {{"description", "A nested map: keys joined with '.'."},
                         {"type", "object"},
                         {"additionalProperties", ref("optionValue")}}})}}},
    };
    // A match needs at least one selector; a job entry's match and options are required.
    defs["match"]["minProperties"] = 1;
    defs["tls"]["dependentRequired"] = {{"cert-file", {"key-file"}}, {"key-file", {"cert-file"}}};

    Json properties = Json::object();
    Json required = Json::array();
    for (const auto& spec : kRootKeys) {
        Json schema = value_schema(spec);
        if (spec.name == "clusters") {
            schema.update({{"type", "array"}, {"minItems", 1}, {"items", ref("cluster")}});
        } else if (spec.name == "jobs") {
            schema["anyOf"] = Json::array({{{"type", "null"}}, {{"type", "array"}, {"items", ref("job")}}});
        }
        properties[std::string(spec.name)] = schema;
        if (spec.required) required.push_back(spec.name);
    }
    const Json schema = {
        {"$schema", "https://json-schema.org/draft/2020-12/schema"},
        {"title", "flinkscaler daemon configuration"},
        {"description",
         "The YAML config file of the flinkscaler daemon (docs/configuration.md), generated by `flinkscaler "
         "check-config --json-schema`. `flinkscaler check-config` checks more than this schema can express: readable "
         "TLS and secret files, unique cluster names, known job.autoscaler.* keys and their values, minimum durations "
         "written with units, and cross-option rules."},
        {"type", "object"},
        {"additionalProperties", false},
        {"required", required},
        {"properties", properties},
        {"$defs", defs},
    };
    return schema.dump(2) + "\n";
}

}  // namespace flinkscaler::config
