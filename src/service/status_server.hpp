// SPDX-License-Identifier: Apache-2.0
//
// The daemon's own HTTP endpoint (docs/status-endpoint.md): liveness, readiness, Prometheus
// metrics and the job status API, read from the StatusBoard (and the event table of the state
// store). Plain HTTP; meant for loopback or a trusted network (the default address is loopback).
// What each path answers is the route table of status_routes.hpp; this class is the sockets.
//
// The server runs on its own small thread pool, so a slow or hostile client can never take a
// worker from the job loop; read/write timeouts and a small payload limit bound what one
// connection can hold.
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
    StatusServer(std::string address, StatusBoard& board, store::StateReader* store,
                 std::chrono::steady_clock::duration liveness_limit);
    ~StatusServer();  ///< stop()
    StatusServer(const StatusServer&) = delete;
    StatusServer& operator=(const StatusServer&) = delete;

    /// Binds synchronously and serves on background threads. Throws std::runtime_error naming the
    /// address when it is malformed or cannot be bound. A second call while serving does nothing.
    void start();
    /// The bound port (the chosen one when the address asked for port 0); 0 when not started.
    int port() const;
    /// Stops accepting, lets requests in progress finish and joins the threads; idempotent.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace flinkscaler::service
