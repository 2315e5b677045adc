// SPDX-License-Identifier: Apache-2.0
//
// The few questions the config reader asks the file system, behind one small interface: where
// relative paths start, whether a file can be read (and why not), and what a file holds. Parsing
// a config text through a FileProbe is then a pure function of the text and the probe: tests
// and fuzzers pass a probe of their own, `load_service_config` the real one (system_files()).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace flinkscaler::config {

class FileProbe {
public:
    virtual ~FileProbe() = default;

    /// The working directory: a relative config file name is relative to it.
    virtual std::filesystem::path current_directory() const = 0;

    /// Why `path` cannot be read as a file ("is a directory", "No such file or directory",
    /// "Permission denied"...), or "" when this process can open it.
    virtual std::string unreadable_reason(const std::filesystem::path& path) const = 0;

    /// The whole content of a file, or nullopt when it cannot be opened.
    virtual std::optional<std::string> read(const std::filesystem::path& path) const = 0;
};

/// The real file system.
const FileProbe& system_files();

}  // namespace flinkscaler::config
