// SPDX-License-Identifier: Apache-2.0
//
// What is wrong with a config file, as data: one ConfigProblem per mistake with the file, line,
// column and key path where it was found, and the ConfigError that carries all of them. Its own
// header because both the YAML reader (which records problems) and the loader (which throws them)
// need it.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace flinkscaler::config {

/// One problem of a config file. `key` is the path in the document, e.g. "clusters[1].tls.ca-file";
/// line and column are 1-based (0 when unknown, e.g. a missing required key reports its parent).
struct ConfigProblem {
    std::string file;
    int line = 0;
    int column = 0;
    std::string key;
    std::string message;
    /// "FILE:LINE:COLUMN: key 'KEY': MESSAGE" (the same shape as the simulator's scenario errors).
    std::string to_string() const;
};

/// Thrown by load_service_config / parse_service_config when the file has problems; carries all
/// of them; what() lists them one per line.
struct ConfigError : std::runtime_error {
    explicit ConfigError(std::vector<ConfigProblem> problems);
    std::vector<ConfigProblem> problems;
};

}  // namespace flinkscaler::config
