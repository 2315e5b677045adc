// SPDX-License-Identifier: Apache-2.0
//
// One owner per SQLite store (store/sqlite/store_files.hpp): a second writer is refused with
// StoreInUse naming the holder, readers take no lock, and the lock dies with its process
// (SIGKILL included), so it never needs cleaning up. And a folder that cannot take the database
// is named with the OS reason instead of SQLite's "unable to open database file".
#include "temp_dir.hpp"
#include "store/open_store.hpp"
#include "store/sqlite/sqlite_state_store.hpp"
#include "store/sqlite/store_files.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using flinkscaler::store::open_sqlite_reader;
using flinkscaler::store::open_sqlite_store;
using flinkscaler::store::StoreInUse;
using flinkscaler::testing::TempDir;

namespace {

const flinkscaler::Instant kT0 = flinkscaler::instant_from_epoch_ms(1767225600000);

/// A child process that opens the store at `path` for writing and waits to be killed.
class StoreHoldingChild {
public:
    explicit StoreHoldingChild(const std::string& path) {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::close(fds[0]);
            char ok = 'n';
            try {
                auto store = open_sqlite_store(path);
                store->save_job_info("c/j", {"c", "j", "held", {}}, kT0);
                ok = 'y';
                (void)!::write(fds[1], &ok, 1);
                for (;;) ::pause();  // holds the store until SIGKILL
            } catch (...) {
                (void)!::write(fds[1], &ok, 1);
            }
            ::_exit(1);
        }
        ::close(fds[1]);
        char ok = 'n';
        REQUIRE(::read(fds[0], &ok, 1) == 1);
        ::close(fds[0]);
        REQUIRE(ok == 'y');
    }
    ~StoreHoldingChild() {
        if (pid_ > 0) kill();
    }
    StoreHoldingChild(const StoreHoldingChild&) = delete;
    StoreHoldingChild& operator=(const StoreHoldingChild&) = delete;

    pid_t pid() const { return pid_; }
    void kill() {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

private:
    pid_t pid_ = -1;
};

/// What opening the store at `path` for writing throws, as seen by an unprivileged user (the
/// tests may run as root, whom no permission stops): run in a child that drops to nobody.
std::string open_error_as_unprivileged(const std::string& path) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        std::string message = "opened";
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) message = "cannot drop privileges";
        else {
            try {
                open_sqlite_store(path);
            } catch (const std::exception& e) {
                message = e.what();
            }
        }
        (void)!::write(fds[1], message.data(), message.size());
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string message;
    char buffer[512];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) message.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    ::waitpid(pid, nullptr, 0);
    return message;
}

}  // namespace

TEST_CASE("a second writer of a store is refused at once, naming the holder", "[store][owner]") {
    TempDir dir;
    auto first = open_sqlite_store(dir.file());
    const auto holder = flinkscaler::store::sqlite::read_lock_holder(dir.file("state.db.lock"));
    REQUIRE(holder.has_value());
    CHECK(holder->pid == ::getpid());
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    CHECK(holder->host == host);
    CHECK(holder->since.size() == 20);  // 2026-12-07T23:00:00Z
    CHECK(holder->since.back() == 'Z');

    // Within one process too: each store has its own lock.
    try {
        open_sqlite_store(dir.file());
        FAIL("a second writer opened the store");
    } catch (const StoreInUse& e) {
        CHECK(e.path() == dir.file());
        CHECK(e.holder() == holder);
        CHECK(std::string(e.what()) ==
              "state store " + dir.file() + " is in use by another flinkscaler (" + holder->describe() +
                  "): only one daemon may use a state store; stop it, or give this one another state-store path");
    }
    // Through the registry (what the daemon calls) as well.
    CHECK_THROWS_AS(flinkscaler::store::open_state_store(flinkscaler::store::StoreSettings::sqlite_file(dir.file())),
                    StoreInUse);

    // Readers take no lock: export, the status tools and store check run beside the daemon.
    first->save_job_info("c/j", {"c", "j", "n", {}}, kT0);
    CHECK(open_sqlite_reader(dir.file())->job_keys() == std::vector<std::string>{"c/j"});
    CHECK(flinkscaler::store::check_sqlite_store(dir.file()).sound());
    CHECK(flinkscaler::store::check_sqlite_store(dir.file()).last_owner == holder);

    // Closing the store releases it; the lock file stays and is rewritten by the next owner.
    first.reset();
    CHECK(std::filesystem::exists(dir.file("state.db.lock")));
    auto second = open_sqlite_store(dir.file());
    CHECK(second->job_keys() == std::vector<std::string>{"c/j"});
}

TEST_CASE("the owner lock dies with its process: a SIGKILLed daemon's store opens at once", "[store][owner]") {
    TempDir dir;
    StoreHoldingChild child(dir.file());
    try {
        open_sqlite_store(dir.file());
        FAIL("opened a store another process holds");
    } catch (const StoreInUse& e) {
        REQUIRE(e.holder().has_value());
        CHECK(e.holder()->pid == child.pid());
        CHECK_THAT(e.what(), Catch::Contains("pid " + std::to_string(child.pid()) + " on host "));
    }
    child.kill();  // SIGKILL: no destructor, no cleanup

    auto store = open_sqlite_store(dir.file());
    CHECK(store->job_info("c/j").has_value());  // what the killed process committed is there
    CHECK(flinkscaler::store::sqlite::read_lock_holder(dir.file("state.db.lock"))->pid == ::getpid());
}

TEST_CASE("a lock file that names nobody still refuses a second writer", "[store][owner]") {
    TempDir dir;
    auto store = open_sqlite_store(dir.file());
    std::ofstream(dir.file("state.db.lock"), std::ios::trunc) << "garbage";
    try {
        open_sqlite_store(dir.file());
        FAIL("opened a held store");
    } catch (const StoreInUse& e) {
        CHECK_FALSE(e.holder().has_value());
        CHECK_THAT(e.what(), Catch::Contains("is in use by another flinkscaler (it has not said who it is yet)"));
    }
}

TEST_CASE("a folder that cannot take the store is named with the OS reason", "[store][owner]") {
    TempDir dir;
    SECTION("no such folder") {
        const std::string path = dir.file("missing/state.db");
        CHECK_THROWS_WITH(open_sqlite_store(path),
                          "state store " + path + ": cannot open for writing: its folder " + dir.file("missing") +
                              " does not exist (the daemon creates the database and its -wal, -shm and .lock "
                              "files there)");
        CHECK_FALSE(std::filesystem::exists(dir.file("missing")));
    }
    SECTION("the folder is a file") {
        dir.write("plain", "x");
        CHECK_THROWS_WITH(open_sqlite_store(dir.file("plain/state.db")),
                          Catch::Contains("its folder " + dir.file("plain") + " is not a folder"));
    }
    SECTION("the folder is not writable") {
        std::filesystem::create_directory(dir.path / "ro");
        REQUIRE(::chmod(dir.path.c_str(), 0755) == 0);
        REQUIRE(::chmod((dir.path / "ro").c_str(), 0555) == 0);
        // (A temp folder above that nobody may not search makes it "cannot use its folder": the
        // reason is what counts.)
        CHECK_THAT(open_error_as_unprivileged(dir.file("ro/state.db")),
                   Catch::StartsWith("state store " + dir.file("ro/state.db") + ": cannot open for writing: ") &&
                       Catch::Contains(dir.file("ro") + ": Permission denied (the daemon creates the database"));
    }
    SECTION("the database itself is a folder") {
        std::filesystem::create_directory(dir.path / "state.db");
        CHECK_THROWS_WITH(open_sqlite_store(dir.file()), Catch::Contains(dir.file() + " is a folder"));
    }
    SECTION("a reader names a missing file") {
        CHECK_THROWS_WITH(open_sqlite_reader(dir.file("absent.db")),
                          Catch::Contains(dir.file("absent.db") + " does not exist"));
    }
}
