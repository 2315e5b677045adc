// SPDX-License-Identifier: Apache-2.0
//
// The backend-independent half of JobTransaction (state_store.hpp): the open/finished
// bookkeeping, so every backend gets the same "a failed or committed transaction is over" rule;
// and the store's errors, so every backend words them alike (docs/state-store.md quotes them).
#include "store/state_store.hpp"

#include <stdexcept>
#include <utility>

namespace flinkscaler::store {

namespace {

std::string in_use_message(const std::string& path, const std::optional<StoreHolder>& holder) {
    return "state store " + path + " is in use by another flinkscaler (" +
           (holder ? holder->describe() : "it has not said who it is yet") +
           "): only one daemon may use a state store; stop it, or give this one another state-store path";
}

std::string corrupt_message(const std::string& path, const std::vector<std::string>& problems) {
    std::string listed;
    for (const auto& problem : problems) listed += (listed.empty() ? "" : "; ") + problem;
    return "state store " + path + " is damaged (PRAGMA quick_check: " + listed +
           "); the daemon does not start on a damaged store. Run `flinkscaler store check " + path +
           "` for details, then `flinkscaler store recover " + path +
           " --out NEW` to copy every readable row into a new file and point state-store.path at it; "
           "or restore a backup; or move the file aside (the daemon then starts with an empty store: "
           "the scaling history and events are lost)";
}

}  // namespace

std::string StoreHolder::describe() const {
    return "pid " + std::to_string(pid) + " on host " + host + " since " + since;
}

StoreInUse::StoreInUse(std::string path, std::optional<StoreHolder> holder)
    : std::runtime_error(in_use_message(path, holder)), path_(std::move(path)), holder_(std::move(holder)) {}

StoreCorrupt::StoreCorrupt(std::string path, std::vector<std::string> problems)
    : std::runtime_error(corrupt_message(path, problems)), path_(std::move(path)), problems_(std::move(problems)) {}

StoreWriteError::StoreWriteError(std::string path, std::string reason)
    : std::runtime_error("state store " + path + ": cannot write: " + reason),
      path_(std::move(path)),
      reason_(std::move(reason)) {}

JobTransaction::JobTransaction(std::string job_key, std::optional<LeaseEpoch> epoch,
                               std::unique_ptr<JobTransactionBackend> backend)
    : job_key_(std::move(job_key)), epoch_(epoch), backend_(std::move(backend)) {}

JobTransaction::JobTransaction(JobTransaction&&) noexcept = default;
JobTransaction& JobTransaction::operator=(JobTransaction&&) noexcept = default;
JobTransaction::~JobTransaction() = default;

JobTransactionBackend& JobTransaction::use(const char* operation) {
    if (!backend_)
        throw std::logic_error(std::string("transaction of job ") + job_key_ + ": " + operation +
                               " after the transaction was committed or failed");
    return *backend_;
}

template <typename Op>
decltype(auto) JobTransaction::run(const char* operation, Op&& op) {
    JobTransactionBackend& backend = use(operation);
    try {
        return op(backend);
    } catch (...) {
        backend_.reset();  // rolls back and releases the connection now, not at scope exit
        throw;
    }
}

void JobTransaction::save(const JobState& state, Instant now, const ReplaySample* recorded) {
    run("save", [&](JobTransactionBackend& b) { b.save(job_key_, state, now, recorded); });
}

void JobTransaction::save_job_info(const JobInfo& info, Instant now) {
    run("save_job_info", [&](JobTransactionBackend& b) { b.save_job_info(job_key_, info, now); });
}

StoredEvent JobTransaction::record(const Event& event, Instant now) {
    return run("record", [&](JobTransactionBackend& b) { return b.record(job_key_, event, now); });
}

void JobTransaction::commit() {
    use("commit");
    // Over whatever happens: committed, or rolled back (by the backend's destructor, at the end
    // of this function) when its commit throws.
    const std::unique_ptr<JobTransactionBackend> backend = std::move(backend_);
    backend->commit();
}

void JobStateStore::save(const std::string& job_key, const JobState& state, Instant now, const ReplaySample* recorded) {
    JobTransaction tx = begin(job_key, std::nullopt);
    tx.save(state, now, recorded);
    tx.commit();
}

void JobStateStore::save_job_info(const std::string& job_key, const JobInfo& info, Instant now) {
    JobTransaction tx = begin(job_key, std::nullopt);
    tx.save_job_info(info, now);
    tx.commit();
}

}  // namespace flinkscaler::store
