// SPDX-License-Identifier: Apache-2.0
#include "sim/model/ids.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>

namespace flinkscaler::sim {

namespace {

std::uint64_t fnv1a(std::string_view text, std::uint64_t basis) {
    std::uint64_t h = basis;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return h;
}

}  // namespace

std::string derive_hex_id(std::string_view seed) {
    const std::uint64_t high = fnv1a(seed, 14695981039346656037ULL);
    // A different basis gives a second, independent-enough half.
    const std::uint64_t low = fnv1a(seed, 0x9e3779b97f4a7c15ULL);
    char buffer[33];
    std::snprintf(buffer, sizeof buffer, "%016llx%016llx", static_cast<unsigned long long>(high),
                  static_cast<unsigned long long>(low));
    return buffer;
}

bool is_hex_id(std::string_view text) {
    if (text.size() != 32) return false;
    for (const char c : text)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

}  // namespace flinkscaler::sim
