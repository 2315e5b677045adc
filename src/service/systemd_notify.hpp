// SPDX-License-Identifier: Apache-2.0
//
// The systemd notification protocol (sd_notify(3)) without libsystemd: one datagram to the
// AF_UNIX socket named by $NOTIFY_SOCKET. Outside systemd (no NOTIFY_SOCKET) every call is a
// no-op, so the daemon runs the same by hand, in tests and under Type=notify.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace flinkscaler::service {

class SystemdNotifier {
public:
    /// Reads NOTIFY_SOCKET and WATCHDOG_USEC once (at construction).
    SystemdNotifier();

    bool enabled() const { return !socket_path_.empty(); }
    /// How often to send WATCHDOG=1 (half of WatchdogSec), when the unit has a watchdog.
    std::optional<std::chrono::milliseconds> watchdog_interval() const { return watchdog_interval_; }

    /// Sends `state` (e.g. "READY=1\nSTATUS=..."). Returns false on failure (never throws: a
    /// notification problem must not stop the service).
    bool notify(const std::string& state) const;

private:
    std::string socket_path_;
    std::optional<std::chrono::milliseconds> watchdog_interval_;
};

}  // namespace flinkscaler::service
