// SPDX-License-Identifier: Apache-2.0
//
// The daemon's time seams (src/service/clock.hpp, scheduler.hpp): a SimulatedClock moves only
// when advanced and wakes the waits it passes; the Scheduler's fixed-rate cadence of poll rounds,
// housekeeping and watchdog wake-ups.
#include "service/clock.hpp"
#include "service/scheduler.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace std::chrono_literals;
using flinkscaler::Instant;
using flinkscaler::Millis;
using flinkscaler::service::Scheduler;
using flinkscaler::service::SimulatedClock;
using flinkscaler::service::SystemClock;

namespace {

const Instant kT0{std::chrono::hours(24 * 365 * 55)};

}  // namespace

TEST_CASE("a simulated clock stands still until advanced; both times move together", "[clock]") {
    SimulatedClock clock(kT0);
    const auto steady0 = clock.steady_now();
    CHECK(clock.now() == kT0);
    std::this_thread::sleep_for(5ms);
    CHECK(clock.now() == kT0);
    CHECK(clock.steady_now() == steady0);

    clock.advance(1500ms);
    CHECK(clock.now() == kT0 + 1500ms);
    CHECK(clock.steady_now() == steady0 + 1500ms);

    clock.advance_to(steady0 + 10s);
    CHECK(clock.now() == kT0 + 10s);
    clock.advance_to(steady0 + 5s);  // not ahead: nothing moves
    CHECK(clock.now() == kT0 + 10s);
    CHECK_THROWS_AS(clock.advance(-1ms), std::invalid_argument);
}

TEST_CASE("a simulated wait returns at once when its deadline has passed or its predicate holds", "[clock]") {
    SimulatedClock clock(kT0);
    std::mutex mutex;
    std::condition_variable wake;
    std::unique_lock lock(mutex);
    CHECK_FALSE(clock.wait_until(lock, wake, clock.steady_now(), [] { return false; }));
    CHECK_FALSE(clock.wait_until(lock, wake, clock.steady_now() - 1s, [] { return false; }));
    CHECK(clock.wait_until(lock, wake, clock.steady_now() + 1h, [] { return true; }));
    CHECK(lock.owns_lock());
}

TEST_CASE("a simulated wait sleeps until the clock is advanced past its deadline", "[clock]") {
    SimulatedClock clock(kT0);
    std::mutex mutex;
    std::condition_variable wake;
    const auto deadline = clock.steady_now() + 10s;
    std::atomic<bool> returned{false};
    std::thread waiter([&] {
        std::unique_lock lock(mutex);
        CHECK_FALSE(clock.wait_until(lock, wake, deadline, [] { return false; }));
        returned = true;
    });
    std::this_thread::sleep_for(20ms);
    CHECK_FALSE(returned);
    clock.advance(9s);  // short of the deadline: the waiter wakes, sees it, sleeps again
    std::this_thread::sleep_for(20ms);
    CHECK_FALSE(returned);
    clock.advance(1s);
    waiter.join();
    CHECK(returned);
}

TEST_CASE("a simulated wait ends when its predicate is made true and notified", "[clock]") {
    SimulatedClock clock(kT0);
    std::mutex mutex;
    std::condition_variable wake;
    bool stop = false;
    std::thread waiter([&] {
        std::unique_lock lock(mutex);
        CHECK(clock.wait_until(lock, wake, clock.steady_now() + 1h, [&] { return stop; }));
    });
    std::this_thread::sleep_for(10ms);
    {
        std::lock_guard lock(mutex);
        stop = true;
    }
    wake.notify_all();
    waiter.join();
    CHECK(clock.now() == kT0);
}

TEST_CASE("the system clock reads the operating system's clocks", "[clock]") {
    SystemClock clock;
    const auto before = std::chrono::system_clock::now();
    const auto now = clock.now();
    CHECK(now >= std::chrono::time_point_cast<Millis>(before));
    CHECK(now <= std::chrono::system_clock::now());
    std::mutex mutex;
    std::condition_variable wake;
    std::unique_lock lock(mutex);
    const auto start = clock.steady_now();
    CHECK_FALSE(clock.wait_until(lock, wake, start + 20ms, [] { return false; }));
    CHECK(clock.steady_now() - start >= 20ms);
}

TEST_CASE("the scheduler polls at a fixed rate and housekeeps at most once a minute", "[scheduler]") {
    SimulatedClock clock(kT0);
    const auto t0 = clock.steady_now();
    Scheduler scheduler(clock);

    auto due = scheduler.tick(10s);  // the first tick does both
    CHECK(due.poll);
    CHECK(due.housekeeping);
    CHECK(scheduler.next_wake(std::nullopt) == t0 + 10s);

    clock.advance(3s);  // woken early (a reload, say): nothing is due
    due = scheduler.tick(10s);
    CHECK_FALSE(due.poll);
    CHECK_FALSE(due.housekeeping);

    // Fixed rate: a round that starts late does not shift the next one.
    clock.advance_to(t0 + 10s + 400ms);
    due = scheduler.tick(10s);
    CHECK(due.poll);
    CHECK_FALSE(due.housekeeping);
    CHECK(scheduler.next_wake(std::nullopt) == t0 + 20s);

    // A loop more than an interval behind starts afresh from now instead of catching up.
    clock.advance_to(t0 + 45s);
    CHECK(scheduler.tick(10s).poll);
    CHECK(scheduler.next_wake(std::nullopt) == t0 + 55s);

    // Housekeeping comes with the first poll round a minute after the last one.
    clock.advance_to(t0 + 55s);
    CHECK_FALSE(scheduler.tick(10s).housekeeping);
    clock.advance_to(t0 + 65s);
    due = scheduler.tick(10s);
    CHECK(due.poll);
    CHECK(due.housekeeping);
}

TEST_CASE("the scheduler takes the current poll interval and wakes in time for the watchdog", "[scheduler]") {
    SimulatedClock clock(kT0);
    const auto t0 = clock.steady_now();
    Scheduler scheduler(clock);
    CHECK(scheduler.tick(10s).poll);
    CHECK(scheduler.next_wake(3s) == t0 + 3s);
    CHECK(scheduler.next_wake(30s) == t0 + 10s);

    clock.advance_to(t0 + 10s);
    CHECK(scheduler.tick(2s).poll);  // a reload shortened the interval
    CHECK(scheduler.next_wake(std::nullopt) == t0 + 12s);
}
