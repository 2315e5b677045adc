// SPDX-License-Identifier: Apache-2.0
#include "sim_process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace flinkscaler::sim::testing {

namespace {

void drain(int fd, std::string& buffer) {
    char chunk[4096];
    while (true) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n <= 0) return;
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

}  // namespace

SimProcess::SimProcess(const std::string& program, const std::vector<std::string>& args) {
    int out_pipe[2], err_pipe[2];
    if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::dup2(out_pipe[1], STDOUT_FILENO);
        ::dup2(err_pipe[1], STDERR_FILENO);
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(program.c_str()));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(program.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
    ::fcntl(out_fd_, F_SETFL, O_NONBLOCK);
    ::fcntl(err_fd_, F_SETFL, O_NONBLOCK);
}

SimProcess::~SimProcess() {
    if (pid_ > 0) stop(2.0);
    if (out_fd_ >= 0) ::close(out_fd_);
    if (err_fd_ >= 0) ::close(err_fd_);
}

std::optional<std::string> SimProcess::read_line(double timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (true) {
        const auto eol = out_buffer_.find('\n');
        if (eol != std::string::npos) {
            std::string line = out_buffer_.substr(0, eol);
            out_buffer_.erase(0, eol + 1);
            return line;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pollfd p{out_fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        char chunk[1024];
        const ssize_t n = ::read(out_fd_, chunk, sizeof chunk);
        if (n == 0) return std::nullopt;  // closed
        if (n > 0) out_buffer_.append(chunk, static_cast<std::size_t>(n));
    }
}

int SimProcess::reap(bool block_until_exit, double timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (pid_ > 0) {
        drain(err_fd_, err_buffer_);
        int status = 0;
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            pid_ = -1;
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (!block_until_exit || std::chrono::steady_clock::now() > deadline) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    drain(err_fd_, err_buffer_);
    return status_;
}

int SimProcess::wait(double timeout_s) { return reap(true, timeout_s); }

int SimProcess::stop(double timeout_s) {
    if (pid_ <= 0) return status_;
    ::kill(pid_, SIGTERM);
    const int status = reap(true, timeout_s);
    if (status >= 0) return status;
    ::kill(pid_, SIGKILL);
    reap(true, 5.0);
    return -1;
}

std::string SimProcess::stderr_text() {
    if (err_fd_ >= 0) drain(err_fd_, err_buffer_);
    return err_buffer_;
}

int port_from_line(const std::string& line) {
    const std::string prefix = "listening on http://127.0.0.1:";
    if (line.rfind(prefix, 0) != 0) return 0;
    return std::atoi(line.c_str() + prefix.size());
}

}  // namespace flinkscaler::sim::testing
