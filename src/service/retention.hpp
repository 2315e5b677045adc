// SPDX-License-Identifier: Apache-2.0
//
// Housekeeping of the state store (service.job-retention, service.event-retention,
// service.sample-retention): what is old enough to delete, and one run of deleting it. When it
// runs is the scheduler's business (at most once a minute, with a poll round).
#pragma once

#include "service/config_names.hpp"
#include "store/state_store.hpp"

#include "flinkscaler/time.hpp"

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace flinkscaler::service {

/// The jobs whose stored state is deleted: not tracked by any JobManager runtime (a job still
/// listed keeps its state however long it is idle) and not updated for `job_retention`.
std::vector<std::string> expired_job_keys(const std::map<std::string, Instant>& last_updates,
                                          const std::set<std::string>& tracked, Instant now, Millis job_retention);

struct HousekeepingResult {
    std::size_t jobs_removed = 0;
    std::size_t events_deleted = 0;
    std::size_t samples_deleted = 0;
};

/// One housekeeping run at `now` with the retention periods of `settings`: deletes the state of
/// the expired jobs (an info line each), the events and the recorded samples older than their
/// retention, and logs a debug summary when anything was deleted. Throws the store's errors.
HousekeepingResult run_housekeeping(store::StateStore& store, const ServiceSettings& settings,
                                    const std::set<std::string>& tracked, Instant now);

}  // namespace flinkscaler::service
