// SPDX-License-Identifier: Apache-2.0
// RescaleGuard: the backoff of refused rescales and the circuit breaker (issue 11).
#include "service/rescale_guard.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using flinkscaler::Configuration;
using flinkscaler::Instant;
using flinkscaler::Millis;
using flinkscaler::service::rejection_backoff;
using flinkscaler::service::RescaleGuard;

namespace {
const Instant kT0 = flinkscaler::instant_from_epoch_ms(1767225600000);
const Configuration kConfig{{"job.autoscaler.enabled", "true"}};
}  // namespace

TEST_CASE("rescale guard: a refused rescale waits 1 min, doubling per refusal in a row, at most 30 min",
          "[rescale-guard]") {
    CHECK(rejection_backoff(1) == Millis(1min));
    CHECK(rejection_backoff(2) == Millis(2min));
    CHECK(rejection_backoff(3) == Millis(4min));
    CHECK(rejection_backoff(5) == Millis(16min));
    CHECK(rejection_backoff(6) == Millis(30min));
    CHECK(rejection_backoff(1000) == Millis(30min));
}

TEST_CASE("rescale guard: refusals back off, and the limit in a row opens the circuit once", "[rescale-guard]") {
    RescaleGuard guard;
    CHECK_FALSE(guard.backing_off(kT0));
    CHECK_FALSE(guard.record_failure(RescaleGuard::Failure::Rejected, "400 no", kT0, 3, kConfig));
    CHECK(guard.last_rejected());
    CHECK(guard.backing_off(kT0 + 59s));
    CHECK_FALSE(guard.backing_off(kT0 + 60s));
    CHECK(guard.retry_at() == kT0 + 60s);
    CHECK_FALSE(guard.record_failure(RescaleGuard::Failure::Rejected, "400 no", kT0 + 60s, 3, kConfig));
    CHECK(guard.retry_at() == kT0 + 60s + 2min);
    CHECK_FALSE(guard.blocked());
    CHECK(guard.record_failure(RescaleGuard::Failure::Rejected, "400 still no", kT0 + 3min, 3, kConfig));
    CHECK(guard.blocked());
    CHECK(guard.failures_in_a_row() == 3);
    CHECK(guard.last_failure() == "400 still no");
    // Opening is reported once.
    CHECK_FALSE(guard.record_failure(RescaleGuard::Failure::NotLanded, "x", kT0 + 4min, 3, kConfig));
}

TEST_CASE("rescale guard: a rescale that lands forgets the failures; an accepted one ends the backoff",
          "[rescale-guard]") {
    RescaleGuard guard;
    guard.record_failure(RescaleGuard::Failure::Rejected, "400", kT0, 3, kConfig);
    guard.record_accepted();
    CHECK_FALSE(guard.last_rejected());
    CHECK(guard.failures_in_a_row() == 1);
    guard.record_failure(RescaleGuard::Failure::NotLanded, "slots", kT0 + 10min, 3, kConfig);
    CHECK(guard.failures_in_a_row() == 2);
    guard.record_landed();
    CHECK(guard.failures_in_a_row() == 0);
    CHECK_FALSE(guard.record_failure(RescaleGuard::Failure::NotLanded, "slots", kT0 + 20min, 3, kConfig));
    // Non-landing rescales open the circuit too; they do not back off.
    CHECK_FALSE(guard.last_rejected());
}

TEST_CASE("rescale guard: limit 0 never opens; a changed configuration closes an open circuit", "[rescale-guard]") {
    RescaleGuard never;
    for (int i = 0; i < 50; ++i)
        CHECK_FALSE(never.record_failure(RescaleGuard::Failure::Rejected, "400", kT0 + i * 1h, 0, kConfig));
    CHECK_FALSE(never.blocked());

    RescaleGuard guard;
    CHECK(guard.record_failure(RescaleGuard::Failure::NotLanded, "slots", kT0, 1, kConfig));
    CHECK_FALSE(guard.reopen_on_configuration_change(kConfig));
    CHECK(guard.blocked());
    const Configuration changed{{"job.autoscaler.enabled", "true"}, {"job.autoscaler.vertex.max-parallelism", "4"}};
    CHECK(guard.reopen_on_configuration_change(changed));
    CHECK_FALSE(guard.blocked());
    CHECK(guard.failures_in_a_row() == 0);
}
