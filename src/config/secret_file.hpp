// SPDX-License-Identifier: Apache-2.0
//
// Secrets (basic-auth passwords, bearer tokens) live in files of their own, never in the config
// file or on the command line. One reading of such a file for the config reader (auth
// `password-file` / `token-file`) and the commands' `--password-file` / `--token-file` flags.
#pragma once

#include "config/file_probe.hpp"

#include <string>

namespace flinkscaler::config {

/// The secret a file holds: its content without the line ends that editors and `echo` add at
/// the end (a line end inside is kept).
std::string secret_of(std::string content);

/// Reads the secret of a file named on the command line; throws std::runtime_error
/// "cannot read PATH" when it cannot be opened.
std::string read_secret_file(const FileProbe& files, const std::string& path);

}  // namespace flinkscaler::config
