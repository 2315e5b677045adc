// SPDX-License-Identifier: Apache-2.0
//
// The daemon's own HTTP endpoint (docs/status-endpoint.md): liveness, readiness, Prometheus
// metrics and the job status API, read from the StatusBoard (and the event table of the state
// store). Plain HTTP; meant for loopback or a trusted network (the default address is loopback).
// What each path answers is the route table of status_routes.hpp; this class is the sockets.
//
// Design: one thread runs a poll() loop over non-blocking sockets (the listener, a self-pipe that
// stop() writes to, and every connection with its own read and write buffer). An idle or slow
// client costs a descriptor and a few bytes, never a thread, so /healthz stays fast however many
// of them are connected (the thread-per-connection pool it replaces stalled with 10 idle clients).
// Routing is cheap (a copy of board state), so requests are answered on the loop thread itself;
// the HTTP parsing and its limits are status_http.hpp. Per connection: a whole request must arrive
// within 10 s of connecting or of the previous response (trickled bytes do not extend it), a
// response that makes no progress for 10 s is dropped; at most 512 connections are open, and when
// full the one idle the longest is closed for the newcomer. Pipelined requests are answered one
// at a time, in order. poll() rather than epoll: with at most 512 descriptors its cost is noise.
#pragma once

#include "service/status_board.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace flinkscaler::store {
class StateReader;
}

namespace flinkscaler::service {

class StatusServer {
public:
    /// `address` is "host:port" ("[v6-address]:port" for IPv6; an empty host means 0.0.0.0);
    /// port 0 binds any free port (see port()). `store` may be null: jobs then have no events.
    /// `liveness_limit` is how long the job loop may stay silent before /healthz fails.
    /// A non-empty `bearer_token` (service.status-token-file) is required, as
    /// `Authorization: Bearer <token>`, by every path but /healthz: without it the answer is 401
    /// with `WWW-Authenticate: Bearer` (before routing, so an unknown path is 401 too).
    StatusServer(std::string address, StatusBoard& board, store::StateReader* store,
                 std::chrono::steady_clock::duration liveness_limit, std::string bearer_token = {});
    ~StatusServer();  ///< stop()
    StatusServer(const StatusServer&) = delete;
    StatusServer& operator=(const StatusServer&) = delete;

    /// Binds synchronously and serves on a background thread. Throws std::runtime_error naming the
    /// address when it is malformed or cannot be bound. A second call while serving does nothing.
    void start();
    /// The bound port (the chosen one when the address asked for port 0); 0 when not started.
    int port() const;
    /// Stops accepting, closes every connection (a response still being sent is cut off) and joins
    /// the thread, within milliseconds; idempotent.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace flinkscaler::service
