// SPDX-License-Identifier: Apache-2.0
//
// Runs flink-sim as a child process for the smoke tests: reads its stdout lines with a
// timeout and always stops it (SIGTERM, then SIGKILL), so a test can never leave it running
// or hang on it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace flinkscaler::sim::testing {

class SimProcess {
public:
    /// Start `program` with `args`; stdout and stderr are captured.
    SimProcess(const std::string& program, const std::vector<std::string>& args);
    ~SimProcess();
    SimProcess(const SimProcess&) = delete;
    SimProcess& operator=(const SimProcess&) = delete;

    /// The next stdout line, or nullopt if none arrives within `timeout_s` or stdout closed.
    std::optional<std::string> read_line(double timeout_s);
    /// Send SIGTERM and wait up to `timeout_s`; then SIGKILL. Returns the exit status
    /// (128 + signal when killed by a signal), -1 if it had to be killed.
    int stop(double timeout_s = 5.0);
    /// Wait for the process to exit on its own (up to `timeout_s`); -1 on timeout.
    int wait(double timeout_s);
    /// Everything written to stderr so far (read after the process ended).
    std::string stderr_text();
    bool running() const { return pid_ > 0; }

private:
    int reap(bool block_until_exit, double timeout_s);

    int pid_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    std::string out_buffer_;
    std::string err_buffer_;
    int status_ = -1;
};

/// "listening on http://127.0.0.1:PORT" -> PORT, 0 if the line does not match.
int port_from_line(const std::string& line);

}  // namespace flinkscaler::sim::testing
