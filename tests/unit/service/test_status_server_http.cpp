// SPDX-License-Identifier: Apache-2.0
// The status endpoint's HTTP/1.1 wire format without sockets (status_http.hpp): request heads
// with their limits, and responses. test_status_server.cpp drives the same code over TCP.
#include "service/status_http.hpp"

#include <catch2/catch.hpp>

#include <string>

using flinkscaler::service::EndpointResponse;
using flinkscaler::service::HttpIncomplete;
using flinkscaler::service::HttpRefusal;
using flinkscaler::service::HttpRequest;
using flinkscaler::service::kMaxBodyBytes;
using flinkscaler::service::kMaxHeadBytes;
using flinkscaler::service::parse_request;
using flinkscaler::service::serialize_response;

namespace {

int refusal(const std::string& buffer) {
    const auto parsed = parse_request(buffer);
    const auto* r = std::get_if<HttpRefusal>(&parsed);
    return r ? r->status : 0;
}

bool incomplete(const std::string& buffer) { return std::holds_alternative<HttpIncomplete>(parse_request(buffer)); }

}  // namespace

TEST_CASE("status http: a request head is parsed into method, decoded path and keep-alive", "[status][http]") {
    const std::string wire = "GET /api/v1/jobs/prod%2Fabc?x=1 HTTP/1.1\r\nHost: a\r\n\r\nGET /next";
    const auto parsed = parse_request(wire);
    const auto* r = std::get_if<HttpRequest>(&parsed);
    REQUIRE(r);
    CHECK(r->endpoint.method == "GET");
    CHECK(r->endpoint.path == "/api/v1/jobs/prod/abc");
    CHECK(r->keep_alive);
    CHECK(wire.substr(r->consumed) == "GET /next");

    const auto closing = std::get<HttpRequest>(parse_request("HEAD /m HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n"));
    CHECK(!closing.keep_alive);
    CHECK(!std::get<HttpRequest>(parse_request("GET / HTTP/1.0\r\n\r\n")).keep_alive);
    // Bare LF line ends and absolute-form targets are accepted.
    CHECK(std::get<HttpRequest>(parse_request("GET http://h:1/healthz HTTP/1.1\n\n")).endpoint.path == "/healthz");
}

TEST_CASE("status http: a request waits for its whole head and Content-Length body", "[status][http]") {
    CHECK(incomplete(""));
    CHECK(incomplete("GET /healthz HTTP/1.1\r\nHost: a\r\n"));
    CHECK(incomplete("POST /m HTTP/1.1\r\nContent-Length: 4\r\n\r\nabc"));
    const auto r = std::get<HttpRequest>(parse_request("POST /m HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcdGET"));
    CHECK(r.consumed == std::string("POST /m HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd").size());
}

TEST_CASE("status http: heads, bodies and codings beyond the limits are refused", "[status][http]") {
    // 431 as soon as the buffered head passes the limit, even without its end.
    CHECK(incomplete("GET / HTTP/1.1\r\nX: " + std::string(kMaxHeadBytes - 30, 'a')));
    CHECK(refusal("GET / HTTP/1.1\r\nX: " + std::string(kMaxHeadBytes, 'a')) == 431);
    std::string many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 101; ++i) many += "A: b\r\n";
    CHECK(refusal(many) == 431);  // before the end of the head
    // 413 from the Content-Length alone.
    CHECK(refusal("POST / HTTP/1.1\r\nContent-Length: " + std::to_string(kMaxBodyBytes + 1) + "\r\n\r\n") == 413);
    CHECK(incomplete("POST / HTTP/1.1\r\nContent-Length: " + std::to_string(kMaxBodyBytes) + "\r\n\r\n"));
    CHECK(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == 411);
    CHECK(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n") == 501);
    CHECK(refusal("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") == 400);
    CHECK(refusal("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") == 400);
    CHECK(refusal("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n") == 400);
}

TEST_CASE("status http: malformed request lines and headers are 400, other versions 505", "[status][http]") {
    for (const std::string bad : {"GET\r\n\r\n", "GET /\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1 x\r\n\r\n",
                                  "G(T / HTTP/1.1\r\n\r\n", "GET nope HTTP/1.1\r\n\r\n", "GET /%4 HTTP/1.1\r\n\r\n",
                                  "GET /%00 HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nNo colon\r\n\r\n",
                                  "GET / HTTP/1.1\r\nBad name: x\r\n\r\n", "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
                                  "GET / HTTPS/1.1\r\n\r\n"}) {
        INFO(bad);
        CHECK(refusal(bad) == 400);
    }
    CHECK(refusal("GET / HTTP/2.0\r\n\r\n") == 505);
    CHECK(refusal("GET / HTTP/0.9\r\n\r\n") == 505);
}

TEST_CASE("status http: a response carries its headers, length and connection; HEAD has no body", "[status][http]") {
    EndpointResponse r{405, "application/json", "{}", {{"Allow", "GET, HEAD"}}};
    CHECK(serialize_response(r, true, false) ==
          "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nAllow: GET, HEAD\r\n"
          "Content-Length: 2\r\nConnection: keep-alive\r\n\r\n{}");
    CHECK(serialize_response(r, false, true) ==
          "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nAllow: GET, HEAD\r\n"
          "Content-Length: 2\r\nConnection: close\r\n\r\n");
}

TEST_CASE("status http: a bearer token matches only exactly, after the scheme in any case", "[status][http][token]") {
    using flinkscaler::service::bearer_matches;
    CHECK(bearer_matches("Bearer abc", "abc"));
    CHECK(bearer_matches("bearer abc", "abc"));
    CHECK(!bearer_matches("Bearer ab", "abc"));
    CHECK(!bearer_matches("Bearer abcd", "abc"));
    CHECK(!bearer_matches("Bearer abd", "abc"));
    CHECK(!bearer_matches("Basic abc", "abc"));
    CHECK(!bearer_matches("abc", "abc"));
    CHECK(!bearer_matches("", "abc"));
    CHECK(!bearer_matches("Bearer ", ""));  // no token configured never matches
    const auto parsed = std::get<HttpRequest>(parse_request("GET / HTTP/1.1\r\nAUTHORIZATION:  Bearer x \r\n\r\n"));
    CHECK(parsed.authorization == "Bearer x");
}
