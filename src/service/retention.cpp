// SPDX-License-Identifier: Apache-2.0
#include "service/retention.hpp"

#include "service/logging.hpp"

#include "flinkscaler/config_values.hpp"

namespace flinkscaler::service {

std::vector<std::string> expired_job_keys(const std::map<std::string, Instant>& last_updates,
                                          const std::set<std::string>& tracked, Instant now, Millis job_retention) {
    std::vector<std::string> out;
    for (const auto& [key, last_update] : last_updates) {
        if (tracked.count(key) || last_update >= now - job_retention) continue;
        out.push_back(key);
    }
    return out;
}

HousekeepingResult run_housekeeping(store::StateStore& store, const ServiceSettings& settings,
                                    const std::set<std::string>& tracked, Instant now) {
    HousekeepingResult result;
    for (const auto& key : expired_job_keys(store.last_updates(), tracked, now, settings.job_retention)) {
        store.remove(key);
        ++result.jobs_removed;
        log_with(spdlog::level::info, "deleted the state of a job not seen for " + format_duration(settings.job_retention),
                 {{"job", key}});
    }
    result.events_deleted = store.delete_events_created_before(now - settings.event_retention);
    result.samples_deleted = store.delete_recorded_samples_before(now - settings.sample_retention);
    if (result.events_deleted || result.samples_deleted || result.jobs_removed)
        log_with(spdlog::level::debug, "housekeeping",
                 nlohmann::json{{"jobs_removed", result.jobs_removed},
                                {"events_deleted", result.events_deleted},
                                {"samples_deleted", result.samples_deleted}});
    return result;
}

}  // namespace flinkscaler::service
