// SPDX-License-Identifier: Apache-2.0
#include "service/rescale_guard.hpp"

#include <algorithm>

namespace flinkscaler::service {

Millis rejection_backoff(int rejections_in_a_row) {
    const Millis first = std::chrono::minutes(1);
    const Millis cap = std::chrono::minutes(30);
    Millis wait = first;
    for (int i = 1; i < rejections_in_a_row && wait < cap; ++i) wait *= 2;
    return std::min(wait, cap);
}

bool RescaleGuard::record_failure(Failure kind, const std::string& why, Instant now, int limit,
                                  const Configuration& configuration) {
    ++failures_;
    last_failure_ = why;
    if (kind == Failure::Rejected) {
        ++rejections_;
        retry_at_ = now + rejection_backoff(rejections_);
    }
    if (limit > 0 && !blocked_ && failures_ >= limit) {
        blocked_ = true;
        blocked_configuration_ = configuration;
        return true;
    }
    return false;
}

void RescaleGuard::record_landed() {
    failures_ = 0;
    rejections_ = 0;
    retry_at_.reset();
    last_failure_.clear();
}

bool RescaleGuard::reopen_on_configuration_change(const Configuration& configuration) {
    if (!blocked_ || blocked_configuration_ == configuration) return false;
    *this = RescaleGuard{};
    return true;
}

}  // namespace flinkscaler::service
