// SPDX-License-Identifier: Apache-2.0
#include "config/file_probe.hpp"

#include <sys/stat.h>
#include <unistd.h>

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

    // The same questions as the store asks before it opens (store/sqlite/store_files.cpp), so
    // check-config finds what `run` would fail on; asked with access(), as the daemon's user.
    std::string unwritable_reason(const std::filesystem::path& path) const override {
        const std::filesystem::path parent = path.parent_path();
        const std::string folder = parent.empty() ? "." : parent.string();
        struct stat st {};
        if (::stat(folder.c_str(), &st) != 0)
            return errno == ENOENT ? "folder " + folder + " does not exist"
                                   : "cannot use folder " + folder + ": " + std::strerror(errno);
        if (!S_ISDIR(st.st_mode)) return folder + " is not a folder";
        if (::access(folder.c_str(), W_OK | X_OK) != 0)
            return "cannot create files in folder " + folder + ": " + std::strerror(errno);
        if (::stat(path.c_str(), &st) == 0) {
            if (S_ISDIR(st.st_mode)) return "is a folder";
            if (::access(path.c_str(), R_OK | W_OK) != 0) return std::string("cannot write it: ") + std::strerror(errno);
        }
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
