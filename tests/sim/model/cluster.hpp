// SPDX-License-Identifier: Apache-2.0
//
// One simulated Flink cluster: TaskManagers with slots, jobs with their execution state, the
// throughput of every job, and the adaptive scheduler's reaction to new resource
// requirements. No I/O and no clock: advance() moves simulated time, which the caller maps to
// wall time (the server) or runs as fast as it can (tests, benchmarks).
#pragma once

#include "sim/model/cluster_spec.hpp"
#include "sim/model/flow.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flinkscaler::sim {

/// JobStatus in Flink's declaration order (the order of `timestamps` in /jobs/:jid).
enum class JobStatus {
    Initializing, Created, Running, Failing, Failed, Cancelling, Canceled, Finished, Restarting, Suspended,
    Reconciling,
};
inline constexpr std::size_t kJobStatusCount = 11;
std::string_view job_status_name(JobStatus s);  ///< upper case, e.g. "RUNNING"

/// ExecutionState in Flink's declaration order (note CANCELING with one L).
enum class TaskState {
    Created, Scheduled, Deploying, Running, Finished, Canceling, Canceled, Failed, Reconciling, Initializing,
};
inline constexpr std::size_t kTaskStateCount = 10;
std::string_view task_state_name(TaskState s);  ///< upper case, e.g. "CANCELING"

/// A vertex's resource requirement as in GET/PUT resource-requirements.
struct Bounds {
    int lower = 1;
    int upper = 1;
    bool operator==(const Bounds&) const = default;
};

struct VertexRuntime {
    int parallelism = 1;
    Bounds requirement;             ///< the desired bounds (what GET resource-requirements shows)
    std::vector<double> weights;    ///< per-subtask share of the input

    // Cumulative since the current execution graph was created (reset on every restart).
    double read_records = 0;        ///< network records in (0 for sources)
    double write_records = 0;       ///< network records out (0 for sinks)
    double busy_ms = 0;             ///< summed over subtasks
    double backpressured_ms = 0;
    double idle_ms = 0;
    double source_records_in = 0;   ///< sources: records read from the external system

    // Rates of the last model step (all 0 while the tasks do not run).
    double in_rate = 0;             ///< records/s received by the vertex (sources: read rate)
    double out_rate = 0;            ///< records/s emitted by the vertex
    std::vector<double> busy;       ///< per subtask, fraction of time 0..1
    std::vector<double> backpressured;
    std::vector<double> idle;

    // Sources only.
    double backlog = 0;             ///< records that arrived but were not read (pendingRecords)
    double read_since_checkpoint = 0;
    std::vector<double> partition_offsets;  ///< Kafka: records read per partition, never reset
};

struct Job {
    JobSpec spec;
    bool submitted = false;         ///< false until simulated time reaches spec.start_s
    JobStatus status = JobStatus::Initializing;
    TaskState tasks = TaskState::Created;  ///< every subtask of the job is in the same state
    std::array<std::int64_t, kJobStatusCount> timestamps{};  ///< epoch ms of the current graph, 0 = never
    double submitted_s = 0;
    std::optional<double> end_s;    ///< set when the job reached a terminal state
    double last_modification_s = 0;
    double running_since_s = 0;     ///< last entry into RUNNING (cooldown reference)
    std::optional<double> tasks_running_since_s;  ///< tasks RUNNING since (records flow)
    double phase_until_s = std::numeric_limits<double>::infinity();  ///< end of a transitional phase
    bool waiting_for_resources = false;
    int num_restarts = 0;
    std::uint64_t attempt = 0;      ///< execution-graph generation, +1 on every restart
    std::optional<double> pending_since_s;  ///< accepted PUT not yet acted upon
    double next_checkpoint_s = std::numeric_limits<double>::infinity();
    int completed_checkpoints = 0;
    std::optional<double> restart_started_s;
    double last_restart_duration_s = 0;
    std::vector<VertexRuntime> vertices;

    FlowGraph graph;                ///< rebuilt whenever the parallelism changes
    FlowResult flow;
    std::vector<double> demand;

    bool terminal() const {
        return status == JobStatus::Canceled || status == JobStatus::Failed || status == JobStatus::Finished;
    }
    /// Records flow only when the job is RUNNING and its tasks have finished initialising.
    bool processing() const { return status == JobStatus::Running && tasks == TaskState::Running; }
    int total_subtasks() const;
    std::optional<std::size_t> vertex_index(std::string_view vertex_id) const;
};

/// Why a requirements map is not acceptable for a job (the server turns this into the 400
/// texts of flink-rest.md §3.3).
struct RequirementsProblem {
    enum class Kind { UnknownVertex, MissingVertex, AboveMaxParallelism, NotPositive, LowerAboveUpper };
    Kind kind;
    std::string vertex_id;
    int value = 0;
    int limit = 0;
};

class Cluster {
public:
    explicit Cluster(ClusterSpec spec);

    const ClusterSpec& spec() const { return spec_; }
    double now_s() const { return now_; }
    /// Epoch milliseconds of simulated time t.
    std::int64_t epoch_ms(double t_s) const;

    /// Validate and add a job. A job with start_s <= now is RUNNING right away (as if it had been
    /// running since start_s); a later one is submitted when time gets there. Throws
    /// std::invalid_argument naming the problem (bad id, cycle, no input rate, not enough slots).
    std::size_t add_job(JobSpec spec);
    std::size_t job_count() const { return jobs_.size(); }
    const Job& job(std::size_t index) const { return jobs_.at(index); }
    std::optional<std::size_t> find_job(std::string_view id_or_name) const;

    /// Move simulated time forward; intervals longer than spec().max_step_s are split.
    void advance(double dt_s);
    void advance_to(double t_s);

    // Slots: a job holds, per slot-sharing group, as many slots as its widest vertex.
    int slots_total() const { return spec_.taskmanagers.count * spec_.taskmanagers.slots; }
    int slots_used() const;
    int slots_free() const { return slots_total() - slots_used(); }
    int slots_used_by(const Job& job) const;
    /// Used slots per TaskManager (jobs fill TaskManagers in order).
    std::vector<int> slots_used_per_taskmanager() const;
    std::string taskmanager_id(int index) const;

    /// Adaptive scheduler and not reactive mode: PUT resource-requirements is accepted.
    bool rescalable() const { return spec_.scheduler == Scheduler::Adaptive && !spec_.reactive; }
    std::optional<RequirementsProblem> check_requirements(std::size_t job,
                                                          const std::map<std::string, Bounds>& bounds) const;
    /// Store new requirements (must pass check_requirements and rescalable()); the scheduler
    /// acts on them after the version's delay. Throws std::logic_error otherwise.
    void set_requirements(std::size_t job, const std::map<std::string, Bounds>& bounds);
    /// Convenience: upper bounds only, lower bound 1, vertices not named keep their bounds.
    void set_requirements(std::size_t job, const std::map<std::string, int>& upper_bounds);
    bool update_pending(std::size_t job) const { return jobs_.at(job).pending_since_s.has_value(); }
    /// When the scheduler will act on the pending update (if the job stays RUNNING).
    std::optional<double> rescale_trigger_s(std::size_t job) const;

    /// Failover: the job restarts with the same requirements (RUNNING timestamp moves, counters
    /// reset, numRestarts + 1).
    void fail_job(std::size_t job);
    /// Cancel: the job goes CANCELED and frees its slots.
    void cancel_job(std::size_t job);

    /// Mean utilisation of all running subtasks in the cluster (0..1); drives TM heap and GC.
    double mean_utilisation() const;

private:
    void advance_job(Job& job, double t0, double t1);
    void apply_transitions(Job& job, double t);
    double next_event_s(const Job& job) const;
    void run_interval(Job& job, double t0, double t1);
    void submit(Job& job, double at);
    void begin_restart(Job& job, double at);
    void enter_created(Job& job, double at);
    bool try_allocate(Job& job, double at);
    void enter_running(Job& job, double at);
    void act_on_pending(Job& job, double at);
    void reset_counters(Job& job);
    void apply_parallelism(Job& job, const std::vector<int>& parallelism);
    /// Parallelism the requirements give with `available` slots, nullopt if even the lower
    /// bounds do not fit.
    std::optional<std::vector<int>> fit_parallelism(const Job& job, int available) const;
    double cooldown_s() const;
    /// Slots the job's current parallelism takes, whatever its state.
    static int slots_needed(const Job& job);

    ClusterSpec spec_;
    double now_ = 0;
    std::vector<Job> jobs_;
};

/// Per-subtask input shares for a vertex at parallelism p (GLOBAL input: all on subtask 0;
/// Kafka: partitions round robin; otherwise the skew spread). Exposed for tests.
std::vector<double> subtask_weights(const VertexSpec& vertex, int parallelism);

}  // namespace flinkscaler::sim
