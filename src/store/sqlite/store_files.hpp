// SPDX-License-Identifier: Apache-2.0
//
// The files of a SQLite store beside its database (docs/state-store.md): the folder they live in,
// and the owner lock "<db>.lock" that makes one process the only writer of a database.
//
// The lock is flock(LOCK_EX | LOCK_NB) on the lock file: the kernel drops it when the holding
// process ends however it ends (exit, crash, SIGKILL), so it never needs cleaning up by hand. The
// file itself stays behind on purpose: only the flock means "in use", never the file's existence
// (deleting it while a daemon holds it would let a second daemon lock a new file of the same
// name). Its content names the holder (pid, host, since) for the message a second opener gets.
// flock works between processes on one host (and on local file systems: on NFS it depends on the
// server); every writer opens its own file description, so two stores of one process exclude each
// other too.
#pragma once

#include "store/state_store.hpp"

#include <optional>
#include <string>

namespace flinkscaler::store::sqlite {

/// The lock file of the database `db_path`: "<db_path>.lock".
std::string lock_file_of(const std::string& db_path);

/// Why this process cannot create and write the database `db_path` and the files SQLite and the
/// lock put beside it (-wal, -shm, .lock), or "" when it can: its folder does not exist, is not a
/// folder, cannot be written (permission denied, read-only file system), or the file exists and
/// cannot be read and written. Names the folder or file and the OS reason (strerror).
std::string writable_database_problem(const std::string& db_path);

/// Why this process cannot read the database `db_path`, or "" when it can (names the OS reason).
std::string readable_database_problem(const std::string& db_path);

/// The holder a lock file names, or nullopt when the file is missing or does not name one (yet).
std::optional<StoreHolder> read_lock_holder(const std::string& lock_path);

/// Exclusive ownership of a database for as long as it lives: the flock on its lock file, whose
/// content is rewritten to name this process. Not copyable, not movable.
class OwnerLock {
public:
    /// Takes the lock of `db_path`. Throws StoreInUse (naming the holder the file names) when
    /// another open file description holds it, std::runtime_error (naming the lock file and the
    /// OS reason) when the lock file cannot be created or written.
    explicit OwnerLock(const std::string& db_path);
    ~OwnerLock();
    OwnerLock(const OwnerLock&) = delete;
    OwnerLock& operator=(const OwnerLock&) = delete;

    /// This process, as written into the lock file.
    const StoreHolder& holder() const { return holder_; }

private:
    int fd_ = -1;
    StoreHolder holder_;
};

}  // namespace flinkscaler::store::sqlite
