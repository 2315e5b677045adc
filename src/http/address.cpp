// SPDX-License-Identifier: Apache-2.0
#include "http/address.hpp"

#include "http/connection.hpp"

#include <algorithm>
#include <stdexcept>

namespace flinkscaler::http {

bool valid_port(std::string_view port, bool allow_zero) {
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), digit)) return false;
    const int p = std::stoi(std::string(port));
    return p <= 65535 && (allow_zero || p > 0);
}

std::string url_problem(const std::string& url) {
    std::string authority;
    try {
        authority = split_base_url(url).first;
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    if (url.find_first_of("?#") != std::string::npos)
        return "invalid URL \"" + url + "\": a query or fragment is not allowed (only a path prefix)";
    authority = authority.substr(authority.find("://") + 3);
    const auto bracket = authority.rfind(']');
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
        if (!valid_port(authority.substr(colon + 1), false))
            return "invalid URL \"" + url + "\": the port must be a number in 1..65535";
        authority.resize(colon);
    }
    if (authority.empty()) return "invalid URL \"" + url + "\": expected a host";
    return "";
}

std::variant<HostPort, AddressError> parse_host_port(std::string_view address) {
    HostPort out;
    std::string_view port_text;
    if (!address.empty() && address.front() == '[') {
        const auto close = address.find(']');
        if (close == std::string_view::npos || close + 1 >= address.size() || address[close + 1] != ':')
            return AddressError::BadBrackets;
        out.host = std::string(address.substr(1, close - 1));
        port_text = address.substr(close + 2);
    } else {
        const auto colon = address.rfind(':');
        if (colon == std::string_view::npos) return AddressError::MissingPort;
        out.host = std::string(address.substr(0, colon));
        if (out.host.find(':') != std::string::npos) return AddressError::Ipv6WithoutBrackets;
        port_text = address.substr(colon + 1);
    }
    if (!valid_port(port_text, true)) return AddressError::BadPort;
    out.port = std::stoi(std::string(port_text));
    return out;
}

}  // namespace flinkscaler::http
