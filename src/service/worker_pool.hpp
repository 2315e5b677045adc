// SPDX-License-Identifier: Apache-2.0
//
// A fixed set of worker threads shared by every cluster, with a cap on how many tasks of one
// group (cluster) run at once. Queued tasks wait in their group's queue, not in a worker, so a
// slow cluster holds at most its own cap of workers and the others keep flowing; groups are
// served round robin so a cluster with thousands of jobs cannot starve a small one.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace flinkscaler::service {

class WorkerPool {
public:
    explicit WorkerPool(int threads);
    /// Same as stop().
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    /// Queues `task` in `group`; at most `group_limit` (>= 1) tasks of the group run at once
    /// (the limit of the latest submit applies). Tasks must not throw (an escaping exception is
    /// swallowed so that a worker never dies). Ignored after stop().
    void submit(const std::string& group, int group_limit, std::function<void()> task);

    /// Blocks until no task is queued or running.
    void wait_idle();

    /// Drops queued tasks, waits for the running ones to finish, joins the threads. Idempotent.
    void stop();

    std::size_t queued() const;
    std::size_t running() const;

private:
    struct Group {
        std::deque<std::function<void()>> tasks;
        int running = 0;
        int limit = 1;
    };

    void work();
    /// The next runnable group after the one served last (round robin), or end().
    std::map<std::string, Group>::iterator next_group();

    mutable std::mutex mutex_;
    std::condition_variable work_available_;
    std::condition_variable idle_;
    std::map<std::string, Group> groups_;
    std::string last_served_;
    std::size_t queued_ = 0;
    std::size_t running_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace flinkscaler::service
