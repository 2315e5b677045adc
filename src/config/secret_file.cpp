// SPDX-License-Identifier: Apache-2.0
#include "config/secret_file.hpp"

#include <stdexcept>

namespace flinkscaler::config {

std::string secret_of(std::string content) {
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
    return content;
}

std::string read_secret_file(const FileProbe& files, const std::string& path) {
    auto content = files.read(path);
    if (!content) throw std::runtime_error("cannot read " + path);
    return secret_of(std::move(*content));
}

}  // namespace flinkscaler::config
