// SPDX-License-Identifier: Apache-2.0
//
// Deterministic 32-hex identifiers, so that a scenario without explicit ids gives the same job,
// vertex and slot-sharing-group ids on every run (tests and benchmark logs can name them).
#pragma once

#include <string>
#include <string_view>

namespace flinkscaler::sim {

/// 32 lowercase hex characters derived from `seed` (two independent 64-bit FNV-1a hashes).
std::string derive_hex_id(std::string_view seed);

/// Whether `text` is a Flink JobID/JobVertexID: exactly 32 lowercase or uppercase hex digits.
bool is_hex_id(std::string_view text);

}  // namespace flinkscaler::sim
