// SPDX-License-Identifier: Apache-2.0
#include "sim/rest/cluster_state.hpp"

#include "sim/rest/rest_endpoints.hpp"

namespace flinkscaler::sim {

ClusterState::ClusterState(const ClusterSpec& spec, const std::vector<JobSpec>& jobs, ClusterSettings settings,
                           std::uint64_t seed)
    : name_(spec.name),
      start_epoch_ms_(spec.start_epoch_ms),
      model_(spec),
      store_(settings.update_interval_s()),
      faults_(settings.faults, seed),
      settings_(std::move(settings)),
      port_(settings_.port) {
    for (const auto& job : jobs) model_.add_job(job);
}

void ClusterState::set_bound_port(int port) {
    std::lock_guard lock(mutex_);
    port_ = port;
}

int ClusterState::port() const {
    std::lock_guard lock(mutex_);
    return port_;
}

bool ClusterState::down_at(double now_s) const {
    std::lock_guard lock(mutex_);
    return faults_.cluster_down(now_s);
}

void ClusterState::advance_to(double now_s) {
    std::lock_guard lock(mutex_);
    advance_locked(now_s);
}

void ClusterState::advance_locked(double now_s) {
    if (now_s < model_.now_s()) return;  // several threads race to the same time
    for (const auto& event : faults_.events_between(events_done_s_, now_s)) {
        model_.advance_to(std::max(event.at_s, model_.now_s()));
        const auto job = model_.find_job(event.job);
        if (!job) continue;
        if (event.kind == FaultSpec::Kind::JobCancel) model_.cancel_job(*job);
        else model_.fail_job(*job);
    }
    events_done_s_ = std::max(events_done_s_, now_s);
    model_.advance_to(now_s);
}

ServedResponse ClusterState::serve(const RestRequest& request, double now_s) {
    std::lock_guard lock(mutex_);
    advance_locked(now_s);
    std::string_view path = request.path;
    if (path.starts_with("/v1/")) path.remove_prefix(3);
    const auto faults = faults_.for_request(request.method, path, model_.now_s());
    ServedResponse out;
    out.delay_s = faults.delay_s;
    if (faults.replace) {
        out.response = *faults.replace;
    } else {
        EndpointContext ctx{model_, store_, faults_, settings_, port_};
        out.response = route_request(ctx, request);
        if (faults.malform) out.response = FaultPlan::malformed(out.response, *faults.malform, faults.malform_status);
    }
    if (request.method != "GET") {
        if (mutations_.size() >= 10000) mutations_.erase(mutations_.begin());
        mutations_.push_back({model_.now_s(), request.method, request.path, request.body, out.response.status});
    }
    return out;
}

std::vector<RecordedMutation> ClusterState::mutations() const {
    std::lock_guard lock(mutex_);
    return mutations_;
}

}  // namespace flinkscaler::sim
