// SPDX-License-Identifier: Apache-2.0
#include "service/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace flinkscaler::service {

SystemdNotifier::SystemdNotifier() {
    if (const char* path = std::getenv("NOTIFY_SOCKET"); path && *path) socket_path_ = path;
    if (const char* usec = std::getenv("WATCHDOG_USEC"); usec && *usec) {
        // WATCHDOG_PID, when set, names the process the watchdog is meant for.
        const char* pid = std::getenv("WATCHDOG_PID");
        const bool for_us = !pid || !*pid || std::strtol(pid, nullptr, 10) == static_cast<long>(getpid());
        const long long micros = std::strtoll(usec, nullptr, 10);
        if (for_us && micros > 0) watchdog_interval_ = std::chrono::milliseconds(micros / 2000);
    }
}

bool SystemdNotifier::notify(const std::string& state) const {
    if (socket_path_.empty()) return true;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket_path_.size() >= sizeof(address.sun_path)) return false;
    std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
    // A leading '@' names an abstract socket: its first byte is NUL on the wire.
    if (address.sun_path[0] == '@') address.sun_path[0] = '\0';
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());

    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const auto sent = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&address), length);
    close(fd);
    return sent == static_cast<ssize_t>(state.size());
}

}  // namespace flinkscaler::service
