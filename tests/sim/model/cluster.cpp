// SPDX-License-Identifier: Apache-2.0
//
// The cluster model: jobs and their validation, subtask shares, and moving time forward (the
// throughput of every running job per step). The state machine is in cluster_lifecycle.cpp,
// slots and requirements in cluster_resources.cpp.
#include "sim/model/cluster.hpp"

#include "sim/model/ids.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

namespace flinkscaler::sim {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

constexpr std::array<std::string_view, kJobStatusCount> kJobStatusNames = {
    "INITIALIZING", "CREATED", "RUNNING", "FAILING", "FAILED", "CANCELLING", "CANCELED", "FINISHED",
    "RESTARTING", "SUSPENDED", "RECONCILING",
};
constexpr std::array<std::string_view, kTaskStateCount> kTaskStateNames = {
    "CREATED", "SCHEDULED", "DEPLOYING", "RUNNING", "FINISHED", "CANCELING", "CANCELED", "FAILED",
    "RECONCILING", "INITIALIZING",
};

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

bool has_input(const VertexSpec& v, std::string_view strategy) {
    return std::any_of(v.inputs.begin(), v.inputs.end(),
                       [&](const InputEdge& e) { return iequals(e.ship_strategy, strategy); });
}

std::string head_operator(const VertexSpec& v) {
    if (!v.operator_name.empty()) return v.operator_name;
    return v.name.substr(0, v.name.find(" -> "));
}

}  // namespace

std::string_view job_status_name(JobStatus s) { return kJobStatusNames[static_cast<std::size_t>(s)]; }
std::string_view task_state_name(TaskState s) { return kTaskStateNames[static_cast<std::size_t>(s)]; }

int Job::total_subtasks() const {
    int total = 0;
    for (const auto& v : vertices) total += v.parallelism;
    return total;
}

std::optional<std::size_t> Job::vertex_index(std::string_view vertex_id) const {
    for (std::size_t i = 0; i < spec.vertices.size(); ++i)
        if (spec.vertices[i].id == vertex_id) return i;
    return std::nullopt;
}

std::vector<double> subtask_weights(const VertexSpec& vertex, int parallelism) {
    const auto p = static_cast<std::size_t>(std::max(1, parallelism));
    std::vector<double> w(p, 0.0);
    if (has_input(vertex, "GLOBAL")) {
        w[0] = 1.0;
        return w;
    }
    if (vertex.kafka && vertex.kafka->partitions > 0) {
        const auto partitions = static_cast<std::size_t>(vertex.kafka->partitions);
        for (std::size_t k = 0; k < partitions; ++k) w[k % p] += 1.0 / static_cast<double>(partitions);
        return w;
    }
    if (p == 1) {
        w[0] = 1.0;
        return w;
    }
    for (std::size_t i = 0; i < p; ++i) {
        const double position = 2.0 * static_cast<double>(i) / static_cast<double>(p - 1) - 1.0;  // -1 .. 1
        w[i] = (1.0 + vertex.skew * position) / static_cast<double>(p);
    }
    return w;
}

Cluster::Cluster(ClusterSpec spec) : spec_(std::move(spec)) {
    if (spec_.taskmanagers.count < 0 || spec_.taskmanagers.slots < 1)
        throw std::invalid_argument("a cluster needs at least one slot per TaskManager");
    if (!(spec_.max_step_s > 0)) throw std::invalid_argument("max_step_s must be positive");
}

std::int64_t Cluster::epoch_ms(double t_s) const {
    return spec_.start_epoch_ms + static_cast<std::int64_t>(std::llround(t_s * 1000.0));
}

std::size_t Cluster::add_job(JobSpec spec) {
    if (spec.name.empty()) throw std::invalid_argument("a job needs a name");
    if (spec.id.empty()) spec.id = derive_hex_id(spec_.name + "/" + spec.name);
    if (!is_hex_id(spec.id)) throw std::invalid_argument("job id '" + spec.id + "' is not 32 hex digits");
    for (auto& c : spec.id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& other : jobs_)
        if (other.spec.id == spec.id) throw std::invalid_argument("duplicate job id " + spec.id);
    if (spec.vertices.empty()) throw std::invalid_argument("job '" + spec.name + "' has no vertices");
    if (spec.checkpoint_interval_s < 0) throw std::invalid_argument("checkpoint interval must not be negative");

    std::set<std::string> ids;
    for (auto& v : spec.vertices) {
        const std::string where = "job '" + spec.name + "' vertex '" + v.name + "': ";
        if (v.name.empty()) throw std::invalid_argument("job '" + spec.name + "': a vertex needs a name");
        if (v.id.empty()) v.id = derive_hex_id(spec.id + "/" + v.name);
        if (!is_hex_id(v.id)) throw std::invalid_argument(where + "id is not 32 hex digits");
        for (auto& c : v.id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!ids.insert(v.id).second) throw std::invalid_argument(where + "duplicate vertex id");
        if (v.operator_name.empty()) v.operator_name = head_operator(v);
        if (v.max_parallelism < 1 || v.max_parallelism > 32768)
            throw std::invalid_argument(where + "max_parallelism must be in 1..32768");
        if (v.parallelism < 1 || v.parallelism > v.max_parallelism)
            throw std::invalid_argument(where + "parallelism must be in 1..max_parallelism");
        if (!(v.capacity > 0) || !std::isfinite(v.capacity)) throw std::invalid_argument(where + "capacity must be > 0");
        if (!(v.output_ratio >= 0) || !std::isfinite(v.output_ratio))
            throw std::invalid_argument(where + "output_ratio must be >= 0");
        if (!(v.skew >= 0 && v.skew < 1)) throw std::invalid_argument(where + "skew must be in [0, 1)");
        if (v.inputs.empty() && !v.input_rate) throw std::invalid_argument(where + "a source needs an input rate");
        if (!v.inputs.empty() && v.input_rate)
            throw std::invalid_argument(where + "only sources (no inputs) take an input rate");
        if (v.kafka && v.kafka->partitions < 1) throw std::invalid_argument(where + "kafka partitions must be >= 1");
        for (const auto& e : v.inputs)
            if (e.from >= spec.vertices.size()) throw std::invalid_argument(where + "input refers to a bad vertex");
    }

    Job job;
    job.spec = std::move(spec);
    job.vertices.resize(job.spec.vertices.size());
    std::vector<int> parallelism;
    for (std::size_t i = 0; i < job.vertices.size(); ++i) {
        const auto& vs = job.spec.vertices[i];
        job.vertices[i].requirement = Bounds{1, vs.parallelism};
        if (vs.kafka) job.vertices[i].partition_offsets.assign(static_cast<std::size_t>(vs.kafka->partitions), 0.0);
        parallelism.push_back(vs.parallelism);
    }
    apply_parallelism(job, parallelism);  // builds the flow graph; throws on a cycle

    if (job.spec.start_s <= now_) {
        // Already running when the simulation (or this job) starts.
        if (slots_used() + slots_needed(job) > slots_total())
            throw std::invalid_argument("job '" + job.spec.name + "' needs " + std::to_string(slots_needed(job)) +
                                        " slots but only " + std::to_string(slots_free()) + " are free");
        const double start = std::min(job.spec.start_s, now_);
        job.submitted = true;
        job.submitted_s = start - 2.0;
        job.attempt = 1;
        job.timestamps[static_cast<std::size_t>(JobStatus::Initializing)] = epoch_ms(start - 2.0);
        job.timestamps[static_cast<std::size_t>(JobStatus::Created)] = epoch_ms(start - 1.5);
        job.timestamps[static_cast<std::size_t>(JobStatus::Running)] = epoch_ms(start);
        job.status = JobStatus::Running;
        job.tasks = TaskState::Running;
        job.running_since_s = start;
        job.tasks_running_since_s = start;
        job.last_modification_s = start;
        if (job.spec.checkpoint_interval_s > 0) {
            // Keep the checkpoint phase of a job that has been running since `start`.
            const double k = std::floor((now_ - start) / job.spec.checkpoint_interval_s) + 1;
            job.next_checkpoint_s = start + k * job.spec.checkpoint_interval_s;
        }
    }
    jobs_.push_back(std::move(job));
    return jobs_.size() - 1;
}

std::optional<std::size_t> Cluster::find_job(std::string_view id_or_name) const {
    for (std::size_t i = 0; i < jobs_.size(); ++i)
        if (jobs_[i].spec.id == id_or_name) return i;
    for (std::size_t i = 0; i < jobs_.size(); ++i)
        if (jobs_[i].spec.name == id_or_name) return i;
    return std::nullopt;
}

void Cluster::advance(double dt_s) { advance_to(now_ + dt_s); }

void Cluster::advance_to(double t_s) {
    while (now_ < t_s) {
        const double step_end = std::min(t_s, now_ + spec_.max_step_s);
        for (auto& job : jobs_) advance_job(job, now_, step_end);
        now_ = step_end;
    }
}

void Cluster::advance_job(Job& job, double t0, double t1) {
    double t = t0;
    while (true) {
        apply_transitions(job, t);
        if (t >= t1) break;
        double next = std::min(t1, next_event_s(job));
        if (!(next > t)) next = t1;
        run_interval(job, t, next);
        t = next;
    }
}

double Cluster::next_event_s(const Job& job) const {
    if (!job.submitted) return job.spec.start_s;
    if (job.terminal()) return kInfinity;
    double next = job.phase_until_s;
    if (job.processing()) {
        if (job.spec.checkpoint_interval_s > 0) next = std::min(next, job.next_checkpoint_s);
        if (job.pending_since_s) {
            const double earliest = std::max(*job.pending_since_s, job.running_since_s + cooldown_s());
            const double interval = job.spec.checkpoint_interval_s;
            if (!spec_.version.rescale_waits_for_checkpoint() || interval <= 0) next = std::min(next, earliest);
            // otherwise the trigger is a checkpoint completion, already in `next`
        }
    }
    return next;
}

void Cluster::apply_parallelism(Job& job, const std::vector<int>& parallelism) {
    std::vector<bool> has_outputs(job.spec.vertices.size(), false);
    for (const auto& vs : job.spec.vertices)
        for (const auto& e : vs.inputs) has_outputs[e.from] = true;
    std::vector<FlowVertex> flow;
    for (std::size_t i = 0; i < job.spec.vertices.size(); ++i) {
        const auto& vs = job.spec.vertices[i];
        auto& vr = job.vertices[i];
        vr.parallelism = parallelism[i];
        vr.weights = subtask_weights(vs, vr.parallelism);
        const auto p = static_cast<std::size_t>(vr.parallelism);
        vr.busy.assign(p, 0.0);
        vr.backpressured.assign(p, 0.0);
        vr.idle.assign(p, 0.0);
        FlowVertex fv;
        fv.capacity = vs.capacity;
        fv.output_ratio = vs.output_ratio;
        fv.parallelism = vr.parallelism;
        fv.weights = vr.weights;
        fv.has_outputs = has_outputs[i];
        for (const auto& e : vs.inputs) fv.inputs.emplace_back(e.from, iequals(e.ship_strategy, "BROADCAST"));
        flow.push_back(std::move(fv));
    }
    job.graph = FlowGraph(std::move(flow));
    job.flow = FlowResult{};
    job.demand.assign(job.graph.sources().size(), 0.0);
}

void Cluster::run_interval(Job& job, double t0, double t1) {
    if (!job.submitted || job.terminal()) return;
    const double dt = t1 - t0;
    const auto& sources = job.graph.sources();
    if (!job.processing()) {
        // Nobody reads: everything that arrives waits in the external system.
        for (const std::size_t v : sources) job.vertices[v].backlog += job.spec.vertices[v].input_rate->mean_rate(t0, t1) * dt;
        return;
    }
    std::vector<double> arrival(sources.size());
    for (std::size_t s = 0; s < sources.size(); ++s) {
        const auto& vr = job.vertices[sources[s]];
        arrival[s] = job.spec.vertices[sources[s]].input_rate->mean_rate(t0, t1);
        job.demand[s] = arrival[s] + vr.backlog / dt;
    }
    solve_flow(job.graph, job.demand, job.flow);
    const auto& flow = job.flow;
    for (std::size_t s = 0; s < sources.size(); ++s) {
        auto& vr = job.vertices[sources[s]];
        const double read = flow.source_rate[s];
        vr.backlog = std::max(0.0, vr.backlog + (arrival[s] - read) * dt);
        vr.read_since_checkpoint += read * dt;
        vr.source_records_in += read * dt;
        const auto partitions = vr.partition_offsets.size();
        for (std::size_t k = 0; k < partitions; ++k) vr.partition_offsets[k] += read * dt / static_cast<double>(partitions);
    }
    for (std::size_t v = 0; v < job.vertices.size(); ++v) {
        auto& vr = job.vertices[v];
        const auto& fv = job.graph.vertices()[v];
        const bool is_source = fv.inputs.empty();
        const double received = flow.received(job.graph, v);
        vr.in_rate = received;
        vr.out_rate = fv.has_outputs ? received * fv.output_ratio : 0.0;
        if (!is_source) vr.read_records += received * dt;
        vr.write_records += vr.out_rate * dt;
        double busy = 0, bp = 0, idle = 0;
        for (std::size_t i = 0; i < vr.busy.size(); ++i) {
            const double u = flow.utilisation(job.graph, v, i);
            vr.busy[i] = u;
            vr.backpressured[i] = flow.backpressured[v] ? 1.0 - u : 0.0;
            vr.idle[i] = flow.backpressured[v] ? 0.0 : 1.0 - u;
            busy += vr.busy[i];
            bp += vr.backpressured[i];
            idle += vr.idle[i];
        }
        vr.busy_ms += busy * dt * 1000.0;
        vr.backpressured_ms += bp * dt * 1000.0;
        vr.idle_ms += idle * dt * 1000.0;
    }
}

double Cluster::mean_utilisation() const {
    double sum = 0;
    std::size_t count = 0;
    for (const auto& job : jobs_) {
        if (!job.processing()) continue;
        for (const auto& v : job.vertices)
            for (const double b : v.busy) {
                sum += b;
                ++count;
            }
    }
    return count == 0 ? 0.0 : sum / static_cast<double>(count);
}

}  // namespace flinkscaler::sim
