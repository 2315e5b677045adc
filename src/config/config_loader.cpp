// SPDX-License-Identifier: Apache-2.0
//
// The document, the `service:` and `log:` sections, and the entry points of config_loader.hpp.
// (clusters: cluster_section.cpp; jobs and option maps: option_maps.cpp)
#include "config/config_loader.hpp"

#include "config/config_file_reader.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace flinkscaler::config {

namespace fs = std::filesystem;
using yaml::Node;

ConfigFileReader::ConfigFileReader(yaml::Problems& problems, const std::string& source_name, const FileProbe& files)
    : problems_(problems), files_(files, source_name) {}

ServiceConfig ConfigFileReader::read(const std::string& text) {
    config_.file = problems_.file();
    const auto root = yaml::parse_document(text, problems_);
    if (!root) return config_;
    if (root->is_null()) {
        problems_.add(0, 0, "clusters", "is required (the file holds no settings)");
        return config_;
    }
    if (!root->expect_map(key_names(kRootKeys), false)) return config_;

    if (const auto service = root->get("service")) read_service(*service);
    if (const auto store = root->get("state-store")) read_state_store(*store, root->get("service"));
    OptionLevel defaults;
    if (const auto node = root->get("defaults")) defaults = read_options(*node);
    config_.defaults = defaults.parsed;

    std::vector<ScopedOptionLevel> cluster_levels;
    if (const auto clusters = root->required("clusters")) {
        if (const auto items = clusters->items(false)) {
            if (items->empty()) clusters->problem("at least one cluster is needed");
            for (const auto& item : *items) cluster_levels.push_back(read_cluster(item));
        }
    }

    std::vector<ScopedOptionLevel> job_levels;
    if (const auto jobs = root->get("jobs"))
        if (const auto items = jobs->items())
            for (const auto& item : *items) job_levels.push_back(read_job(item));

    validate_combinations(defaults, cluster_levels, job_levels);

    // The SQLite file must be creatable where the config puts it: `run` fails at start otherwise
    // (the daemon creates the database, -wal, -shm and .lock files in its folder). The default
    // path is left to `run`: its folder is made by the package (tmpfiles.d, StateDirectory=), and
    // `run --state-database` may replace it.
    if (config_.service.state_store_backend == "sqlite") {
        std::optional<Node> path;
        if (const auto service = root->get("service")) path = service->get("state-database");
        if (const auto store = root->get("state-store"); !path && store) path = store->get("path");
        // A value that is not one path was reported above; only a path is checked here.
        if (path && path->is_scalar() && !path->yaml().Scalar().empty()) {
            const std::string& written = path->yaml().Scalar();
            if (const auto problem = files_.unwritable_file_problem(written, files_.resolve(written)); !problem.empty())
                path->problem(problem);
        }
    }
    return config_;
}

void ConfigFileReader::read_service(const Node& node) {
    if (!node.expect_map(key_names(kServiceKeys))) return;
    auto& s = config_.service;
    // The lower bounds (config_keys.cpp): a poll below 1 s would hammer the JobManagers for no
    // gain (metric windows are minutes long); a timeout below 100 ms is a typo (a bare number is
    // milliseconds), never a wish; retention below a minute would delete state between two polls.
    assign_key(node, kServiceKeys, "poll-interval", s.poll_interval);
    assign_key(node, kServiceKeys, "workers", s.workers);
    assign_key(node, kServiceKeys, "max-concurrent-requests", s.cluster_max_concurrent_requests);
    assign_key(node, kServiceKeys, "connect-timeout", s.connect_timeout);
    assign_key(node, kServiceKeys, "request-timeout", s.request_timeout);
    if (const auto db = node.get("state-database")) {
        if (const auto text = db->text()) {
            if (text->empty()) db->problem("must not be empty");
            else s.state_database = files_.resolve(*text).string();
        }
    }
    if (const auto address = node.get("status-address")) {
        if (const auto text = address->text()) {
            if (const auto problem = address_problem(*text); !problem.empty()) address->problem(problem);
            else s.status_address = *text;
        }
    }
    if (const auto file = node.get("status-token-file")) s.status_token = files_.read_secret(*file);
    assign_key(node, kServiceKeys, "dry-run", s.dry_run);
    assign_key(node, kServiceKeys, "job-retention", s.job_retention);
    assign_key(node, kServiceKeys, "event-retention", s.event_retention);
    // 0 turns recording off; anything else below a minute would drop samples before export.
    assign_key(node, kServiceKeys, "sample-retention", s.sample_retention);
    assign_key(node, kServiceKeys, "rescale-failure-limit", s.rescale_failure_limit);
    if (const auto log = node.get("log")) read_log(*log);
}

void ConfigFileReader::read_state_store(const Node& node, const std::optional<Node>& service) {
    if (!node.expect_map(key_names(kStateStoreKeys))) return;
    auto& s = config_.service;
    assign_key(node, kStateStoreKeys, "backend", s.state_store_backend);
    if (const auto path = node.get("path")) {
        if (service && service->get("state-database")) {
            path->problem("names the same file as service.state-database: give one of the two");
        } else if (const auto text = path->text()) {
            if (text->empty()) path->problem("must not be empty");
            else s.state_database = files_.resolve(*text).string();
        }
    }
}

void ConfigFileReader::read_log(const Node& node) {
    if (!node.expect_map(key_names(kLogKeys))) return;
    auto& log = config_.service.log;
    assign_key(node, kLogKeys, "level", log.level);
    std::string format;
    assign_key(node, kLogKeys, "format", format);
    if (!format.empty()) log.format = format == "json" ? LogFormat::Json : LogFormat::Text;
    if (const auto file = node.get("file"))
        if (const auto text = file->text()) log.file = text->empty() ? "" : files_.resolve(*text).string();
    if (const auto size = node.get("max-file-size"))
        if (const auto bytes = size->memory_size(key_spec(kLogKeys, "max-file-size").min))
            log.max_file_bytes = static_cast<std::size_t>(*bytes);
    assign_key(node, kLogKeys, "max-files", log.max_files);
}

ServiceConfig parse_service_config(const std::string& text, const std::string& source_name, const FileProbe& files) {
    yaml::Problems problems(source_name);
    ConfigFileReader reader(problems, source_name, files);
    ServiceConfig config = reader.read(text);
    if (!problems.empty()) throw ConfigError(problems.sorted());
    return config;
}

ServiceConfig parse_service_config(const std::string& text, const std::string& source_name) {
    return parse_service_config(text, source_name, system_files());
}

ServiceConfig load_service_config(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw std::runtime_error(path + ": cannot read: is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot read: " + std::strerror(errno));
    std::stringstream text;
    text << in.rdbuf();
    if (in.bad()) throw std::runtime_error(path + ": cannot read: " + std::strerror(errno));
    return parse_service_config(text.str(), path, system_files());
}

}  // namespace flinkscaler::config
