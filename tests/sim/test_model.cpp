// SPDX-License-Identifier: Apache-2.0
//
// Unit tests of the simulator's throughput model (tests/sim/model): capacity caps, backlog,
// busy time, the rescale sequence of each version, the slot cap and the input profiles.
#include "sim/model/cluster.hpp"
#include "sim/model/ids.hpp"
#include "sim/model/input_profile.hpp"
#include "sim/model/metric_names.hpp"
#include "sim/model/metric_snapshot.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>

using namespace flinkscaler::sim;

namespace {

VertexSpec source(std::string name, int parallelism, double capacity, InputProfile rate) {
    VertexSpec v;
    v.name = std::move(name);
    v.parallelism = parallelism;
    v.capacity = capacity;
    v.input_rate = std::move(rate);
    return v;
}

VertexSpec stage(std::string name, int parallelism, double capacity, std::size_t from,
                 std::string strategy = "REBALANCE") {
    VertexSpec v;
    v.name = std::move(name);
    v.parallelism = parallelism;
    v.capacity = capacity;
    v.inputs.push_back({from, std::move(strategy)});
    return v;
}

/// Source -> keyed stage -> sink, like scenarios/single-job.yaml.
JobSpec pipeline(double rate, int p_source = 2, double c_source = 10000, int p_keyed = 2, double c_keyed = 1000) {
    JobSpec job;
    job.name = "orders";
    job.vertices.push_back(source("Source: orders", p_source, c_source, InputProfile::constant(rate)));
    job.vertices.push_back(stage("KeyedProcess", p_keyed, c_keyed, 0, "HASH"));
    job.vertices.push_back(stage("Sink: results", 1, 100000, 1));
    return job;
}

ClusterSpec cluster_spec(std::string version = "1.20.1", int tms = 2, int slots = 4) {
    ClusterSpec c;
    c.version = *Version::parse(version);
    c.taskmanagers.count = tms;
    c.taskmanagers.slots = slots;
    return c;
}

const MetricSeries& series(const std::vector<MetricSeries>& all, const std::string& name) {
    for (const auto& s : all)
        if (s.name == name) return s;
    FAIL("metric " << name << " not found");
    throw std::logic_error("unreachable");
}

double sum(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s;
}

std::map<std::string, int> upper(const Job& job, std::vector<int> values) {
    std::map<std::string, int> m;
    for (std::size_t i = 0; i < values.size(); ++i) m[job.spec.vertices[i].id] = values[i];
    return m;
}

}  // namespace

TEST_CASE("throughput is capped by parallelism x capacity of the bottleneck", "[model][throughput]") {
    Cluster c(cluster_spec());
    const auto j = c.add_job(pipeline(5000));  // keyed stage: 2 x 1000 records/s
    c.advance(10);
    const Job& job = c.job(j);
    CHECK(job.vertices[0].in_rate == Approx(2000));
    CHECK(job.vertices[1].in_rate == Approx(2000));
    CHECK(job.vertices[2].in_rate == Approx(2000));
    // The bottleneck is 100 % busy; the source is backpressured, the sink mostly idle.
    CHECK(job.vertices[1].busy[0] == Approx(1.0));
    CHECK(job.vertices[0].backpressured[0] > 0.8);
    CHECK(job.vertices[0].idle[0] == Approx(0.0));
    CHECK(job.vertices[2].backpressured[0] == Approx(0.0));
    CHECK(job.vertices[2].idle[0] == Approx(0.98));
    CHECK(job.vertices[1].read_records == Approx(20000));
}

TEST_CASE("below capacity everything that arrives is processed", "[model][throughput]") {
    Cluster c(cluster_spec());
    const auto j = c.add_job(pipeline(1200));
    c.advance(30);
    const Job& job = c.job(j);
    CHECK(job.vertices[0].source_records_in == Approx(36000));
    CHECK(job.vertices[0].backlog == Approx(0.0));
    CHECK(job.vertices[1].busy[0] == Approx(0.6));
    CHECK(job.vertices[1].idle[0] == Approx(0.4));
    CHECK(job.vertices[1].backpressured[0] == Approx(0.0));
}

TEST_CASE("output ratio scales what downstream is offered", "[model][throughput]") {
    auto spec = pipeline(1000);
    spec.vertices[0].output_ratio = 0.5;
    spec.vertices[1].output_ratio = 3.0;
    Cluster c(cluster_spec());
    const auto j = c.add_job(spec);
    c.advance(5);
    const Job& job = c.job(j);
    CHECK(job.vertices[1].in_rate == Approx(500));
    CHECK(job.vertices[2].in_rate == Approx(1500));
    CHECK(job.vertices[2].out_rate == Approx(0.0));  // a sink writes no network records
}

TEST_CASE("source backlog grows while arrival exceeds capacity and drains afterwards", "[model][backlog]") {
    JobSpec spec = pipeline(0);
    spec.vertices[0].input_rate = InputProfile::step({{0, 3000}, {100, 500}});
    Cluster c(cluster_spec());
    const auto j = c.add_job(spec);
    c.advance(100);
    CHECK(c.job(j).vertices[0].backlog == Approx(100 * 1000.0));  // 3000 in, 2000 absorbed
    c.advance(20);
    CHECK(c.job(j).vertices[0].backlog == Approx(100000 - 20 * 1500.0));  // 500 in, 2000 out
    c.advance(100);
    CHECK(c.job(j).vertices[0].backlog == Approx(0.0));
    CHECK(c.job(j).vertices[0].in_rate == Approx(500));
    const auto metrics = vertex_metrics(c.job(j), 0);
    CHECK(sum(series(metrics, "Source__orders.pendingRecords").values) == Approx(0.0));
}

TEST_CASE("busy time and the accumulated IO counters", "[model][busy]") {
    Cluster c(cluster_spec());
    const auto j = c.add_job(pipeline(800));
    c.advance(10);
    const Job& job = c.job(j);
    const auto io = io_counters(job, 1);
    CHECK(io.busy_ms == Approx(2 * 0.4 * 10000));  // 2 subtasks at 40 % for 10 s
    CHECK(io.idle_ms == Approx(2 * 0.6 * 10000).margin(1));
    CHECK(io.read_records == Approx(8000));
    CHECK(io.write_records == Approx(8000));
    const auto src = io_counters(job, 0);
    CHECK(src.read_records == 0);  // sources read no network records
    CHECK(src.write_records == Approx(8000));
    const auto metrics = vertex_metrics(job, 1);
    CHECK(series(metrics, "busyTimeMsPerSecond").values == std::vector<double>{400, 400});
    CHECK(series(metrics, "idleTimeMsPerSecond").values == std::vector<double>{600, 600});
    CHECK(sum(series(metrics, "numRecordsInPerSecond").values) == Approx(800));
}

TEST_CASE("skew spreads the load over the subtasks", "[model][busy]") {
    auto spec = pipeline(1000);
    spec.vertices[1].skew = 0.5;  // shares 0.25 and 0.75
    Cluster c(cluster_spec());
    const auto j = c.add_job(spec);
    c.advance(5);
    const auto& busy = c.job(j).vertices[1].busy;
    CHECK(busy[0] == Approx(0.25));
    CHECK(busy[1] == Approx(0.75));
    // Capacity with skew: the busiest subtask saturates at 1000 / 0.75.
    auto heavy = pipeline(5000);
    heavy.vertices[1].skew = 0.5;
    heavy.name = "heavy";
    const auto h = c.add_job(heavy);
    c.advance(5);
    CHECK(c.job(h).vertices[1].in_rate == Approx(1000 / 0.75));
}

TEST_CASE("GLOBAL and BROADCAST edges", "[model][throughput]") {
    JobSpec spec;
    spec.name = "edges";
    spec.vertices.push_back(source("Source: s", 1, 100000, InputProfile::constant(300)));
    spec.vertices.push_back(stage("Global", 3, 1000, 0, "GLOBAL"));
    spec.vertices.push_back(stage("Broadcast", 4, 1000, 0, "BROADCAST"));
    Cluster c(cluster_spec());
    const auto j = c.add_job(spec);
    c.advance(5);
    const Job& job = c.job(j);
    CHECK(job.vertices[1].busy == std::vector<double>{0.3, 0.0, 0.0});
    CHECK(job.vertices[2].in_rate == Approx(1200));  // every subtask gets every record
    CHECK(job.vertices[2].busy[3] == Approx(0.3));
}

TEST_CASE("two sources joining: the saturated join slows both", "[model][throughput]") {
    JobSpec spec;
    spec.name = "join";
    spec.vertices.push_back(source("Source: a", 1, 100000, InputProfile::constant(1000)));
    spec.vertices.push_back(source("Source: b", 1, 100000, InputProfile::constant(3000)));
    VertexSpec join = stage("Join", 2, 1000, 0, "HASH");
    join.inputs.push_back({1, "HASH"});
    spec.vertices.push_back(join);
    Cluster c(cluster_spec());
    const auto j = c.add_job(spec);
    c.advance(10);
    const Job& job = c.job(j);
    CHECK(job.vertices[2].in_rate == Approx(2000));
    CHECK(job.vertices[0].in_rate == Approx(500));
    CHECK(job.vertices[1].in_rate == Approx(1500));
    CHECK(job.vertices[0].backlog == Approx(5000));
}

TEST_CASE("rescale on 1.20: cooldown, RESTARTING -> CREATED -> RUNNING, counters reset", "[model][rescale]") {
    Cluster c(cluster_spec("1.20.1"));
    const auto j = c.add_job(pipeline(3000));
    c.advance(10);
    const auto running_before = c.job(j).timestamps[static_cast<std::size_t>(JobStatus::Running)];
    c.set_requirements(j, upper(c.job(j), {2, 4, 1}));
    CHECK(c.update_pending(j));
    REQUIRE(c.rescale_trigger_s(j).has_value());
    CHECK(*c.rescale_trigger_s(j) == Approx(30.0));  // 30 s after RUNNING at t = 0
    c.advance(19.5);
    CHECK(c.job(j).status == JobStatus::Running);
    CHECK(c.job(j).vertices[1].parallelism == 2);
    c.advance(1.0);  // t = 30.5
    CHECK(c.job(j).status == JobStatus::Restarting);
    CHECK(c.job(j).num_restarts == 1);
    CHECK(c.update_pending(j));
    c.advance(1.0);  // t = 31.5: CREATED since 31
    CHECK(c.job(j).status == JobStatus::Created);
    CHECK(!c.update_pending(j));
    CHECK(c.job(j).vertices[1].parallelism == 4);
    CHECK(c.job(j).vertices[1].read_records == 0);
    c.advance(2.0);  // t = 33.5: RUNNING since 33, tasks initialising until 34
    CHECK(c.job(j).status == JobStatus::Running);
    CHECK(c.job(j).tasks == TaskState::Initializing);
    const auto running_after = c.job(j).timestamps[static_cast<std::size_t>(JobStatus::Running)];
    CHECK(running_after == c.epoch_ms(33.0));
    CHECK(running_after > running_before);
    c.advance(11.0);  // t = 44.5
    CHECK(c.job(j).processing());
    CHECK(c.job(j).vertices[1].in_rate > 3000);  // catching up on the backlog with 4 x 1000
    CHECK(c.job(j).vertices[1].read_records == Approx(4000 * 10.5).margin(1));
}

TEST_CASE("rescale timing per version", "[model][rescale]") {
    SECTION("1.18: no cooldown") {
        Cluster c(cluster_spec("1.18.1"));
        const auto j = c.add_job(pipeline(100));
        c.advance(5);
        c.set_requirements(j, upper(c.job(j), {2, 3, 1}));
        c.advance(0.5);
        CHECK(c.job(j).status == JobStatus::Restarting);
        CHECK(c.job(j).timestamps[static_cast<std::size_t>(JobStatus::Restarting)] == c.epoch_ms(5.0));
    }
    SECTION("1.19: waits for scaling-interval.min after RUNNING") {
        Cluster c(cluster_spec("1.19.0"));
        const auto j = c.add_job(pipeline(100));
        c.advance(5);
        c.set_requirements(j, upper(c.job(j), {2, 3, 1}));
        c.advance(24);
        CHECK(c.job(j).status == JobStatus::Running);
        c.advance(1.5);
        CHECK(c.job(j).timestamps[static_cast<std::size_t>(JobStatus::Restarting)] == c.epoch_ms(30.0));
    }
    SECTION("2.0: cooldown, then the next completed checkpoint") {
        Cluster c(cluster_spec("2.0.0"));
        auto spec = pipeline(100);
        spec.checkpoint_interval_s = 60;
        const auto j = c.add_job(spec);
        c.advance(40);
        c.set_requirements(j, upper(c.job(j), {2, 3, 1}));
        CHECK(*c.rescale_trigger_s(j) == Approx(60.0));
        c.advance(19.5);
        CHECK(c.job(j).status == JobStatus::Running);
        c.advance(1);
        CHECK(c.job(j).status == JobStatus::Restarting);
        CHECK(c.job(j).timestamps[static_cast<std::size_t>(JobStatus::Restarting)] == c.epoch_ms(60.0));
        CHECK(c.job(j).completed_checkpoints == 1);
    }
    SECTION("configured cooldown overrides the version default") {
        auto spec = cluster_spec("1.20.0");
        spec.rescale.cooldown_s = 0;
        Cluster c(spec);
        const auto j = c.add_job(pipeline(100));
        c.advance(1);
        c.set_requirements(j, upper(c.job(j), {2, 3, 1}));
        c.advance(0.1);
        CHECK(c.job(j).status == JobStatus::Restarting);
    }
    SECTION("requirements equal to the running parallelism: no restart") {
        Cluster c(cluster_spec("1.18.0"));
        const auto j = c.add_job(pipeline(100));
        c.set_requirements(j, upper(c.job(j), {2, 2, 1}));
        c.advance(5);
        CHECK(c.job(j).num_restarts == 0);
        CHECK(!c.update_pending(j));
    }
}

TEST_CASE("scale-up is capped by the free slots", "[model][slots]") {
    auto spec = cluster_spec("1.18.0", 1, 4);  // 4 slots in total
    Cluster c(spec);
    const auto j = c.add_job(pipeline(100));  // 2 slots (one slot-sharing group, widest vertex 2)
    CHECK(c.slots_used() == 2);
    CHECK(c.slots_free() == 2);
    c.set_requirements(j, upper(c.job(j), {2, 8, 1}));
    c.advance(10);
    CHECK(c.job(j).processing());
    CHECK(c.job(j).vertices[1].parallelism == 4);
    CHECK(c.job(j).vertices[1].requirement.upper == 8);  // GET still shows what was asked for
    CHECK(c.slots_free() == 0);
    // A second job does not fit any more.
    auto other = pipeline(100);
    other.name = "other";
    CHECK_THROWS_AS(c.add_job(other), std::invalid_argument);
}

TEST_CASE("slot-sharing groups each hold their widest vertex", "[model][slots]") {
    auto spec = pipeline(100, 2, 10000, 3, 1000);
    spec.vertices[2].slot_sharing_group = "sink";
    Cluster c(cluster_spec());
    const auto j = c.add_job(spec);
    CHECK(c.slots_used_by(c.job(j)) == 3 + 1);
}

TEST_CASE("failover and cancel", "[model][faults]") {
    Cluster c(cluster_spec());
    auto spec = pipeline(1000);
    spec.replay_on_restart = false;
    const auto j = c.add_job(spec);
    c.advance(20);
    CHECK(c.job(j).vertices[0].write_records == Approx(20000));
    c.fail_job(j);
    CHECK(c.job(j).status == JobStatus::Restarting);
    c.advance(10);
    CHECK(c.job(j).processing());
    CHECK(c.job(j).num_restarts == 1);
    CHECK(c.job(j).attempt == 2);
    CHECK(c.job(j).timestamps[static_cast<std::size_t>(JobStatus::Running)] == c.epoch_ms(23.0));
    // Counters restart at 21; from 24 the source reads 6 s x 1000 plus the 4 s that queued up.
    CHECK(c.job(j).vertices[0].write_records == Approx(10000));
    const int used = c.slots_used();
    c.cancel_job(j);
    CHECK(c.job(j).status == JobStatus::Canceled);
    CHECK(c.slots_used() == used - 2);
    CHECK(c.job(j).end_s.has_value());
}

TEST_CASE("default scheduler restarts in place and refuses requirement changes", "[model][faults]") {
    auto spec = cluster_spec();
    spec.scheduler = Scheduler::Default;
    Cluster c(spec);
    const auto j = c.add_job(pipeline(1000));
    CHECK(!c.rescalable());
    CHECK_THROWS_AS(c.set_requirements(j, upper(c.job(j), {2, 4, 1})), std::logic_error);
    c.advance(5);
    c.fail_job(j);
    c.advance(2);
    CHECK(c.job(j).status == JobStatus::Restarting);
    c.advance(1.5);  // restarting 1 s + created 2 s, no CREATED state
    CHECK(c.job(j).status == JobStatus::Running);
    CHECK(c.job(j).timestamps[static_cast<std::size_t>(JobStatus::Restarting)] != 0);
}

TEST_CASE("restart replays records read since the last checkpoint", "[model][backlog]") {
    Cluster c(cluster_spec());
    auto spec = pipeline(1000);
    spec.checkpoint_interval_s = 10;
    const auto j = c.add_job(spec);
    c.advance(15);  // checkpoint at 10: 5 s x 1000 records since
    c.fail_job(j);
    CHECK(c.job(j).vertices[0].backlog == Approx(5000));
}

TEST_CASE("requirement checks name the problem", "[model][rescale]") {
    using Kind = RequirementsProblem::Kind;
    Cluster c(cluster_spec());
    const auto j = c.add_job(pipeline(100));
    const Job& job = c.job(j);
    std::map<std::string, Bounds> ok;
    for (const auto& v : job.spec.vertices) ok[v.id] = Bounds{1, 2};
    CHECK(!c.check_requirements(j, ok));
    auto missing = ok;
    missing.erase(job.spec.vertices[1].id);
    CHECK(c.check_requirements(j, missing)->kind == Kind::MissingVertex);
    auto unknown = ok;
    unknown[std::string(32, 'f')] = Bounds{1, 1};
    CHECK(c.check_requirements(j, unknown)->kind == Kind::UnknownVertex);
    auto too_big = ok;
    too_big[job.spec.vertices[1].id] = Bounds{1, 129};
    const auto p = c.check_requirements(j, too_big);
    CHECK(p->kind == Kind::AboveMaxParallelism);
    CHECK(p->limit == 128);
    auto inverted = ok;
    inverted[job.spec.vertices[1].id] = Bounds{3, 2};
    CHECK(c.check_requirements(j, inverted)->kind == Kind::LowerAboveUpper);
}

TEST_CASE("input profiles", "[model][profile]") {
    CHECK(InputProfile::constant(5).rate_at(1e6) == 5);
    const auto step = InputProfile::step({{0, 100}, {10, 300}});
    CHECK(step.rate_at(-1) == 100);
    CHECK(step.rate_at(9.99) == 100);
    CHECK(step.rate_at(10) == 300);
    CHECK(step.mean_rate(5, 15) == Approx(200));
    const auto ramp = InputProfile::ramp(100, 200, 10, 100);
    CHECK(ramp.rate_at(0) == 100);
    CHECK(ramp.rate_at(60) == Approx(150));
    CHECK(ramp.rate_at(1000) == 200);
    const auto sine = InputProfile::sine(1000, 500, 40, 0);
    CHECK(sine.rate_at(10) == Approx(1500));
    CHECK(sine.rate_at(30) == Approx(500));
    CHECK(InputProfile::sine(100, 500, 40, 0).rate_at(30) == 0);  // never negative
    const auto trace = InputProfile::trace(parse_trace_csv("time_s,rate\n0,100\n10,200\n# note\n\n20,0\n"), false);
    CHECK(trace.rate_at(5) == Approx(150));
    CHECK(trace.rate_at(25) == 0);
    const auto looped = InputProfile::trace({{0, 100}, {10, 200}}, true);
    CHECK(looped.rate_at(15) == Approx(150));
    CHECK_THROWS_AS(parse_trace_csv("0,1\n0,2\n"), TraceError);
    try {
        parse_trace_csv("t,r\n0,1\n5,abc\n");
        FAIL("no error");
    } catch (const TraceError& e) {
        CHECK(e.line == 3);
    }
}

TEST_CASE("metric names, ids and snapshots", "[model][metrics]") {
    CHECK(sanitize_metric_component("Source: orders") == "Source__orders");
    CHECK(sanitize_metric_component("Window(TumblingEventTimeWindows(60000), EventTimeTrigger, Agg)") ==
          "Window(TumblingEventTimeWindows(60000)__EventTimeTrigger__Agg)");
    CHECK(sanitize_metric_component(std::string(100, 'x')).size() == 80);
    CHECK(is_hex_id(derive_hex_id("anything")));
    CHECK(derive_hex_id("a") != derive_hex_id("b"));

    auto spec = pipeline(3000);
    spec.vertices[0].name = "Source: orders -> Filter";
    spec.vertices[0].kafka = KafkaSpec{"orders.v1", 3};
    Cluster c(cluster_spec());
    const auto j = c.add_job(spec);
    c.advance(10);
    const auto snap = take_snapshot(c);
    const auto& js = snap.jobs.at(c.job(j).spec.id);
    REQUIRE(js.vertices.size() == 3);
    const auto& src = js.vertices[0].series;
    CHECK(sum(series(src, "Source__orders.numRecordsInPerSecond").values) == Approx(2000));
    CHECK(sum(series(src, "Source__orders.pendingRecords").values) == Approx(10000).margin(2));
    CHECK(series(src, "Filter.numRecordsOutPerSecond").values.size() == 2);
    const auto& offset = series(src, "Source__orders.KafkaSourceReader.topic.orders_v1.partition.2.currentOffset");
    CHECK(offset.has(0));  // partition 2 of 3 on subtask 2 % 2 = 0
    CHECK(!offset.has(1));
    CHECK(snap.jobmanager[0].name == "taskSlotsTotal");
    CHECK(snap.taskmanagers.size() == 2);

    auto no_gc = cluster_spec();
    no_gc.taskmanagers.gc_all_metric = false;
    Cluster c2(no_gc);
    const auto without_gc = taskmanager_metrics(c2);  // keep the vector alive for the loop
    for (const auto& m : without_gc[0].metrics) CHECK(m.name != "Status.JVM.GarbageCollector.All.TimeMsPerSecond");
}

TEST_CASE("jobs submitted later go INITIALIZING -> CREATED -> RUNNING", "[model][lifecycle]") {
    Cluster c(cluster_spec());
    auto spec = pipeline(100);
    spec.start_s = 10;
    const auto j = c.add_job(spec);
    CHECK(!c.job(j).submitted);
    c.advance(10.5);
    CHECK(c.job(j).status == JobStatus::Initializing);
    c.advance(1);
    CHECK(c.job(j).status == JobStatus::Created);
    c.advance(3);
    CHECK(c.job(j).status == JobStatus::Running);
    CHECK(c.job(j).num_restarts == 0);
}

TEST_CASE("a thousand jobs play an hour quickly", "[model][performance]") {
    auto spec = cluster_spec("1.20.0", 1000, 8);
    Cluster c(spec);
    for (int i = 0; i < 1000; ++i) {
        auto job = pipeline(500 + i);
        job.name = "job-" + std::to_string(i);
        job.vertices[0].input_rate = InputProfile::sine(1500, 1000, 600, i);
        c.add_job(job);
    }
    const auto start = std::chrono::steady_clock::now();
    c.advance(3600);
    const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(c.job(999).processing());
    WARN("1000 jobs x 3600 s simulated in " << took << " s");
    CHECK(took < 60);
}

TEST_CASE("requirements whose lower bounds do not fit leave the job running", "[model][slots]") {
    Cluster c(cluster_spec("1.18.0", 1, 4));
    const auto j = c.add_job(pipeline(100));
    std::map<std::string, Bounds> bounds;
    for (const auto& v : c.job(j).spec.vertices) bounds[v.id] = Bounds{1, 2};
    bounds[c.job(j).spec.vertices[1].id] = Bounds{6, 8};  // 6 slots needed, 4 exist
    c.set_requirements(j, bounds);
    c.advance(10);
    CHECK(c.job(j).processing());
    CHECK(c.job(j).num_restarts == 0);
    CHECK(!c.update_pending(j));
    CHECK(c.job(j).vertices[1].parallelism == 2);
}
