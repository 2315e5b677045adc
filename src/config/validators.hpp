// SPDX-License-Identifier: Apache-2.0
//
// Checks of single values of the config file that are not YAML types: cluster names, the status
// address, and the files the config names (resolved against the config file's directory, checked
// and read through a FileProbe). URLs are http::url_problem (http/address.hpp), shared with the
// HTTP client that uses them.
#pragma once

#include "config/config_keys.hpp"
#include "config/file_probe.hpp"
#include "config/yaml_reader.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace flinkscaler::config {

/// Sets `target` to what `read` gives for `node`, when the node is present and `read` accepts it
/// (`read` records the problem otherwise, and `target` keeps its default).
template <typename T, typename Read>
void assign_if_valid(const std::optional<yaml::Node>& node, T& target, Read&& read) {
    if (!node) return;
    if (auto value = read(*node)) target = static_cast<T>(*value);
}

/// Sets `target` to the value of key `name` of `section` read as `table` declares it (duration
/// at least `min`, whole number in min..max, boolean, one of the choices), when the key is present
/// and its value valid; a bad value is recorded as a problem and `target` keeps its default.
void assign_key(const yaml::Node& section, std::span<const KeySpec> table, std::string_view name, Millis& target);
void assign_key(const yaml::Node& section, std::span<const KeySpec> table, std::string_view name, int& target);
void assign_key(const yaml::Node& section, std::span<const KeySpec> table, std::string_view name, bool& target);
void assign_key(const yaml::Node& section, std::span<const KeySpec> table, std::string_view name,
                std::string& target);

/// Why `name` cannot name a cluster (it is part of every job key "<cluster>/<job-id>"), or "".
std::string cluster_name_problem(const std::string& name);

/// Why `address` is not a listen address for the status endpoint ("host:port", "[v6]:port", or
/// "" to disable it; port 0 picks a free port), or "".
std::string address_problem(const std::string& address);

/// The files a config names: paths relative to the config file's directory, checked and read
/// through a FileProbe.
class FileChecks {
public:
    /// `source_name`: the config file's name as given (relative to files.current_directory()).
    FileChecks(const FileProbe& files, const std::string& source_name);

    /// `path` as written, made absolute against the config file's directory.
    std::filesystem::path resolve(const std::string& path) const;

    /// Why the file at `path` (written as `written`) cannot be read, as a message naming both, or
    /// "" when it can.
    std::string file_problem(const std::string& written, const std::filesystem::path& path) const;

    /// Why the file at `path` (written as `written`) cannot be created and written, as a message
    /// naming both ("cannot create or write 'state.db' (/srv/state.db): folder /srv does not
    /// exist"), or "" when it can.
    std::string unwritable_file_problem(const std::string& written, const std::filesystem::path& path) const;

    /// The resolved path of a file the daemon reads later (TLS files); a missing or unreadable
    /// file is reported at `node`.
    std::string readable_file(const yaml::Node& node) const;

    /// The secret held by the file `node` names (secret_file.hpp); an unreadable or empty file is
    /// reported at `node`.
    std::string read_secret(const yaml::Node& node) const;

private:
    const FileProbe& files_;
    std::filesystem::path base_dir_;
};

}  // namespace flinkscaler::config
