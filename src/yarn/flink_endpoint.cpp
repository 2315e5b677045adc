// SPDX-License-Identifier: Apache-2.0
#include "yarn/flink_endpoint.hpp"

#include <charconv>
#include <stdexcept>
#include <system_error>

namespace flinkscaler::yarn {

namespace {

std::string proxy_url(const Application& app, std::string active_rm_url) {
    while (!active_rm_url.empty() && active_rm_url.back() == '/') active_rm_url.pop_back();
    return active_rm_url + "/proxy/" + app.id;
}

/// `why` says why direct access was chosen, for the error message.
std::string direct_url(const Application& app, const std::string& scheme, const std::string& why) {
    if (!usable_am_address(app.am_rpc_address))
        throw YarnError("application " + app.id + ": no usable amRPCAddress (\"" + app.am_rpc_address +
                        "\") to reach its Flink REST directly (" + why + "); the AM may not be registered yet");
    return scheme + "://" + app.am_rpc_address;
}

}  // namespace

std::optional<FlinkAccess> parse_flink_access(std::string_view text) {
    if (text == "auto") return FlinkAccess::Auto;
    if (text == "proxy") return FlinkAccess::Proxy;
    if (text == "direct") return FlinkAccess::Direct;
    return std::nullopt;
}

std::string_view to_string(FlinkAccess access) {
    switch (access) {
    case FlinkAccess::Auto: return "auto";
    case FlinkAccess::Proxy: return "proxy";
    case FlinkAccess::Direct: return "direct";
    }
    return "?";
}

bool usable_am_address(std::string_view address) {
    const auto colon = address.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == address.size()) return false;
    const auto port_text = address.substr(colon + 1);
    unsigned port = 0;
    const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    return error == std::errc() && end == port_text.data() + port_text.size() && port >= 1 && port <= 65535;
}

FlinkEndpoint flink_endpoint(const Application& app, FlinkAccess access, const std::string& active_rm_url,
                             const std::string& direct_scheme) {
    if (direct_scheme != "http" && direct_scheme != "https")
        throw std::invalid_argument("Flink REST scheme must be http or https, got \"" + direct_scheme + "\"");
    switch (access) {
    case FlinkAccess::Proxy: {
        const auto url = proxy_url(app, active_rm_url);
        return {url, url, false, false};
    }
    case FlinkAccess::Direct: {
        const auto url = direct_url(app, direct_scheme, "flink access 'direct'");
        return {url, url, true, true};
    }
    case FlinkAccess::Auto: break;
    }
    const bool read_direct = app.tracking_url.find("/proxy/") == std::string::npos;
    const bool rescale_direct = usable_am_address(app.am_rpc_address);
    return {
        read_direct ? direct_url(app, direct_scheme, "trackingUrl \"" + app.tracking_url + "\" is not an RM proxy URL")
                    : proxy_url(app, active_rm_url),
        rescale_direct ? direct_url(app, direct_scheme, "rescale") : proxy_url(app, active_rm_url),
        read_direct,
        rescale_direct,
    };
}

}  // namespace flinkscaler::yarn
