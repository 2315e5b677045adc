// SPDX-License-Identifier: Apache-2.0
//
// The few questions the config reader asks the file system, behind one small interface: where
// relative paths start, whether a file can be read (and why not), whether a file the daemon
// writes can be created there (and why not), and what a file holds. Parsing
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

    /// Why this process cannot create and write the file `path` and files beside it (the state
    /// database with its -wal, -shm and .lock files): "folder F does not exist", "F is not a
    /// folder", "cannot create files in folder F: Permission denied" (or "Read-only file
    /// system"), "cannot write it: ..." for an existing file; "" when it can. The default answers
    /// "" (a probe that does not model writing accepts every path).
    virtual std::string unwritable_reason(const std::filesystem::path& /*path*/) const { return ""; }

    /// The whole content of a file, or nullopt when it cannot be opened.
    virtual std::optional<std::string> read(const std::filesystem::path& path) const = 0;
};

/// The real file system.
const FileProbe& system_files();

}  // namespace flinkscaler::config
