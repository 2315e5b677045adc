// SPDX-License-Identifier: Apache-2.0
//
// A fresh directory under the system temp directory for one test, removed with everything in it
// when the test ends.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace flinkscaler::testing {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "flinkscaler-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed under " + pattern);
        path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    /// A path inside the directory (not created).
    std::string file(const std::string& name = "state.db") const { return (path / name).string(); }

    /// Writes `content` to `name` (creating parent directories) and returns its path.
    std::filesystem::path write(const std::string& name, const std::string& content) const {
        const auto target = path / name;
        std::filesystem::create_directories(target.parent_path());
        std::ofstream(target, std::ios::binary) << content;
        return target;
    }

    std::filesystem::path path;
};

}  // namespace flinkscaler::testing
