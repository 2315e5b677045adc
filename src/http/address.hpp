// SPDX-License-Identifier: Apache-2.0
//
// The syntax of the network addresses flinkscaler reads: base URLs of JobManagers and
// ResourceManagers (as Connection takes them), and "host:port" listen addresses (the status
// endpoint). One parser each, shared by the config file checks and the code that uses the value,
// so an address the config accepts is one the daemon can use.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace flinkscaler::http {

/// True for a decimal port of at most 5 digits in 1..65535 (0..65535 when `allow_zero`).
bool valid_port(std::string_view port, bool allow_zero);

/// Why `url` is not a base URL Connection can use (scheme http or https, a host, an optional port
/// in 1..65535 and path prefix, no query or fragment), or "" when it is.
std::string url_problem(const std::string& url);

/// A listen address split into its parts.
struct HostPort {
    std::string host;  ///< without the brackets of an IPv6 address; "" for ":port" (all interfaces)
    int port = 0;      ///< 0..65535 (0: the system picks a free port)
};

/// Why a listen address does not parse.
enum class AddressError {
    MissingPort,          ///< no ':' at all
    Ipv6WithoutBrackets,  ///< the host holds a ':' but is not in brackets
    BadBrackets,          ///< '[' without a ']' followed by ':port'
    BadPort,              ///< the port is not a number in 0..65535
};

/// Splits "host:port", "[v6-address]:port" or ":port".
std::variant<HostPort, AddressError> parse_host_port(std::string_view address);

}  // namespace flinkscaler::http
