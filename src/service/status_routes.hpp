// SPDX-License-Identifier: Apache-2.0
//
// The routes of the daemon's status endpoint (docs/status-endpoint.md "Endpoints"), declared
// once as a table of {method, path pattern, handler} and routed without sockets: StatusServer
// hands every request it receives to StatusRoutes::route, and the unit tests call route directly.
//
// Beyond the table: HEAD is answered by the GET row (the HTTP layer drops the body); a path no
// row matches is 404; a method other than GET or HEAD is 405 with `Allow: GET, HEAD` (the
// endpoint is read-only); a handler that throws is 500. Errors are JSON {"error": "..."}.
#pragma once

#include "service/status_board.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flinkscaler::store {
class StateReader;
}

namespace flinkscaler::service {

/// A request as the routes see it.
struct EndpointRequest {
    std::string method;  ///< "GET", "HEAD", "POST", ...
    std::string path;    ///< percent-decoded, without the query
};

struct EndpointResponse {
    int status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  ///< beyond Content-Type
};

class StatusRoutes {
public:
    /// A handler gets the text that matched the pattern's trailing `{name}` (empty without one).
    using Handler = EndpointResponse (StatusRoutes::*)(std::string_view captured) const;
    struct Route {
        std::string_view method;
        /// An exact path, or a prefix ending in one `{name}` that matches the rest of the path
        /// (at least one character, slashes included).
        std::string_view pattern;
        Handler handler;
    };

    /// `store` may be null: jobs then have no events. `liveness_limit` is how long the job loop
    /// may stay silent before /healthz fails.
    StatusRoutes(StatusBoard& board, store::StateReader* store, std::chrono::steady_clock::duration liveness_limit);

    /// The response to one request; never throws.
    EndpointResponse route(const EndpointRequest& request) const;

    /// Every route, in the order they are matched.
    static const std::vector<Route>& table();

private:
    EndpointResponse healthz(std::string_view) const;
    EndpointResponse readyz(std::string_view) const;
    EndpointResponse metrics(std::string_view) const;
    EndpointResponse jobs(std::string_view) const;
    EndpointResponse job(std::string_view key) const;

    StatusBoard& board_;
    store::StateReader* store_;
    std::chrono::steady_clock::duration liveness_limit_;
};

/// The 405 answer to `method` (also what the server sends for methods its HTTP layer refuses
/// before routing, TRACE and CONNECT).
EndpointResponse method_not_allowed(const std::string& method);
/// {"error": message} with `status`.
EndpointResponse json_error(int status, const std::string& message);

}  // namespace flinkscaler::service
