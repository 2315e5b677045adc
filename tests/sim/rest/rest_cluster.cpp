// SPDX-License-Identifier: Apache-2.0
//
// Cluster-level endpoints: dashboard configuration, cluster overview, JobManager configuration
// and the TaskManager list (flink-rest.md §1.1, §1.2, §1.9, §1.10).
#include "sim/rest/rest_endpoints.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <string>

namespace flinkscaler::sim {

namespace {

using json = nlohmann::ordered_json;

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// Flink masks the values of keys that look sensitive (GlobalConfiguration.SENSITIVE_KEYS).
bool sensitive(std::string_view key) {
    static constexpr std::array<std::string_view, 11> kMarkers = {
        "password", "secret", "fs.azure.account.key", "apikey", "api-key", "auth-params",
        "service-key", "token", "basic-auth", "jaas.config", "http-headers",
    };
    const std::string k = lower(key);
    return std::any_of(kMarkers.begin(), kMarkers.end(), [&](std::string_view m) { return k.find(m) != std::string::npos; });
}

/// "30 s" as Flink prints a duration option; whole milliseconds otherwise.
std::string duration_text(double seconds) {
    const double ms = std::round(seconds * 1000.0);
    if (std::fmod(ms, 1000.0) == 0) return std::to_string(static_cast<long long>(ms / 1000.0)) + " s";
    return std::to_string(static_cast<long long>(ms)) + " ms";
}

int count_jobs(const EndpointContext& ctx, JobStatus status) {
    int n = 0;
    for (std::size_t i = 0; i < ctx.model.job_count(); ++i)
        if (ctx.visible(ctx.model.job(i)) && ctx.model.job(i).status == status) ++n;
    return n;
}

}  // namespace

RestResponse get_dashboard_config(const EndpointContext& ctx) {
    const auto& spec = ctx.model.spec();
    return json_response(json{
        {"refresh-interval", 3000},
        {"timezone-name", "Coordinated Universal Time"},
        {"timezone-offset", 0},
        {"flink-version", spec.version.text},
        {"flink-revision", ctx.settings.flink_revision},
        {"features",
         {{"web-submit", false}, {"web-cancel", false},
          {"web-rescale", spec.scheduler == Scheduler::Adaptive}, {"web-history", false}}},
    });
}

RestResponse get_cluster_overview(const EndpointContext& ctx) {
    const auto& spec = ctx.model.spec();
    return json_response(json{
        {"taskmanagers", spec.taskmanagers.count},
        {"slots-total", ctx.model.slots_total()},
        {"slots-available", ctx.model.slots_free()},
        {"jobs-running", count_jobs(ctx, JobStatus::Running)},
        {"jobs-finished", count_jobs(ctx, JobStatus::Finished)},
        {"jobs-cancelled", count_jobs(ctx, JobStatus::Canceled)},
        {"jobs-failed", count_jobs(ctx, JobStatus::Failed)},
        {"flink-version", spec.version.text},
        {"flink-commit", ctx.settings.flink_revision.substr(0, ctx.settings.flink_revision.find(' '))},
        {"taskmanagers-blocked", 0},
        {"slots-free-and-blocked", 0},
    });
}

RestResponse get_jobmanager_config(const EndpointContext& ctx) {
    const auto& spec = ctx.model.spec();
    std::vector<std::pair<std::string, std::string>> entries = {
        {"jobmanager.rpc.address", "localhost"},
        {"jobmanager.rpc.port", "6123"},
        {"rest.address", "127.0.0.1"},
        {"rest.bind-address", "127.0.0.1"},
        {"rest.port", std::to_string(ctx.port)},
        {"taskmanager.numberOfTaskSlots", std::to_string(spec.taskmanagers.slots)},
        {"parallelism.default", "1"},
    };
    // Like Flink, only options that were set appear: the default scheduler has no key.
    if (spec.scheduler == Scheduler::Adaptive) entries.emplace_back("jobmanager.scheduler", "adaptive");
    if (spec.scheduler == Scheduler::AdaptiveBatch) entries.emplace_back("jobmanager.scheduler", "AdaptiveBatch");
    if (spec.reactive) entries.emplace_back("scheduler-mode", "reactive");
    if (spec.rescale.cooldown_s && !spec.version.cooldown_key().empty())
        entries.emplace_back(std::string(spec.version.cooldown_key()), duration_text(*spec.rescale.cooldown_s));
    if (ctx.settings.metric_update_interval_s)
        entries.emplace_back("metrics.fetcher.update-interval", duration_text(*ctx.settings.metric_update_interval_s));
    for (const auto& [key, value] : ctx.settings.config) {
        const auto existing = std::find_if(entries.begin(), entries.end(), [&](auto& e) { return e.first == key; });
        if (existing != entries.end()) existing->second = value;
        else entries.emplace_back(key, value);
    }
    json out = json::array();
    for (const auto& [key, value] : entries) out.push_back({{"key", key}, {"value", sensitive(key) ? "******" : value}});
    return json_response(out);
}

RestResponse get_taskmanagers(const EndpointContext& ctx) {
    const auto& tm = ctx.model.spec().taskmanagers;
    const auto used = ctx.model.slots_used_per_taskmanager();
    const auto heap = static_cast<long long>(tm.heap_max_bytes);
    const auto managed = static_cast<long long>(tm.managed_bytes);
    json list = json::array();
    for (int i = 0; i < tm.count; ++i) {
        const int free = tm.slots - used[static_cast<std::size_t>(i)];
        const double share = static_cast<double>(free) / tm.slots;
        list.push_back(json{
            {"id", ctx.model.taskmanager_id(i)},
            {"path", "pekko.tcp://flink@127.0.0.1:" + std::to_string(40123 + 2 * i) + "/user/rpc/taskmanager_0"},
            {"dataPort", 40124 + 2 * i},
            {"jmxPort", -1},
            {"timeSinceLastHeartbeat", ctx.now_ms() - 1000},
            {"slotsNumber", tm.slots},
            {"freeSlots", free},
            {"totalResource",
             {{"cpuCores", static_cast<double>(tm.slots)}, {"taskHeapMemory", heap / 1048576},
              {"taskOffHeapMemory", 0}, {"managedMemory", managed / 1048576}, {"networkMemory", 128},
              {"extendedResources", json::object()}}},
            {"freeResource",
             {{"cpuCores", static_cast<double>(free)}, {"taskHeapMemory", static_cast<long long>(heap * share) / 1048576},
              {"taskOffHeapMemory", 0}, {"managedMemory", static_cast<long long>(managed * share) / 1048576},
              {"networkMemory", static_cast<long long>(128 * share)}, {"extendedResources", json::object()}}},
            {"hardware",
             {{"cpuCores", 8}, {"physicalMemory", 33554432000LL}, {"freeMemory", 1073741824LL},
              {"managedMemory", managed}}},
            {"memoryConfiguration",
             {{"frameworkHeap", 134217728}, {"taskHeap", heap}, {"frameworkOffHeap", 134217728},
              {"taskOffHeap", 0}, {"networkMemory", 134217728}, {"managedMemory", managed},
              {"jvmMetaspace", 268435456}, {"jvmOverhead", 201326592},
              {"totalFlinkMemory", heap + managed + 402653184LL},
              {"totalProcessMemory", heap + managed + 872415232LL}}},
            {"blocked", false},
        });
    }
    return json_response(json{{"taskmanagers", list}});
}

}  // namespace flinkscaler::sim
