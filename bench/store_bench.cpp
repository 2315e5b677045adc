// SPDX-License-Identifier: Apache-2.0
//
// What one save of a job's state costs in the SQLite state store, for a 10-vertex job with a
// full 90-sample metric window (the default 15 min at a 10 s poll interval), for 1 and 1000
// jobs:
//   * full row     - the version-1 layout: the whole metric history re-serialised into one
//                    collectedMetrics state row on every save (emulated here with the same SQL);
//   * incremental  - the store as it is: one metric_sample row per sample, so a steady save
//                    inserts the new sample and deletes the one that left the window;
//   * + recorded   - incremental, plus the raw sample of the pass for `flinkscaler export`.
// Per row: the mean time of a steady save (the window slides by one sample), the bytes handed to
// write(2) per save (WAL frames and checkpoints, from /proc/self/io), and the database size.
// Prints a table; asserts nothing.
//
//   ./build/bench/store-bench [--quick]
#include "synthetic_job.hpp"

#include "store/sqlite/sqlite_state_store.hpp"

#include "flinkscaler/cycle.hpp"
#include "flinkscaler/job_state.hpp"
#include "replay/replay.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

using namespace flinkscaler;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int kVertices = 10;
constexpr int kWindowSamples = 90;
constexpr int kIntervalSeconds = 10;

/// Every pass of the job: its time, the state after run_cycle and the raw sample.
struct Pass {
    Instant now;
    JobState state;
    ReplaySample recorded;
};

std::vector<Pass> simulate(int passes) {
    const std::vector<VertexInfo> vertices = bench::linear_pipeline(kVertices);
    const JobTopology topology(vertices);
    const Configuration conf{{"job.autoscaler.enabled", "true"},
                             {"job.autoscaler.metrics.window", std::to_string(kWindowSamples * kIntervalSeconds) + " s"},
                             {"job.autoscaler.stabilization.interval", "0 s"}};
    const AutoscalerOptions options = AutoscalerOptions::from(conf);
    const Instant start = instant_from_epoch_ms(1'800'000'000'000);
    JobState state;
    std::vector<Pass> out;
    for (int t = 0; t < kWindowSamples + 1 + passes; ++t) {
        const Instant now = start + std::chrono::seconds(t * kIntervalSeconds);
        const RawJobMetrics raw = bench::steady_sample(topology, t, static_cast<double>(t) * kIntervalSeconds);
        run_cycle(options, state, {topology, start, raw, now, std::nullopt, {}});
        if (t >= kWindowSamples) out.push_back({now, state, ReplaySample{now, start, vertices, raw}});
    }
    return out;
}

/// Bytes this process handed to write(2) so far (Linux /proc/self/io "wchar").
long long bytes_written() {
    std::ifstream io("/proc/self/io");
    std::string key;
    long long value = 0;
    while (io >> key >> value)
        if (key == "wchar:") return value;
    return 0;
}

/// The version-1 save: every state type one row, the metric history included.
void full_row_save(SQLite::Database& db, const std::string& job_key, const JobState& state, Instant now) {
    json overrides = json::object();
    for (const auto& [vertex, p] : state.parallelism_overrides) overrides[vertex] = p;
    const std::pair<const char*, std::optional<std::string>> parts[] = {
        {"collectedMetrics", state.metric_history.empty() ? std::nullopt
                                                          : std::optional(to_json(state.metric_history).dump())},
        {"scalingHistory", state.scaling_history.empty() ? std::nullopt
                                                         : std::optional(to_json(state.scaling_history).dump())},
        {"scalingTracking", state.scaling_tracking.records.empty()
                                ? std::nullopt
                                : std::optional(to_json(state.scaling_tracking).dump())},
        {"parallelismOverrides", state.parallelism_overrides.empty() ? std::nullopt : std::optional(overrides.dump())},
        {"delayedScaleDown", state.delayed_scale_down.vertices.empty()
                                 ? std::nullopt
                                 : std::optional(to_json(state.delayed_scale_down).dump())},
    };
    SQLite::Transaction tx(db);
    SQLite::Statement upsert(db,
                             "INSERT INTO state (update_time, job_key, state_type, state_value) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT (job_key, state_type) DO UPDATE SET update_time = excluded.update_time, "
                             "state_value = excluded.state_value");
    SQLite::Statement del(db, "DELETE FROM state WHERE job_key = ? AND state_type = ?");
    for (const auto& [type, value] : parts) {
        if (value) {
            upsert.bind(1, static_cast<std::int64_t>(epoch_ms(now)));
            upsert.bind(2, job_key);
            upsert.bind(3, type);
            upsert.bind(4, *value);
            upsert.exec();
            upsert.reset();
        } else {
            del.bind(1, job_key);
            del.bind(2, type);
            del.exec();
            del.reset();
        }
    }
    tx.commit();
}

enum class Approach { FullRow, Incremental, IncrementalRecorded };

const char* name_of(Approach a) {
    switch (a) {
        case Approach::FullRow: return "full row (v1)";
        case Approach::Incremental: return "incremental";
        case Approach::IncrementalRecorded: return "+ recorded";
    }
    return "?";
}

struct Row {
    double first_save_us = 0;
    double steady_save_us = 0;
    double written_kb_per_save = 0;
    double db_mb = 0;
};

double file_mb(const fs::path& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    return ec ? 0.0 : static_cast<double>(size) / (1024.0 * 1024.0);
}

Row measure(Approach approach, int jobs, const std::vector<Pass>& passes, const fs::path& dir) {
    const fs::path file = dir / (std::string("bench-") + std::to_string(static_cast<int>(approach)) + "-" +
                                 std::to_string(jobs) + ".db");
    fs::remove(file);
    fs::remove(file.string() + "-wal");
    fs::remove(file.string() + "-shm");
    auto store = store::open_sqlite_store(file.string());  // schema, WAL, synchronous=NORMAL
    std::optional<SQLite::Database> raw;
    if (approach == Approach::FullRow) {
        raw.emplace(file.string(), SQLite::OPEN_READWRITE, 5000);
        raw->exec("PRAGMA synchronous=NORMAL");
    }
    const auto save = [&](const std::string& job, const Pass& pass) {
        switch (approach) {
            case Approach::FullRow: full_row_save(*raw, job, pass.state, pass.now); break;
            case Approach::Incremental: store->save(job, pass.state, pass.now); break;
            case Approach::IncrementalRecorded: store->save(job, pass.state, pass.now, &pass.recorded); break;
        }
    };
    std::vector<std::string> keys;
    for (int j = 0; j < jobs; ++j) keys.push_back("cluster-" + std::to_string(j % 4) + "/job-" + std::to_string(j));

    Row row;
    auto begin = Clock::now();
    for (const auto& key : keys) save(key, passes.front());  // the whole window: every sample is new
    row.first_save_us = std::chrono::duration<double, std::micro>(Clock::now() - begin).count() / jobs;

    const long long written_before = bytes_written();
    begin = Clock::now();
    std::size_t saves = 0;
    for (std::size_t p = 1; p < passes.size(); ++p) {
        for (const auto& key : keys) {
            save(key, passes[p]);
            ++saves;
        }
    }
    row.steady_save_us = std::chrono::duration<double, std::micro>(Clock::now() - begin).count() / saves;
    row.written_kb_per_save = static_cast<double>(bytes_written() - written_before) / 1024.0 / saves;
    raw.reset();
    store.reset();  // the last connection checkpoints the WAL into the database file
    row.db_mb = file_mb(file);
    fs::remove(file);
    return row;
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const fs::path dir = fs::temp_directory_path() / ("flinkscaler-store-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);

    std::printf("state store save, %d-vertex job, %d-sample window, steady passes (the window slides by one)\n\n",
                kVertices, kWindowSamples);
    const std::vector<Pass> one_job_passes = simulate(quick ? 20 : 200);
    const std::vector<Pass> many_job_passes = simulate(quick ? 2 : 10);
    const auto& p0 = one_job_passes.front();
    std::printf("sizes: metric history as one JSON row %zu B, one metric sample %zu B, one recorded raw sample %zu B\n\n",
                to_json(p0.state.metric_history).dump().size(),
                to_json(p0.state.metric_history.rbegin()->second).dump().size(), to_json(p0.recorded).dump().size());

    std::printf("%-14s  %5s  %6s  %14s  %15s  %16s  %10s\n", "approach", "jobs", "passes", "first save us",
                "steady save us", "written KB/save", "db MB");
    for (int jobs : {1, 1000}) {
        const auto& passes = jobs == 1 ? one_job_passes : many_job_passes;
        for (Approach a : {Approach::FullRow, Approach::Incremental, Approach::IncrementalRecorded}) {
            const Row r = measure(a, jobs, passes, dir);
            std::printf("%-14s  %5d  %6zu  %14.1f  %15.1f  %16.1f  %10.1f\n", name_of(a), jobs, passes.size() - 1,
                        r.first_save_us, r.steady_save_us, r.written_kb_per_save, r.db_mb);
        }
    }
    std::printf("\nfirst save = the whole window at once (a job the store has not seen); written = bytes passed to\n"
                "write(2) per steady save (WAL frames and checkpoints); db MB = database file after the last pass\n"
                "and a checkpoint. Recorded samples accumulate until their retention deletes them.\n");
    std::error_code ec;
    fs::remove_all(dir, ec);
    return 0;
}
