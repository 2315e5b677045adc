// SPDX-License-Identifier: Apache-2.0
//
// What a scenario describes: a cluster (version, scheduler, TaskManagers, rescale timing) and
// its jobs (a DAG of vertices with capacities, fed by input-rate profiles). Plain data; the
// scenario loader fills it, the model validates it when a job is added.
#pragma once

#include "sim/model/input_profile.hpp"
#include "sim/model/version.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flinkscaler::sim {

/// An input edge of a vertex. The strategy string is what the plan shows (`HASH`, `REBALANCE`,
/// `FORWARD`, `BROADCAST`, `GLOBAL`, ...). Two of them change the model: BROADCAST sends every
/// record to every subtask, GLOBAL sends everything to subtask 0.
struct InputEdge {
    std::size_t from = 0;  ///< index of the producing vertex in JobSpec::vertices
    std::string ship_strategy = "REBALANCE";
};

/// A Kafka-like source: partitions are spread round robin over the subtasks, which decides the
/// per-subtask share of the input, and each partition gets a `currentOffset` metric.
struct KafkaSpec {
    std::string topic;
    int partitions = 0;
};

struct VertexSpec {
    std::string id;              ///< 32 hex; derived from the job id and name when empty
    std::string name;            ///< vertex (chain) name, e.g. "Source: orders -> Filter"
    std::string operator_name;   ///< head operator; empty = first part of `name` before " -> "
    int parallelism = 1;
    int max_parallelism = 128;
    double capacity = 1000.0;    ///< records/s one subtask processes when fully busy
    double output_ratio = 1.0;   ///< records out per record in
    double skew = 0.0;           ///< 0 = even; s spreads subtask shares linearly over (1-s .. 1+s)/p
    std::string slot_sharing_group = "default";
    std::vector<InputEdge> inputs;            ///< empty = source
    std::optional<InputProfile> input_rate;   ///< required for sources
    bool pending_records = true;  ///< sources: register `<op>.pendingRecords` (FLIP-33)
    bool busy_time = true;        ///< false: busy time is NaN, like a legacy source
    std::optional<KafkaSpec> kafka;
    double record_bytes = 100.0;  ///< for the byte counters only
};

struct JobSpec {
    std::string id;    ///< 32 hex; derived from the cluster and job name when empty
    std::string name;
    std::vector<VertexSpec> vertices;
    double checkpoint_interval_s = 60.0;  ///< 0 = checkpointing disabled
    double start_s = 0.0;                 ///< simulated time at which the job is submitted
    std::map<std::string, std::string> user_config;  ///< /jobs/:jid/config user-config
    /// Records read since the last checkpoint go back to the backlog on a restart (they are
    /// replayed from the source), which gives the pendingRecords spike seen after a rescale.
    bool replay_on_restart = true;
};

enum class Scheduler { Adaptive, Default, AdaptiveBatch };

struct RescaleTiming {
    std::optional<double> cooldown_s;  ///< unset = the version's default (0 for 1.18, else 30 s)
    double restarting_s = 1.0;         ///< RESTARTING (tasks cancelling)
    double created_s = 2.0;            ///< CREATED (waiting for / allocating slots, deploying)
    double initializing_s = 1.0;       ///< RUNNING with tasks INITIALIZING (no records flow)
    /// A second PUT while an accepted one has not been acted upon gets 409.
    bool conflict_while_pending = true;
};

struct TaskManagerSpec {
    int count = 2;
    int slots = 4;
    double heap_max_bytes = 512.0 * 1024 * 1024;
    double heap_base_ratio = 0.30;   ///< heap used / max with idle slots
    double heap_load_ratio = 0.45;   ///< added at full utilisation of all slots
    double managed_bytes = 512.0 * 1024 * 1024;
    double metaspace_bytes = 80.0 * 1024 * 1024;
    double gc_base_ms_per_s = 1.0;   ///< GC time per second with idle slots
    double gc_load_ms_per_s = 20.0;  ///< added at full utilisation
    bool gc_all_metric = true;       ///< register Status.JVM.GarbageCollector.All.TimeMsPerSecond
};

struct ClusterSpec {
    std::string name = "cluster";
    Version version;
    Scheduler scheduler = Scheduler::Adaptive;
    bool reactive = false;       ///< scheduler-mode: reactive (adaptive, but PUT is refused)
    TaskManagerSpec taskmanagers;
    RescaleTiming rescale;
    double max_step_s = 1.0;     ///< integration step; advance() splits longer intervals
    std::int64_t start_epoch_ms = 1'717'000'000'000;  ///< epoch ms of simulated time 0
};

}  // namespace flinkscaler::sim
