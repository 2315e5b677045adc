// SPDX-License-Identifier: Apache-2.0
//
// The origin (scheme, host, port) of a URL, to decide whether a standby RM's redirect names one of
// the configured RMs: credentials must never follow a redirect to a host nobody configured
// (flink-rest.md §5.2). Host names are compared as written, never resolved.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flinkscaler::yarn {

/// "scheme://host:port" with scheme and host lower-cased and the default port (80, 443) filled
/// in; the path, query and fragment are dropped. nullopt for anything but an absolute http(s) URL
/// with a host (relative URLs, credentials in the URL, a non-numeric port).
std::optional<std::string> url_origin(std::string_view url);

}  // namespace flinkscaler::yarn
