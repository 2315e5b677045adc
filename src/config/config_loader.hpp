// SPDX-License-Identifier: Apache-2.0
//
// Reading the daemon's config file into a ServiceConfig (service_config.hpp).
//
// Loading never stops at the first problem: every problem is collected with the file, line,
// column and key path where it was found, so `flinkscaler check-config` can list them all and the
// daemon can refuse a bad file (at start, or keep the old config on a bad SIGHUP reload).
//
// Parsing is a pure function of the text and a FileProbe: the only file-system questions (is a
// TLS file readable, what does a secret file hold, where do relative paths start) go through the
// probe, so tests and fuzzers can parse without a disk.
#pragma once

#include "config/config_problem.hpp"
#include "config/file_probe.hpp"
#include "config/service_config.hpp"

#include <string>

namespace flinkscaler::config {

/// Reads and validates a config file: YAML syntax, unknown keys (with a "did you mean" hint),
/// types and ranges, durations/sizes in Flink syntax, unique cluster names, URLs, readable TLS
/// and secret files, and every autoscaler option value in `defaults:`, clusters and jobs (parsed
/// with AutoscalerOptions::from, unknown job.autoscaler.* keys reported with a hint). Throws
/// ConfigError listing every problem; std::runtime_error when the file cannot be read.
ServiceConfig load_service_config(const std::string& path);

/// The same from text, asking `files` about the files it names. `source_name` is used in messages
/// and for resolving relative paths (state-database, log file, TLS and secret files: relative to
/// the directory of `source_name`, itself relative to files.current_directory()).
ServiceConfig parse_service_config(const std::string& text, const std::string& source_name, const FileProbe& files);

/// The same with the real file system (system_files()): a text checked as if it were the file
/// `source_name` (tests that write their config next to the files it names).
ServiceConfig parse_service_config(const std::string& text, const std::string& source_name);

}  // namespace flinkscaler::config
