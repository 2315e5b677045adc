// SPDX-License-Identifier: Apache-2.0
//
// Reads a file under tests/fixtures/ (FLINKSCALER_FIXTURES is set by the test's meson target);
// a missing fixture fails the test with its path.
#pragma once

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace flinkscaler::testing {

inline std::string read_fixture(const std::string& relative_path) {
    const std::string path = std::string(FLINKSCALER_FIXTURES) + "/" + relative_path;
    std::ifstream in(path, std::ios::binary);
    if (!in) FAIL("cannot open fixture " << path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace flinkscaler::testing
