// SPDX-License-Identifier: Apache-2.0
//
// The daemon's log: spdlog to stderr (journald under systemd) or a size-rotated file, as text
// for people or as JSON lines for log shippers. Structured fields (cluster, job, the scaling
// report) become top-level members of a JSON line, and " key=value" suffixes (or an indented
// block for multi-line values) in text.
#pragma once

#include "config/service_config.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <string>

namespace flinkscaler::service {

using config::LogFormat;
using config::LogSettings;

/// Installs the default logger. Throws std::runtime_error for an unknown level or an unwritable
/// log file. May be called again (reload): the old logger is replaced.
void configure_logging(const LogSettings& settings);

/// Logs `message` with `fields` (a JSON object; ignored when null or empty). Strings that
/// contain newlines are printed as an indented block after the message in text format.
void log_with(spdlog::level::level_enum level, const std::string& message, const nlohmann::json& fields = {});

/// The format the logger was configured with (text by default).
LogFormat log_format();

/// spdlog level from a config name (trace, debug, info, warn, error); throws std::invalid_argument.
spdlog::level::level_enum parse_log_level(const std::string& name);

}  // namespace flinkscaler::service
