// SPDX-License-Identifier: Apache-2.0
#include "service/worker_pool.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using flinkscaler::service::WorkerPool;
using namespace std::chrono_literals;

namespace {

// A gate the tasks wait on, so a test controls exactly when they finish.
struct Gate {
    std::mutex mutex;
    std::condition_variable cv;
    bool open = false;
    void wait() {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return open; });
    }
    void release() {
        {
            std::lock_guard lock(mutex);
            open = true;
        }
        cv.notify_all();
    }
};

template <typename Pred>
bool eventually(Pred pred) {
    for (int i = 0; i < 500; ++i) {
        if (pred()) return true;
        std::this_thread::sleep_for(2ms);
    }
    return pred();
}

}  // namespace

TEST_CASE("worker pool runs every submitted task", "[worker-pool]") {
    WorkerPool pool(4);
    std::atomic<int> done{0};
    for (int i = 0; i < 100; ++i) pool.submit("cluster-" + std::to_string(i % 3), 2, [&] { ++done; });
    pool.wait_idle();
    CHECK(done == 100);
    CHECK(pool.queued() == 0);
    CHECK(pool.running() == 0);
}

TEST_CASE("a group never runs more tasks at once than its limit", "[worker-pool]") {
    WorkerPool pool(8);
    std::atomic<int> now{0}, peak{0};
    for (int i = 0; i < 40; ++i)
        pool.submit("slow", 3, [&] {
            const int n = ++now;
            int p = peak.load();
            while (n > p && !peak.compare_exchange_weak(p, n)) {
            }
            std::this_thread::sleep_for(2ms);
            --now;
        });
    pool.wait_idle();
    CHECK(peak.load() == 3);
}

TEST_CASE("a stuck cluster holds only its own cap of workers; other clusters keep running", "[worker-pool]") {
    WorkerPool pool(4);
    Gate stuck;
    std::atomic<int> stuck_started{0}, other_done{0};
    for (int i = 0; i < 10; ++i)
        pool.submit("stuck", 2, [&] {
            ++stuck_started;
            stuck.wait();
        });
    for (int i = 0; i < 50; ++i) pool.submit("healthy", 2, [&] { ++other_done; });

    CHECK(eventually([&] { return other_done.load() == 50; }));
    CHECK(stuck_started.load() == 2);  // the other 8 wait in the queue, not in a worker
    CHECK(pool.queued() == 8);
    stuck.release();
    pool.wait_idle();
    CHECK(stuck_started.load() == 10);
}

TEST_CASE("groups are served round robin, so a large group does not starve a small one", "[worker-pool]") {
    WorkerPool pool(1);
    Gate start;
    std::mutex mutex;
    std::vector<std::string> order;
    // Occupy the only worker while both queues fill up.
    pool.submit("blocker", 1, [&] { start.wait(); });
    for (int i = 0; i < 5; ++i)
        pool.submit("big", 10, [&] {
            std::lock_guard lock(mutex);
            order.push_back("big");
        });
    pool.submit("small", 10, [&] {
        std::lock_guard lock(mutex);
        order.push_back("small");
    });
    start.release();
    pool.wait_idle();
    REQUIRE(order.size() == 6);
    // After "blocker" the next group in name order is "small"; it must not wait behind all of "big".
    const auto small_at = std::find(order.begin(), order.end(), "small") - order.begin();
    CHECK(small_at <= 1);
}

TEST_CASE("an exception escaping a task does not kill the worker", "[worker-pool]") {
    WorkerPool pool(1);
    std::atomic<int> done{0};
    pool.submit("c", 1, [] { throw std::runtime_error("boom"); });
    pool.submit("c", 1, [&] { ++done; });
    pool.wait_idle();
    CHECK(done == 1);
}

TEST_CASE("stop drops queued tasks, lets running ones finish, and ignores later submits", "[worker-pool]") {
    auto pool = std::make_unique<WorkerPool>(1);
    Gate gate;
    std::atomic<bool> first_finished{false};
    std::atomic<int> others{0};
    std::atomic<bool> started{false};
    pool->submit("c", 1, [&] {
        started = true;
        gate.wait();
        first_finished = true;
    });
    for (int i = 0; i < 5; ++i) pool->submit("c", 1, [&] { ++others; });
    REQUIRE(eventually([&] { return started.load(); }));
    std::thread stopper([&] { pool->stop(); });
    std::this_thread::sleep_for(20ms);
    gate.release();
    stopper.join();
    CHECK(first_finished);
    CHECK(others == 0);
    pool->submit("c", 1, [&] { ++others; });
    CHECK(pool->queued() == 0);
    CHECK(others == 0);
}
