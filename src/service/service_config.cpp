// SPDX-License-Identifier: Apache-2.0
#include "service/service_config.hpp"

#include "service/yaml_reader.hpp"

#include "flinkscaler/config_values.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace flinkscaler::service {

namespace fs = std::filesystem;
using yaml::Node;
using yaml::Problems;

// ---- problems -----------------------------------------------------------------------------------

std::string ConfigProblem::to_string() const {
    std::string out = file;
    if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    out += ": ";
    if (!key.empty()) out += "key '" + key + "': ";
    return out + message;
}

namespace {

std::string describe_problems(const std::vector<ConfigProblem>& problems) {
    if (problems.empty()) return "invalid configuration";
    std::string out;
    for (const auto& p : problems) out += (out.empty() ? "" : "\n") + p.to_string();
    return out;
}

}  // namespace

ConfigError::ConfigError(std::vector<ConfigProblem> problems_)
    : std::runtime_error(describe_problems(problems_)), problems(std::move(problems_)) {}

// ---- option keys and precedence -------------------------------------------------------------------

namespace {

constexpr std::string_view kAutoscalerPrefix = "job.autoscaler.";
constexpr std::string_view kOperatorAutoscalerPrefix = "kubernetes.operator.job.autoscaler.";
constexpr std::string_view kParallelismOverridesKey = "pipeline.jobvertex-parallelism-overrides";
// The Flink options outside job.autoscaler.* that the algorithm reads (algorithm.md §5.5).
constexpr std::string_view kForeignKeys[] = {
    "jobmanager.scheduler",
    kParallelismOverridesKey,
    "taskmanager.numberOfTaskSlots",
    "taskmanager.memory.process.size",
};
// Parameters of plugin instances (algorithm.md §5.2 templates); flinkscaler has no plugins.
constexpr std::string_view kPluginPrefixes[] = {
    "job.autoscaler.scaling.parallelism-alignment.mode.",
    "job.autoscaler.metrics.custom-evaluator.",
    "job.autoscaler.scaling.custom-executor.",
};

bool strip_operator_prefix(std::string_view& key) {
    constexpr std::string_view operator_prefix = "kubernetes.operator.";
    if (!key.starts_with(kOperatorAutoscalerPrefix)) return false;
    key.remove_prefix(operator_prefix.size());
    return true;
}

// Every spelling of every declared option -> a group number. The new and the legacy alignment-mode
// options share a group: AutoscalerOptions::from lets the new key win whenever it is present, so
// without this a lower level's new key would beat a higher level's legacy key.
struct AliasGroups {
    std::map<std::string, std::size_t, std::less<>> group_of;
    std::vector<std::vector<std::string>> keys;
};

const AliasGroups& alias_groups() {
    static const AliasGroups groups = [] {
        AliasGroups g;
        std::optional<std::size_t> alignment_group;
        for (const auto& spec : autoscaler_option_specs()) {
            const bool alignment = spec.key == "job.autoscaler.scaling.parallelism-alignment.mode" ||
                                   spec.key == "job.autoscaler.scaling.key-group.partitions.adjust.mode";
            std::size_t id = g.keys.size();
            if (alignment && alignment_group) id = *alignment_group;
            else g.keys.emplace_back();
            if (alignment) alignment_group = id;
            auto add = [&](std::string_view key) {
                g.group_of.emplace(std::string(key), id);
                g.keys[id].emplace_back(key);
            };
            add(spec.key);
            for (auto k : spec.fallback_keys) add(k);
            for (auto k : spec.deprecated_keys) add(k);
        }
        return g;
    }();
    return groups;
}

std::optional<std::size_t> group_of(const std::string& key) {
    const auto& g = alias_groups();
    const auto it = g.group_of.find(key);
    if (it == g.group_of.end()) return std::nullopt;
    return it->second;
}

// Every key a user may mean when mistyping one (for "did you mean").
const std::vector<std::string>& known_option_keys() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> out;
        for (const auto& [key, group] : alias_groups().group_of) out.push_back(key);
        for (auto k : kForeignKeys) out.emplace_back(k);
        return out;
    }();
    return keys;
}

}  // namespace

bool is_autoscaler_key(const std::string& key) {
    if (key.starts_with(kAutoscalerPrefix) || key.starts_with(kOperatorAutoscalerPrefix)) return true;
    return std::find(std::begin(kForeignKeys), std::end(kForeignKeys), key) != std::end(kForeignKeys);
}

Configuration autoscaler_relevant(const Configuration& conf) {
    Configuration kept;
    for (const auto& [key, value] : conf)
        if (is_autoscaler_key(key)) kept.emplace(key, value);
    return kept;
}

void overlay(Configuration& base, const Configuration& top) {
    // First drop every spelling of every option `top` sets, then copy: `top` may itself hold two
    // spellings of one option (a job's Flink configuration can), and both must survive so that
    // present_key decides between them exactly as Flink would.
    const auto& groups = alias_groups();
    for (const auto& [key, value] : top)
        if (const auto group = group_of(key))
            for (const auto& alias : groups.keys[*group]) base.erase(alias);
    for (const auto& [key, value] : top) base[key] = value;
}

// ---- glob ---------------------------------------------------------------------------------------

namespace {

// Length in bytes of the UTF-8 character starting at `c` (1 for anything malformed), so that
// `?` matches one character of a non-ASCII job name.
std::size_t utf8_length(unsigned char c) {
    if (c >= 0xF0 && c < 0xF8) return 4;
    if (c >= 0xE0) return 3;
    if (c >= 0xC0) return 2;
    return 1;
}

// Matches `c` against the class starting at pattern[p] == '['. Returns the index after the closing
// ']', or nullopt when the class is not closed (the '[' is then an ordinary character).
std::optional<std::size_t> match_class(const std::string& pattern, std::size_t p, char c, bool& matched) {
    std::size_t i = p + 1;
    bool negate = false;
    if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
        negate = true;
        ++i;
    }
    bool found = false;
    bool first = true;
    while (i < pattern.size() && (pattern[i] != ']' || first)) {
        first = false;
        const char low = pattern[i];
        char high = low;
        if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
            high = pattern[i + 2];
            i += 3;
        } else {
            ++i;
        }
        if (c >= low && c <= high) found = true;
    }
    if (i >= pattern.size()) return std::nullopt;
    matched = found != negate;
    return i + 1;
}

// The problem of a glob, or "" (an unclosed '[' is almost always a mistake in a config file).
std::string glob_problem(const std::string& pattern) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '[') continue;
        bool ignored = false;
        const auto end = match_class(pattern, i, 'a', ignored);
        if (!end) return "'[' at position " + std::to_string(i + 1) + " is never closed by ']'";
        i = *end - 1;
    }
    return "";
}

}  // namespace

bool glob_match(const std::string& pattern, const std::string& text) {
    // Iterative matching with one backtrack point (the last '*'), linear in practice.
    std::size_t p = 0, t = 0;
    std::optional<std::size_t> star_p, star_t;
    while (t < text.size()) {
        if (p < pattern.size()) {
            const char c = pattern[p];
            if (c == '*') {
                star_p = ++p;
                star_t = t;
                continue;
            }
            if (c == '?') {
                ++p;
                t += std::min(utf8_length(static_cast<unsigned char>(text[t])), text.size() - t);
                continue;
            }
            if (c == '[') {
                bool matched = false;
                if (const auto next = match_class(pattern, p, text[t], matched)) {
                    if (matched) {
                        p = *next;
                        ++t;
                        continue;
                    }
                } else if (text[t] == '[') {
                    ++p;
                    ++t;
                    continue;
                }
            } else if (c == text[t]) {
                ++p;
                ++t;
                continue;
            }
        }
        if (!star_p) return false;
        p = *star_p;
        t = ++*star_t;
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

// ---- ServiceConfig --------------------------------------------------------------------------------

bool YarnSettings::selects(const yarn::Application& application) const {
    return yarn::matches(applications, application) && (!name_glob || glob_match(*name_glob, application.name));
}

std::string application_cluster_name(const std::string& yarn_cluster, const std::string& application_id) {
    return yarn_cluster + "/" + application_id;
}

std::string configured_cluster_name(const std::string& cluster_name) {
    return cluster_name.substr(0, cluster_name.find('/'));
}

bool JobOverride::matches(const std::string& cluster_name, const std::string& job_id,
                          const std::string& job_name) const {
    if (cluster && *cluster != configured_cluster_name(cluster_name)) return false;
    if (id && *id != to_lower(job_id)) return false;
    if (name_glob && !glob_match(*name_glob, job_name)) return false;
    return true;
}

const ClusterConfig* ServiceConfig::find_cluster(const std::string& name) const {
    for (const auto& c : clusters)
        if (c.name == name) return &c;
    return nullptr;
}

Configuration ServiceConfig::job_configuration(const std::string& cluster, const std::string& job_id,
                                               const std::string& job_name,
                                               const Configuration& job_flink_configuration) const {
    Configuration conf = defaults;
    if (const auto* c = find_cluster(configured_cluster_name(cluster))) overlay(conf, c->options);
    for (const auto& job : jobs)
        if (job.matches(cluster, job_id, job_name)) overlay(conf, job.options);
    overlay(conf, autoscaler_relevant(job_flink_configuration));
    return conf;
}

// ---- loading ----------------------------------------------------------------------------------------

namespace {

/// One option of an option map, with where it was written.
struct LocatedOption {
    std::string key;  ///< flat Flink key
    std::string value;
    std::string path;  ///< key path in the document
    YAML::Mark key_mark;
    YAML::Mark value_mark;
};

/// The options of one precedence level as read from the file.
struct OptionLevel {
    std::vector<LocatedOption> options;  ///< autoscaler-relevant, known keys
    Configuration good;                  ///< those whose value parses on its own
    std::optional<Node> anchor;          ///< the map itself: where problems of a combination go
};

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

/// The options of a cluster or jobs entry with the cluster it belongs to / selects.
struct LevelOf {
    OptionLevel options;
    std::optional<std::string> cluster;
};

class Loader {
public:
    Loader(Problems& problems, const std::string& file)
        : problems_(problems), base_dir_(fs::absolute(fs::path(file)).parent_path()) {}

    ServiceConfig load(const std::string& text, const std::string& file) {
        config_.file = file;
        const auto root = yaml::parse_document(text, problems_);
        if (!root) return config_;
        if (root->is_null()) {
            problems_.add(0, 0, "clusters", "is required (the file holds no settings)");
            return config_;
        }
        if (!root->expect_map({"service", "defaults", "clusters", "jobs"}, false)) return config_;

        if (const auto service = root->get("service")) read_service(*service);
        OptionLevel defaults;
        if (const auto node = root->get("defaults")) defaults = read_options(*node);
        config_.defaults = defaults.good;

        std::vector<LevelOf> cluster_levels;
        if (const auto clusters = root->required("clusters")) {
            if (const auto items = clusters->items(false)) {
                if (items->empty()) clusters->problem("at least one cluster is needed");
                for (const auto& item : *items) cluster_levels.push_back(read_cluster(item));
            }
        }

        std::vector<LevelOf> job_levels;
        if (const auto jobs = root->get("jobs"))
            if (const auto items = jobs->items())
                for (const auto& item : *items) job_levels.push_back(read_job(item));

        validate_combinations(defaults, cluster_levels, job_levels);
        return config_;
    }

private:
    // ---- service ----

    void read_service(const Node& node) {
        if (!node.expect_map({"poll-interval", "workers", "max-concurrent-requests", "connect-timeout",
                              "request-timeout", "state-database", "status-address", "dry-run", "job-retention",
                              "event-retention", "sample-retention", "log"}))
            return;
        auto& s = config_.service;
        // A poll below 1 s would hammer the JobManagers for no gain: metric windows are minutes long.
        set(node.get("poll-interval"), s.poll_interval,
            [](const Node& n) { return n.duration(std::chrono::seconds(1)); });
        set(node.get("workers"), s.workers, [](const Node& n) { return n.integer(1, 256); });
        set(node.get("max-concurrent-requests"), s.cluster_max_concurrent_requests,
            [](const Node& n) { return n.integer(1, 64); });
        // Below 100 ms a timeout is a typo (a bare number is milliseconds), never a wish.
        set(node.get("connect-timeout"), s.connect_timeout,
            [](const Node& n) { return n.duration(std::chrono::milliseconds(100)); });
        set(node.get("request-timeout"), s.request_timeout,
            [](const Node& n) { return n.duration(std::chrono::milliseconds(100)); });
        if (const auto db = node.get("state-database")) {
            if (const auto text = db->text()) {
                if (text->empty()) db->problem("must not be empty");
                else s.state_database = resolve(*text).string();
            }
        }
        if (const auto address = node.get("status-address")) {
            if (const auto text = address->text()) {
                if (const auto problem = address_problem(*text); !problem.empty()) address->problem(problem);
                else s.status_address = *text;
            }
        }
        set(node.get("dry-run"), s.dry_run, [](const Node& n) { return n.boolean(); });
        // Retention below a minute would delete state between two polls.
        const auto at_least_a_minute = [](const Node& n) { return n.duration(std::chrono::minutes(1)); };
        set(node.get("job-retention"), s.job_retention, at_least_a_minute);
        set(node.get("event-retention"), s.event_retention, at_least_a_minute);
        // 0 turns recording off; anything else below a minute would drop samples before export.
        set(node.get("sample-retention"), s.sample_retention, [](const Node& n) -> std::optional<Millis> {
            const auto value = n.duration(Millis::zero());
            if (value && *value != Millis::zero() && *value < std::chrono::minutes(1)) {
                n.problem("must be 0 (no recording) or at least 1 min");
                return std::nullopt;
            }
            return value;
        });
        if (const auto log = node.get("log")) read_log(*log);
    }

    void read_log(const Node& node) {
        if (!node.expect_map({"level", "format", "file", "max-file-size", "max-files"})) return;
        auto& log = config_.service.log;
        set(node.get("level"), log.level,
            [](const Node& n) { return n.one_of({"trace", "debug", "info", "warn", "error"}); });
        if (const auto format = node.get("format"))
            if (const auto value = format->one_of({"text", "json"}))
                log.format = *value == "json" ? LogFormat::Json : LogFormat::Text;
        if (const auto file = node.get("file"))
            if (const auto text = file->text()) log.file = text->empty() ? "" : resolve(*text).string();
        if (const auto size = node.get("max-file-size"))
            if (const auto bytes = size->memory_size(1024)) log.max_file_bytes = static_cast<std::size_t>(*bytes);
        set(node.get("max-files"), log.max_files, [](const Node& n) { return n.integer(1, 1000); });
    }

    // ---- clusters ----

    LevelOf read_cluster(const Node& node) {
        LevelOf level;
        if (node.is_null()) {
            node.problem("expected a cluster (a mapping with name and url), got no value");
            return level;
        }
        if (!node.expect_map({"name", "kind", "url", "resource-managers", "flink-access", "direct-scheme",
                              "applications", "enabled", "max-concurrent-requests", "connect-timeout",
                              "request-timeout", "tls", "auth", "options"},
                             false))
            return level;
        ClusterConfig cluster;
        cluster.line = node.line();
        auto& connection = cluster.connection;
        connection.connect_timeout = config_.service.connect_timeout;
        connection.request_timeout = config_.service.request_timeout;
        connection.max_concurrent_requests = config_.service.cluster_max_concurrent_requests;

        if (const auto name = node.required("name")) {
            if (const auto text = name->text()) {
                if (const auto problem = cluster_name_problem(*text); !problem.empty()) {
                    name->problem(problem);
                } else if (const auto it = cluster_lines_.find(*text); it != cluster_lines_.end()) {
                    name->problem("duplicate cluster name '" + *text + "' (first at line " +
                                  std::to_string(it->second) + "): job keys <cluster>/<job-id> must be unique");
                } else {
                    cluster_lines_.emplace(*text, name->line());
                }
                cluster.name = *text;
            }
        }
        bool https = false;
        const auto kind_node = node.get("kind");
        const auto kind = kind_node ? kind_node->one_of({"flink", "yarn"}) : std::optional<std::string>("flink");
        if (kind == "yarn") {
            if (const auto url = node.get("url"))
                url->problem("a yarn cluster names its resource-managers, not a JobManager url (each Flink "
                             "application's JobManager is found through them)");
            cluster.yarn = read_yarn(node, https);
        } else {
            if (kind == "flink")
                for (const std::string_view key : {"resource-managers", "flink-access", "direct-scheme", "applications"})
                    if (const auto misplaced = node.get(key)) misplaced->problem("only for kind: yarn");
            if (const auto url = node.required("url")) {
                if (const auto text = url->text()) {
                    if (const auto problem = url_problem(*text); !problem.empty()) url->problem(problem);
                    connection.base_url = *text;
                    https = text->starts_with("https://");
                }
            }
        }
        set(node.get("enabled"), cluster.enabled, [](const Node& n) { return n.boolean(); });
        set(node.get("max-concurrent-requests"), connection.max_concurrent_requests,
            [](const Node& n) { return n.integer(1, 64); });
        set(node.get("connect-timeout"), connection.connect_timeout,
            [](const Node& n) { return n.duration(std::chrono::milliseconds(100)); });
        set(node.get("request-timeout"), connection.request_timeout,
            [](const Node& n) { return n.duration(std::chrono::milliseconds(100)); });
        if (const auto tls = node.get("tls")) read_tls(*tls, connection.tls, https);
        if (const auto auth = node.get("auth")) read_auth(*auth, connection.auth);
        if (const auto options = node.get("options")) level.options = read_options(*options);
        cluster.options = level.options.good;
        level.cluster = cluster.name;
        config_.clusters.push_back(std::move(cluster));
        return level;
    }

    YarnSettings read_yarn(const Node& node, bool& https) {
        YarnSettings yarn;
        if (const auto rms = node.required("resource-managers")) {
            if (const auto items = rms->items(false)) {
                if (items->empty()) rms->problem("at least one ResourceManager web address is needed");
                for (const auto& item : *items) {
                    const auto text = item.text();
                    if (!text) continue;
                    if (const auto problem = url_problem(*text); !problem.empty()) item.problem(problem);
                    if (std::find(yarn.resource_managers.begin(), yarn.resource_managers.end(), *text) !=
                        yarn.resource_managers.end())
                        item.problem("listed twice");
                    https = https || text->starts_with("https://");
                    yarn.resource_managers.push_back(*text);
                }
            }
        }
        if (const auto access = node.get("flink-access"))
            if (const auto text = access->one_of({"auto", "proxy", "direct"}))
                yarn.flink_access = *yarn::parse_flink_access(*text);
        if (const auto scheme = node.get("direct-scheme"))
            if (const auto text = scheme->one_of({"http", "https"})) yarn.direct_scheme = *text;
        https = https || (yarn.direct_scheme == "https" && yarn.flink_access != yarn::FlinkAccess::Proxy);
        if (const auto apps = node.get("applications")) {
            if (apps->expect_map({"type", "queue", "user", "tags", "name"})) {
                const auto read_text = [&](std::string_view key, std::string& target) {
                    if (const auto value = apps->get(key))
                        if (const auto text = value->text()) target = *text;
                };
                read_text("type", yarn.applications.type);
                read_text("queue", yarn.applications.queue);
                read_text("user", yarn.applications.user);
                if (const auto tags = apps->get("tags")) {
                    if (const auto items = tags->items()) {
                        for (const auto& item : *items) {
                            const auto text = item.text();
                            if (!text) continue;
                            if (text->empty() || text->find(',') != std::string::npos)
                                item.problem("a tag is one non-empty word without ',' (YARN keeps tags as one "
                                             "comma-separated string)");
                            else
                                yarn.applications.tags.push_back(*text);
                        }
                    }
                }
                if (const auto name = apps->get("name"))
                    if (const auto text = name->text()) yarn.name_glob = *text;
            }
        }
        return yarn;
    }

    void read_tls(const Node& node, http::TlsSettings& tls, bool https) {
        if (!node.expect_map({"ca-file", "cert-file", "key-file", "verify"})) return;
        // Over plain http these settings would silently do nothing; a config that asks for them
        // almost certainly has the wrong URL.
        if (!https) node.problem("TLS settings need an https:// url");
        if (const auto ca = node.get("ca-file")) tls.ca_file = readable_file(*ca);
        const auto cert = node.get("cert-file");
        const auto key = node.get("key-file");
        if (cert) tls.cert_file = readable_file(*cert);
        if (key) tls.key_file = readable_file(*key);
        if (cert.has_value() != key.has_value())
            node.problem("cert-file and key-file go together (the client certificate and its private key)");
        set(node.get("verify"), tls.verify, [](const Node& n) { return n.boolean(); });
    }

    void read_auth(const Node& node, http::AuthSettings& auth) {
        if (!node.expect_map({"type", "username", "password-file", "token-file", "password", "token"})) return;
        for (const std::string_view inline_key : {"password", "token"})
            if (const auto inline_secret = node.get(inline_key))
                inline_secret->problem("secrets are not written in the config file (it is often world-readable "
                                       "and ends up in backups): put it in a file readable only by flinkscaler and "
                                       "use " + std::string(inline_key) + "-file");
        const auto type_node = node.required("type");
        const auto type = type_node ? type_node->one_of({"basic", "bearer"}) : std::nullopt;
        const auto username = node.get("username");
        const auto password_file = node.get("password-file");
        const auto token_file = node.get("token-file");
        if (type == "basic") {
            auth.kind = http::AuthSettings::Kind::Basic;
            if (const auto user = node.required("username")) {
                if (const auto text = user->text()) {
                    if (text->empty()) user->problem("must not be empty");
                    auth.username = *text;
                }
            }
            if (const auto file = node.required("password-file")) auth.password = read_secret(*file);
            if (token_file) token_file->problem("only for type bearer");
        } else if (type == "bearer") {
            auth.kind = http::AuthSettings::Kind::Bearer;
            if (const auto file = node.required("token-file")) auth.token = read_secret(*file);
            if (username) username->problem("only for type basic");
            if (password_file) password_file->problem("only for type basic");
        }
    }

    // ---- jobs ----

    LevelOf read_job(const Node& node) {
        LevelOf level;
        if (node.is_null()) {
            node.problem("expected a job override (a mapping with match and options), got no value");
            return level;
        }
        if (!node.expect_map({"match", "options"}, false)) return level;
        JobOverride job;
        job.line = node.line();
        if (const auto match = node.required("match")) {
            if (match->expect_map({"name", "id", "cluster"}, false)) {
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
                            std::vector<std::string> names;
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
        job.options = level.options.good;
        level.cluster = job.cluster;
        config_.jobs.push_back(std::move(job));
        return level;
    }

    // ---- option maps ----

    OptionLevel read_options(const Node& node) {
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
            level.good[option.key] = option.value;
        }
        return level;
    }

    // Flattens Flink 1.19+ nested maps (`job: {autoscaler: {enabled: true}}`) into flat keys and
    // turns YAML lists into Flink's ';'-joined lists; scalars keep the text as written.
    void flatten(const Node& map, const std::string& prefix, std::vector<LocatedOption>& out) {
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

    static std::string option_key_problem(const std::string& key) {
        if (!is_autoscaler_key(key)) {
            return "not an autoscaler option" + yaml::did_you_mean(key, known_option_keys()) +
                   "; option maps take job.autoscaler.*, kubernetes.operator.job.autoscaler.*, "
                   "jobmanager.scheduler, pipeline.jobvertex-parallelism-overrides, "
                   "taskmanager.numberOfTaskSlots and taskmanager.memory.process.size";
        }
        std::string_view canonical = key;
        strip_operator_prefix(canonical);
        for (auto prefix : kPluginPrefixes)
            if (canonical.starts_with(prefix))
                return "parameters of plugin instances are not supported: flinkscaler has no plugin mechanism "
                       "(docs/deviations.md)";
        const auto unknown = unknown_autoscaler_keys({{key, ""}});
        if (!unknown.empty()) {
            // unknown_autoscaler_keys phrases its hint "key (did you mean x?)"; keep ours uniform.
            const std::string& entry = unknown.front();
            const std::string marker = " (did you mean ";
            const auto at = entry.find(marker);
            if (at == std::string::npos) return "unknown autoscaler option (`flinkscaler options` lists them)";
            const std::string hint = entry.substr(at + marker.size(), entry.size() - at - marker.size() - 2);
            return "unknown autoscaler option (did you mean '" + hint + "'?)";
        }
        return "";
    }

    static std::string option_value_problem(const std::string& key, const std::string& value) {
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

    // ---- combinations of levels ----

    // The rules of validate() span options (utilization.min <= target <= max, ...), so each level
    // is checked merged with the levels below it. A violation is reported at the level that
    // introduces it: at the named option when that level sets it, else at the level's map.
    void validate_combinations(const OptionLevel& defaults, const std::vector<LevelOf>& clusters,
                               const std::vector<LevelOf>& jobs) {
        check_level(Configuration{}, defaults);
        std::vector<Configuration> cluster_confs;
        for (const auto& cluster : clusters) {
            Configuration merged = defaults.good;
            check_level(merged, cluster.options);
            overlay(merged, cluster.options.good);
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
            if (!checked) check_level(defaults.good, job.options);
        }
    }

    void check_level(const Configuration& lower, const OptionLevel& level) {
        if (!level.anchor || level.good.empty()) return;
        Configuration merged = lower;
        overlay(merged, level.good);
        const auto violation = combination_problem(merged);
        if (!violation || violation == combination_problem(lower)) return;
        for (const auto& named : options_named_in(*violation)) {
            for (const auto& option : level.options) {
                if (group_of(option.key) != group_of(named) || !level.good.count(option.key)) continue;
                problems_.add(option.value_mark, option.path, *violation);
                return;
            }
        }
        level.anchor->problem(*violation + " (together with the options it inherits)");
    }

    static std::optional<std::string> combination_problem(const Configuration& conf) {
        try {
            return validate(AutoscalerOptions::from(conf));
        } catch (const OptionError&) {
            return std::nullopt;  // only values that parse alone get here; reported per key otherwise
        }
    }

    // The declared option keys a validate() message names, in the order of the option table.
    static std::vector<std::string> options_named_in(const std::string& message) {
        std::vector<std::string> named;
        const auto is_key_char = [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
        };
        for (const auto& spec : autoscaler_option_specs()) {
            const std::string key(spec.key);
            for (auto at = message.find(key); at != std::string::npos; at = message.find(key, at + 1)) {
                const auto end = at + key.size();
                const bool starts = at == 0 || !is_key_char(message[at - 1]);
                if (starts && (end == message.size() || !is_key_char(message[end]))) {
                    named.push_back(key);
                    break;
                }
            }
        }
        return named;
    }

    // ---- scalar checks ----

    template <typename T, typename Read>
    static void set(const std::optional<Node>& node, T& target, Read&& read) {
        if (!node) return;
        if (auto value = read(*node)) target = static_cast<T>(*value);
    }

    static std::string cluster_name_problem(const std::string& name) {
        if (name.empty()) return "must not be empty";
        const bool ok = std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
        });
        if (!ok)
            return "\"" + name + "\" may only hold letters, digits, '.', '_' and '-' (it is part of every job key "
                   "<cluster>/<job-id>)";
        return "";
    }

    static bool valid_port(const std::string& port, bool allow_zero) {
        const auto digit = [](char c) { return c >= '0' && c <= '9'; };
        if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), digit)) return false;
        const int p = std::stoi(port);
        return p <= 65535 && (allow_zero || p > 0);
    }

    static std::string url_problem(const std::string& url) {
        std::string authority;
        try {
            authority = http::split_base_url(url).first;
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        if (url.find_first_of("?#") != std::string::npos)
            return "invalid URL \"" + url + "\": a query or fragment is not allowed (only a path prefix)";
        authority = authority.substr(authority.find("://") + 3);
        const auto bracket = authority.rfind(']');
        const auto colon = authority.rfind(':');
        if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
            if (!valid_port(authority.substr(colon + 1), false))
                return "invalid URL \"" + url + "\": the port must be a number in 1..65535";
            authority.resize(colon);
        }
        if (authority.empty()) return "invalid URL \"" + url + "\": expected a host";
        return "";
    }

    static std::string address_problem(const std::string& address) {
        if (address.empty()) return "";  // disables the status endpoint
        const auto colon = address.rfind(':');
        const std::string expected = "expected host:port (e.g. 127.0.0.1:8089, [::1]:8089) or \"\" to disable, got \"" +
                                     address + "\"";
        if (colon == std::string::npos || colon == 0) return expected;
        const std::string host = address.substr(0, colon);
        // An IPv6 host needs brackets, or its colons could not be told from the port's.
        if (host.front() == '[' ? host.back() != ']' : host.find(':') != std::string::npos) return expected;
        if (host.find_first_of(" /") != std::string::npos) return expected;
        // Port 0 asks the system for a free port (tests); the bound address is logged.
        if (!valid_port(address.substr(colon + 1), true)) return expected;
        return "";
    }

    fs::path resolve(const std::string& path) const {
        const fs::path p(path);
        return p.is_absolute() ? p : (base_dir_ / p).lexically_normal();
    }

    // Empty when `path` names a regular file this process can open, else why not.
    std::string unreadable(const std::string& written, const fs::path& path) const {
        const std::string shown = written == path.string() ? "'" + written + "'"
                                                           : "'" + written + "' (" + path.string() + ")";
        std::error_code ec;
        if (fs::is_directory(path, ec)) return "cannot read " + shown + ": is a directory";
        std::FILE* f = std::fopen(path.c_str(), "rb");
        if (f == nullptr) return "cannot read " + shown + ": " + std::strerror(errno);
        std::fclose(f);
        return "";
    }

    std::string readable_file(const Node& node) {
        const auto text = node.text();
        if (!text) return "";
        if (text->empty()) {
            node.problem("must not be empty (leave the key out instead)");
            return "";
        }
        const fs::path path = resolve(*text);
        if (const auto problem = unreadable(*text, path); !problem.empty()) node.problem(problem);
        return path.string();
    }

    std::string read_secret(const Node& node) {
        const auto text = node.text();
        if (!text) return "";
        if (text->empty()) {
            node.problem("must not be empty");
            return "";
        }
        const fs::path path = resolve(*text);
        if (const auto problem = unreadable(*text, path); !problem.empty()) {
            node.problem(problem);
            return "";
        }
        std::ifstream in(path, std::ios::binary);
        std::stringstream content;
        content << in.rdbuf();
        std::string secret = content.str();
        // Editors and `echo` end files with a newline that is not part of the secret.
        while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
        if (secret.empty()) node.problem("'" + *text + "' is empty");
        return secret;
    }

    Problems& problems_;
    fs::path base_dir_;
    ServiceConfig config_;
    std::map<std::string, int> cluster_lines_;  ///< cluster name -> line of its name
};

}  // namespace

ServiceConfig parse_service_config(const std::string& text, const std::string& file) {
    Problems problems(file);
    Loader loader(problems, file);
    ServiceConfig config = loader.load(text, file);
    if (!problems.empty()) throw ConfigError(problems.sorted());
    return config;
}

ServiceConfig load_service_config(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw std::runtime_error(path + ": cannot read: is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot read: " + std::strerror(errno));
    std::stringstream text;
    text << in.rdbuf();
    if (in.bad()) throw std::runtime_error(path + ": cannot read: " + std::strerror(errno));
    return parse_service_config(text.str(), path);
}

}  // namespace flinkscaler::service
