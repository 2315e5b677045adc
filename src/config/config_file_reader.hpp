// SPDX-License-Identifier: Apache-2.0
//
// Private to src/config: the reader of one config text, split by section over three files:
//   config_loader.cpp   the document, `service:` and `log:`, and the public entry points;
//   cluster_section.cpp `clusters:` entries with their YARN, TLS and auth settings;
//   option_maps.cpp     `jobs:` entries, option maps (`defaults:`, a cluster's and a job's
//                       `options:`) and the rules that span precedence levels.
// Every problem goes to yaml::Problems; the reader always goes on, so one run lists them all.
#pragma once

#include "config/service_config.hpp"
#include "config/validators.hpp"
#include "config/yaml_reader.hpp"

#include "flinkscaler/options.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flinkscaler::config {

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
    Configuration parsed;                ///< those whose value parses on its own
    std::optional<yaml::Node> anchor;    ///< the map itself: where problems of a combination go
};

/// The options of a cluster or jobs entry with the cluster they apply to (a jobs entry without a
/// `cluster:` selector applies to every cluster).
struct ScopedOptionLevel {
    OptionLevel options;
    std::optional<std::string> cluster;
};

class ConfigFileReader {
public:
    ConfigFileReader(yaml::Problems& problems, const std::string& source_name, const FileProbe& files);

    /// The config of `text`; what could not be read keeps its default, with a problem recorded.
    ServiceConfig read(const std::string& text);

private:
    // config_loader.cpp
    void read_service(const yaml::Node& node);
    void read_state_store(const yaml::Node& node, const std::optional<yaml::Node>& service);
    void read_log(const yaml::Node& node);

    // cluster_section.cpp
    ScopedOptionLevel read_cluster(const yaml::Node& node);
    YarnSettings read_yarn(const yaml::Node& node, bool& https);
    void read_tls(const yaml::Node& node, http::TlsSettings& tls, bool https);
    void read_auth(const yaml::Node& node, http::AuthSettings& auth);

    // option_maps.cpp
    ScopedOptionLevel read_job(const yaml::Node& node);
    OptionLevel read_options(const yaml::Node& node);
    void flatten(const yaml::Node& map, const std::string& prefix, std::vector<LocatedOption>& out);
    void validate_combinations(const OptionLevel& defaults, const std::vector<ScopedOptionLevel>& clusters,
                               const std::vector<ScopedOptionLevel>& jobs);
    void check_level(const Configuration& lower, const OptionLevel& level);

    yaml::Problems& problems_;
    FileChecks files_;
    ServiceConfig config_;
    std::map<std::string, int> cluster_lines_;  ///< cluster name -> line of its name
};

}  // namespace flinkscaler::config
