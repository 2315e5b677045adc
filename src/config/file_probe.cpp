// SPDX-License-Identifier: Apache-2.0
#include "config/file_probe.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace flinkscaler::config {

namespace {

class SystemFiles final : public FileProbe {
public:
    std::filesystem::path current_directory() const override { return std::filesystem::current_path(); }

    std::string unreadable_reason(const std::filesystem::path& path) const override {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) return "is a directory";
        // Opening is the only honest test of "can read" (permissions, ACLs, a dangling link).
        std::FILE* f = std::fopen(path.c_str(), "rb");
        if (f == nullptr) return std::strerror(errno);
        std::fclose(f);
        return "";
    }

    std::optional<std::string> read(const std::filesystem::path& path) const override {
        std::ifstream in(path, std::ios::binary);
        if (!in) return std::nullopt;
        std::stringstream content;
        content << in.rdbuf();
        return content.str();
    }
};

}  // namespace

const FileProbe& system_files() {
    static const SystemFiles files;
    return files;
}

}  // namespace flinkscaler::config
