// SPDX-License-Identifier: Apache-2.0
//
// `jobs:` entries and option maps (`defaults:`, a cluster's and a job's `options:`): Flink 1.19+
// nested maps flattened to Flink keys, YAML lists and maps turned into Flink's list and map
// syntax, every key and value checked with the core's option table, and the rules that span
// options checked on each precedence level merged with the levels below it.
#include "config/config_file_reader.hpp"

#include "config/glob.hpp"

#include "flinkscaler/option_layers.hpp"
#include "flinkscaler/text.hpp"

#include <algorithm>
#include <cctype>

namespace flinkscaler::config {

using yaml::Node;

namespace {

// Quotes one element of a Flink list or map value when it would not survive parse_list/parse_map
// as written.
std::string flink_quote(const std::string& text, std::string_view specials) {
    const bool edge_space = !text.empty() && (static_cast<unsigned char>(text.front()) <= 0x20 ||
                                              static_cast<unsigned char>(text.back()) <= 0x20);
    const bool special = text.find_first_of(specials) != std::string::npos;
    if (!text.empty() && !edge_space && !special) return text;
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

// Why `value` is not a value of option `key` on its own, or "".
std::string option_value_problem(const std::string& key, const std::string& value) {
    AutoscalerOptions parsed;
    try {
        parsed = AutoscalerOptions::from({{key, value}});
    } catch (const OptionError& e) {
        return e.what();
    }
    // The core falls back (with a warning) where a plugin is named; in a file written for
    // flinkscaler that can only be a mistake, so it is reported.
    if (!parsed.unsupported_alignment_mode.empty())
        return "alignment mode \"" + value + "\" is not supported (custom modes are plugins, which flinkscaler "
               "does not load); use BALANCED, EVENLY_SPREAD or OFF";
    if (!parsed.custom_evaluators.empty() || !parsed.custom_executors.empty())
        return "custom evaluators and executors are plugins, which flinkscaler does not load "
               "(docs/deviations.md)";
    return "";
}

// The first rule the options of `conf` break; nullopt when they keep every rule, or when a value
// does not parse (only values that parse alone get here; the others are reported per key).
std::optional<OptionViolation> combination_problem(const Configuration& conf) {
    try {
        return first_violation(AutoscalerOptions::from(conf));
    } catch (const OptionError&) {
        return std::nullopt;
    }
}

}  // namespace

ScopedOptionLevel ConfigFileReader::read_job(const Node& node) {
    ScopedOptionLevel level;
    if (node.is_null()) {
        node.problem("expected a job override (a mapping with match and options), got no value");
        return level;
    }
    if (!node.expect_map(key_names(kJobKeys), false)) return level;
    JobOverride job;
    job.line = node.line();
    if (const auto match = node.required("match")) {
        if (match->expect_map(key_names(kMatchKeys), false)) {
            if (const auto name = match->get("name")) {
                if (const auto text = name->text()) {
                    if (text->empty()) name->problem("must not be empty");
                    else if (const auto problem = glob_problem(*text); !problem.empty()) name->problem(problem);
                    job.name_glob = *text;
                }
            }
            if (const auto id = match->get("id")) {
                if (const auto text = id->text()) {
                    const bool hex = text->size() == 32 && std::all_of(text->begin(), text->end(), [](char c) {
                                         return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                                     });
                    if (!hex) id->problem("expected a Flink job id (32 hex digits), got " + id->describe());
                    job.id = to_lower(*text);
                }
            }
            if (const auto cluster = match->get("cluster")) {
                if (const auto text = cluster->text()) {
                    if (!cluster_lines_.count(*text)) {
                        std::vector<std::string_view> names;
                        for (const auto& [name, line] : cluster_lines_) names.push_back(name);
                        cluster->problem("no cluster is named '" + *text + "'" + yaml::did_you_mean(*text, names));
                    }
                    job.cluster = *text;
                }
            }
            if (!job.name_glob && !job.id && !job.cluster)
                match->problem("needs at least one selector: name, id or cluster");
        }
    }
    if (const auto options = node.required("options")) level.options = read_options(*options);
    job.options = level.options.parsed;
    level.cluster = job.cluster;
    config_.jobs.push_back(std::move(job));
    return level;
}

// ---- option maps ----

OptionLevel ConfigFileReader::read_options(const Node& node) {
    OptionLevel level;
    level.anchor = node;
    if (!node.expect_any_map()) return level;
    std::vector<LocatedOption> all;
    flatten(node, "", all);

    std::map<std::string, int> first_line;
    for (const auto& option : all) {
        const int line = option.key_mark.line + 1;
        if (const auto [it, inserted] = first_line.emplace(option.key, line); !inserted) {
            problems_.add(option.key_mark, option.path,
                          "given twice (first at line " + std::to_string(it->second) + ")");
            continue;
        }
        if (const auto problem = option_key_problem(option.key); !problem.empty()) {
            problems_.add(option.key_mark, option.path, problem);
            continue;
        }
        level.options.push_back(option);
        if (const auto problem = option_value_problem(option.key, option.value); !problem.empty()) {
            problems_.add(option.value_mark, option.path, problem);
            continue;
        }
        level.parsed[option.key] = option.value;
    }
    return level;
}

// Flattens Flink 1.19+ nested maps (`job: {autoscaler: {enabled: true}}`) into flat keys and
// turns YAML lists into Flink's ';'-joined lists; scalars keep the text as written.
void ConfigFileReader::flatten(const Node& map, const std::string& prefix, std::vector<LocatedOption>& out) {
    for (const auto& entry : map.entries()) {
        const std::string key = prefix.empty() ? entry.key : prefix + "." + entry.key;
        const Node& value = entry.value;
        if (value.is_map()) {
            if (key == kParallelismOverridesKey) {
                // A Map-typed option written as a YAML map, as Flink's config.yaml allows.
                value.expect_any_map(false);
                std::string joined;
                for (const auto& item : value.entries()) {
                    const auto text = item.value.text();
                    if (!text) continue;
                    joined += (joined.empty() ? "" : ",") + flink_quote(item.key, ",:'\"") + ":" +
                              flink_quote(*text, ",:'\"");
                }
                out.push_back({key, joined, value.path(), entry.key_mark, entry.key_mark});
            } else {
                value.expect_any_map(false);
                flatten(value, key, out);
            }
        } else if (value.is_list()) {
            std::string joined;
            bool ok = true;
            const auto items = value.items();
            for (const auto& item : *items) {
                const auto text = item.text();
                if (!text) {
                    ok = false;
                    continue;
                }
                joined += (joined.empty() ? "" : ";") + flink_quote(*text, ";'\"");
            }
            if (ok) out.push_back({key, joined, value.path(), entry.key_mark, entry.key_mark});
        } else if (value.is_null()) {
            value.problem("has no value (write \"\" for an empty one)");
        } else {
            out.push_back({key, value.yaml().Scalar(), value.path(), entry.key_mark, value.mark()});
        }
    }
}

// The rules of first_violation() span options (utilization.min <= target <= max, ...), so each level
// is checked merged with the levels below it. A violation is reported at the level that
// introduces it: at the option it is about when that level sets it (in any spelling), else at the level's map.
void ConfigFileReader::validate_combinations(const OptionLevel& defaults, const std::vector<ScopedOptionLevel>& clusters,
                           const std::vector<ScopedOptionLevel>& jobs) {
    check_level(Configuration{}, defaults);
    std::vector<Configuration> cluster_confs;
    for (const auto& cluster : clusters) {
        Configuration merged = defaults.parsed;
        check_level(merged, cluster.options);
        overlay(merged, cluster.options.parsed);
        cluster_confs.push_back(std::move(merged));
    }
    // A jobs entry can apply to every cluster its selectors allow; check it on each of them.
    for (const auto& job : jobs) {
        bool checked = false;
        for (std::size_t c = 0; c < clusters.size(); ++c) {
            if (job.cluster && job.cluster != clusters[c].cluster) continue;
            check_level(cluster_confs[c], job.options);
            checked = true;
        }
        if (!checked) check_level(defaults.parsed, job.options);
    }
}

void ConfigFileReader::check_level(const Configuration& lower, const OptionLevel& level) {
    if (!level.anchor || level.parsed.empty()) return;
    Configuration merged = lower;
    overlay(merged, level.parsed);
    const auto violation = combination_problem(merged);
    if (!violation) return;
    if (const auto inherited = combination_problem(lower); inherited && inherited->message == violation->message)
        return;
    const auto group = option_alias_group(violation->key);
    for (const auto& option : level.options) {
        if (option_alias_group(option.key) != group || !level.parsed.count(option.key)) continue;
        problems_.add(option.value_mark, option.path, violation->message);
        return;
    }
    level.anchor->problem(violation->message + " (together with the options it inherits)");
}

}  // namespace flinkscaler::config
