// SPDX-License-Identifier: Apache-2.0
//
// The start of an HTTP body for an error message: an operator needs to see what came back (a
// standby's HTML page, a gateway's error), but the message must stay short and valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace flinkscaler::yarn {

/// The first 80 bytes of `body`, quoted, as printable ASCII (other bytes as \xNN), with "..."
/// when cut.
std::string body_excerpt(std::string_view body);

}  // namespace flinkscaler::yarn
