// SPDX-License-Identifier: Apache-2.0
#include "service/worker_pool.hpp"

#include <algorithm>
#include <stdexcept>

namespace flinkscaler::service {

WorkerPool::WorkerPool(int threads) {
    if (threads < 1) throw std::invalid_argument("a worker pool needs at least one thread");
    threads_.reserve(static_cast<std::size_t>(threads));
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::submit(const std::string& group, int group_limit, std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        auto& g = groups_[group];
        g.limit = std::max(1, group_limit);
        g.tasks.push_back(std::move(task));
        ++queued_;
    }
    work_available_.notify_one();
}

std::map<std::string, WorkerPool::Group>::iterator WorkerPool::next_group() {
    auto runnable = [](const Group& g) { return !g.tasks.empty() && g.running < g.limit; };
    // Start after the group served last, wrap around once.
    auto start = groups_.upper_bound(last_served_);
    for (auto it = start; it != groups_.end(); ++it)
        if (runnable(it->second)) return it;
    for (auto it = groups_.begin(); it != start; ++it)
        if (runnable(it->second)) return it;
    return groups_.end();
}

void WorkerPool::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        auto group = groups_.end();
        work_available_.wait(lock, [&] {
            if (stopping_) return true;
            group = next_group();
            return group != groups_.end();
        });
        if (stopping_) return;

        auto task = std::move(group->second.tasks.front());
        group->second.tasks.pop_front();
        ++group->second.running;
        --queued_;
        ++running_;
        last_served_ = group->first;
        const std::string name = group->first;

        lock.unlock();
        try {
            task();
        } catch (...) {
            // A task reports its own errors; one that escapes must not take the worker down.
        }
        lock.lock();

        auto& g = groups_[name];
        --g.running;
        --running_;
        if (g.running == 0 && g.tasks.empty()) groups_.erase(name);
        // A finished task may unblock a capped group that another worker skipped.
        work_available_.notify_all();
        if (queued_ == 0 && running_ == 0) idle_.notify_all();
    }
}

void WorkerPool::wait_idle() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return queued_ == 0 && running_ == 0; });
}

void WorkerPool::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
        for (auto& [name, g] : groups_) {
            queued_ -= g.tasks.size();
            g.tasks.clear();
        }
    }
    work_available_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
    std::lock_guard lock(mutex_);
    groups_.clear();
    idle_.notify_all();
}

std::size_t WorkerPool::queued() const {
    std::lock_guard lock(mutex_);
    return queued_;
}

std::size_t WorkerPool::running() const {
    std::lock_guard lock(mutex_);
    return running_;
}

}  // namespace flinkscaler::service
