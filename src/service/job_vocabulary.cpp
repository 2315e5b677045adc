// SPDX-License-Identifier: Apache-2.0
#include "service/job_vocabulary.hpp"

namespace flinkscaler::service {

std::string_view to_string(JobPhase phase) { return detail::name_of(kJobPhaseNames, phase); }

std::string_view describe(JobPhase phase) {
    // A switch, not a table, so that a new phase without a description fails the build (-Wswitch).
    switch (phase) {
        case JobPhase::Disabled: return "`job.autoscaler.enabled` is false for the job; its stored state is deleted";
        case JobPhase::NotReady:
            return "the job is not running, or Flink has not got its details ready (restarting, initializing)";
        case JobPhase::RescalePending:
            return "a requested parallelism Flink has not applied yet (cooldown, checkpoint wait, restart); no new "
                   "decision meanwhile, up to restart.time + 5 min";
        case JobPhase::Collecting: return "collecting metric samples";
        case JobPhase::Stabilizing:
            return "within the stabilization interval after the job (re)started; samples are not used yet";
        case JobPhase::WindowNotFull: return "samples are collected, but the metric window is not full yet";
        case JobPhase::MetricsGated:
            return "the last sample failed a metric-quality gate (an IO counter went backwards or is incomplete, a "
                   "busy time or rate is out of range; `summary` names the vertex and the value): it was not used "
                   "and the metric window restarts with the next good sample";
        case JobPhase::Decided: return "evaluated and decided (see `last_decision`)";
        case JobPhase::RescaleRejected:
            return "Flink refused the last rescale (see `last_error`); the committed parallelism is sent again after a "
                   "backoff (1 min, doubling, at most 30 min), no new decision meanwhile";
        case JobPhase::RescaleBlocked:
            return "`service.rescale-failure-limit` rescales in a row were refused or did not land: the job is no "
                   "longer rescaled until its configuration changes or the daemon restarts";
        case JobPhase::ClusterUnreachable:
            return "the job's cluster could not be listed (see `last_error` and `error_since`); the job's other "
                   "fields are from its last pass";
        case JobPhase::StoreUnavailable:
            return "the pass could not commit to the state store (disk full, I/O error): nothing was sent to Flink, "
                   "the job is evaluated again from its committed state once the store writes again";
        case JobPhase::Error: return "the last pass failed (see `last_error`)";
    }
    return "";
}

std::string_view to_string(PassResult result) { return detail::name_of(kPassResultNames, result); }
std::string_view to_string(RescaleResult result) { return detail::name_of(kRescaleResultNames, result); }
std::string_view to_string(DiscoveryResult result) { return detail::name_of(kDiscoveryResultNames, result); }

std::string job_key(std::string_view cluster, std::string_view job_id) {
    std::string key;
    key.reserve(cluster.size() + 1 + job_id.size());
    key += cluster;
    key += '/';
    key += job_id;
    return key;
}

}  // namespace flinkscaler::service
