// SPDX-License-Identifier: Apache-2.0
//
// The HTTP/1.1 wire format of the status endpoint, without sockets: an incremental parser of
// request heads with hard limits, and the serializer of a routed response. StatusServer feeds it
// the bytes a connection has received; the unit tests feed it strings.
//
// Only what a read-only endpoint needs: a request line (method, origin-form target, HTTP/1.0 or
// 1.1), header fields, a body framed by Content-Length (read and dropped: no route takes one).
// Chunked or other transfer codings in a request are refused (411/501), as are heads over
// kMaxHeadBytes or kMaxHeaderFields (431) and bodies over kMaxBodyBytes (413, decided from
// Content-Length before any of the body is read). Every refusal closes the connection: after a
// malformed head the framing of what follows is unknown.
#pragma once

#include "service/status_routes.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace flinkscaler::service {

/// The whole request head, request line included, up to and including the blank line.
inline constexpr std::size_t kMaxHeadBytes = 8192;
/// Header field lines after the request line.
inline constexpr std::size_t kMaxHeaderFields = 100;
/// Nothing here takes a body; small ones (an accidental POST) are read and dropped.
inline constexpr std::size_t kMaxBodyBytes = 4096;

/// One parsed request.
struct HttpRequest {
    EndpointRequest endpoint;        ///< method and percent-decoded path without the query
    bool keep_alive = true;          ///< false for HTTP/1.0 or `Connection: close`
    std::string authorization;       ///< the Authorization field, "" without one
    std::size_t consumed = 0;        ///< bytes of the buffer this request took, body included
};
/// Not enough bytes yet for a whole request (head and body).
struct HttpIncomplete {};
/// A request that is refused: answer `status` with `message`, then close.
struct HttpRefusal {
    int status;
    std::string message;
};
using HttpParse = std::variant<HttpIncomplete, HttpRequest, HttpRefusal>;

/// Parses the request at the start of `buffer`.
HttpParse parse_request(std::string_view buffer);

/// The bytes of `response` as an HTTP/1.1 message: status line, Content-Type, the route's headers,
/// Content-Length, `Connection: keep-alive` or `close`, and the body unless `head_only` (HEAD).
std::string serialize_response(const EndpointResponse& response, bool keep_alive, bool head_only);

/// True when `authorization` (a request's Authorization field) is `Bearer <token>` (the scheme in
/// any case). The comparison takes a time that depends on the length of `token` only, so a client
/// cannot find the token byte by byte from response times. False for an empty `token`.
bool bearer_matches(std::string_view authorization, std::string_view token);

/// The reason phrase of `status` ("OK", "Not Found", ...; "Unknown" for others).
std::string_view reason_phrase(int status);

}  // namespace flinkscaler::service
