// SPDX-License-Identifier: Apache-2.0
#include "store/sqlite/store_files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace flinkscaler::store::sqlite {

namespace {

/// "<what> does not exist" for ENOENT, else "cannot use <what>: <OS reason>".
std::string missing_or(int error, const std::string& what) {
    if (error == ENOENT) return what + " does not exist";
    return "cannot use " + what + ": " + std::strerror(error);
}

std::string folder_of(const std::string& db_path) {
    const std::filesystem::path parent = std::filesystem::path(db_path).parent_path();
    return parent.empty() ? "." : parent.string();
}

std::string host_name() {
    char name[HOST_NAME_MAX + 1] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
    return name;
}

std::string utc_now() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::string lock_text(const StoreHolder& holder) {
    return "pid=" + std::to_string(holder.pid) + "\nhost=" + holder.host + "\nsince=" + holder.since + "\n";
}

std::optional<StoreHolder> parse_lock_text(const std::string& text) {
    StoreHolder holder;
    bool pid = false, host = false, since = false;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        if (key == "pid") {
            try {
                holder.pid = std::stol(value);
                pid = true;
            } catch (const std::exception&) {
                return std::nullopt;
            }
        } else if (key == "host") {
            holder.host = value;
            host = true;
        } else if (key == "since") {
            holder.since = value;
            since = true;
        }
    }
    if (!pid || !host || !since) return std::nullopt;
    return holder;
}

std::optional<std::string> read_whole(int fd) {
    std::string text;
    char buffer[512];
    for (off_t offset = 0;;) {
        const ssize_t n = ::pread(fd, buffer, sizeof buffer, offset);
        if (n < 0) return std::nullopt;
        if (n == 0) return text;
        text.append(buffer, static_cast<std::size_t>(n));
        offset += n;
        if (text.size() > 4096) return text;  // not ours: a lock file is three short lines
    }
}

}  // namespace

std::string lock_file_of(const std::string& db_path) { return db_path + ".lock"; }

std::string writable_database_problem(const std::string& db_path) {
    const std::string folder = folder_of(db_path);
    struct stat st {};
    if (::stat(folder.c_str(), &st) != 0) return missing_or(errno, "its folder " + folder);
    if (!S_ISDIR(st.st_mode)) return "its folder " + folder + " is not a folder";
    // access() answers for this process's real ids, as the daemon runs: what it may create there.
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
        return "cannot create files in its folder " + folder + ": " + std::strerror(errno);
    if (::stat(db_path.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) return db_path + " is a folder";
        if (::access(db_path.c_str(), R_OK | W_OK) != 0) return "cannot write " + db_path + ": " + std::strerror(errno);
    }
    return "";
}

std::string readable_database_problem(const std::string& db_path) {
    struct stat st {};
    if (::stat(db_path.c_str(), &st) != 0) return missing_or(errno, db_path);
    if (S_ISDIR(st.st_mode)) return db_path + " is a folder";
    if (::access(db_path.c_str(), R_OK) != 0) return "cannot read " + db_path + ": " + std::strerror(errno);
    return "";
}

std::optional<StoreHolder> read_lock_holder(const std::string& lock_path) {
    const int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    const auto text = read_whole(fd);
    ::close(fd);
    return text ? parse_lock_text(*text) : std::nullopt;
}

OwnerLock::OwnerLock(const std::string& db_path) {
    const std::string lock_path = lock_file_of(db_path);
    fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot create the lock file " + lock_path + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        std::optional<StoreHolder> holder;
        if (error == EWOULDBLOCK) {
            // The holder writes its name right after taking the lock: give it a moment when the
            // file does not name anyone yet (two daemons started at the same instant).
            for (int attempt = 0; attempt < 20 && !holder; ++attempt) {
                if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
                if (const auto text = read_whole(fd_)) holder = parse_lock_text(*text);
            }
        }
        ::close(fd_);
        fd_ = -1;
        if (error == EWOULDBLOCK) throw StoreInUse(db_path, holder);
        throw std::runtime_error("cannot lock " + lock_path + ": " + std::strerror(error));
    }
    holder_ = StoreHolder{static_cast<long>(::getpid()), host_name(), utc_now()};
    const std::string text = lock_text(holder_);
    std::string failure;
    if (::ftruncate(fd_, 0) != 0) {
        failure = std::strerror(errno);
    } else if (const ssize_t n = ::pwrite(fd_, text.data(), text.size(), 0); n < 0) {
        failure = std::strerror(errno);
    } else if (static_cast<std::size_t>(n) != text.size()) {
        failure = "short write (" + std::to_string(n) + " of " + std::to_string(text.size()) + " bytes)";
    }
    if (!failure.empty()) {
        ::close(fd_);  // releases the lock
        fd_ = -1;
        throw std::runtime_error("cannot write the lock file " + lock_path + ": " + failure);
    }
}

OwnerLock::~OwnerLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace flinkscaler::store::sqlite
