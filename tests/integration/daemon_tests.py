#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Integration tests of the daemon (`flinkscaler run`) against the Flink REST simulator.

Each case is one meson test (tests/integration/meson.build, suite 'integration'). What needs no
process, socket or wall clock runs in simulated time instead (tests/service/test_daemon_sim.cpp:
the closed loop up and down on two clusters, dry run); the cases here are about the process
(signals, reload, restart after SIGKILL, the status endpoint over HTTP), real timeouts and YARN.


    daemon_tests.py CASE --flinkscaler PATH --flink-sim PATH [--keep]
    daemon_tests.py all  --flinkscaler PATH --flink-sim PATH      (every case, one after the other)

A case runs in its own temporary folder: it starts flink-sim with a scenario of
tests/integration/scenarios/daemon-*.yaml on free ports, writes the daemon's config with the
simulator's URLs, a state database in the folder and the status endpoint on 127.0.0.1:0 (the port
is read from the daemon's log), runs the daemon with very short windows, and ends with SIGTERM,
asserting exit code 0 and "state store closed" in the log. On a failure it prints the daemon's log
tail and the REST answers that matter (status endpoint and simulator), so a CI log explains it.
Every process it starts is killed in a finally block.

Time is real: the simulator runs with time_scale 1 because the daemon stamps its samples with the
wall clock and compares them with the simulator's timestamps (timestamps.RUNNING).

Options shared by the cases (see daemon_config): poll every 1 s, metrics.window 20 s,
stabilization.interval 5 s, scale-down.interval 5 s, restart.time 5 s, utilization.target 0.7
(band [0.4, 1.0] with the default boundary 0.3) and catch-up.duration 0, which removes both backlog
terms from the target capacity, so that a vertex needs exactly target_rate / 0.7 records/s.
"""
import argparse
import calendar
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "scenarios")

# Generous: the CI machine has 2 cores and other builds may run at the same time.
START_TIMEOUT = 30
STOP_TIMEOUT = 45


class Failure(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def say(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def http_get(url, timeout=5.0):
    """(status, body) of a GET; status 0 and the error text when there is no answer."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, TimeoutError) as e:
        return 0, str(e)


def http_json(url, timeout=5.0):
    status, body = http_get(url, timeout)
    if status != 200:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def parse_instant(text):
    """Epoch seconds of an ISO-8601 instant as the daemon prints it (2025-01-30T12:00:00.123Z)."""
    if not text:
        return None
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z$", text)
    check(m is not None, f"unexpected instant format: {text!r}")
    seconds = calendar.timegm(tuple(int(m.group(i)) for i in range(1, 7)) + (0, 0, 0))
    fraction = float("0." + m.group(7)) if m.group(7) else 0.0
    return seconds + fraction


def wait_until(predicate, timeout, what, interval=0.5):
    """Polls predicate() until it returns a truthy value (returned) or raises Failure."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Failure:  # a predicate may assert on intermediate states itself
            raise
        except Exception as e:  # noqa: BLE001 - keep polling, report the last problem
            last_error = e
        if time.monotonic() >= deadline:
            extra = f" (last error: {last_error!r})" if last_error else ""
            raise Failure(f"timed out after {timeout:.0f} s waiting for {what}{extra}")
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# Prometheus text


def metric_samples(text, name):
    """[(labels dict, value)] of every sample of `name` (exact name, no suffix)."""
    out = []
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        rest = line[len(name):]
        labels = {}
        if rest.startswith("{"):
            close = rest.index("}")
            for key, value in re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', rest[1:close]):
                labels[key] = value
            rest = rest[close + 1:]
        elif not rest.startswith(" "):
            continue
        out.append((labels, float(rest.split()[0])))
    return out


def metric_value(text, name, **labels):
    """The value of the one sample of `name` whose labels include `labels`, or None."""
    found = [v for l, v in metric_samples(text, name) if all(l.get(k) == str(w) for k, w in labels.items())]
    check(len(found) <= 1, f"{name}{labels} matches {len(found)} series")
    return found[0] if found else None


def metric_sum(text, name, **labels):
    return sum(v for l, v in metric_samples(text, name) if all(l.get(k) == str(w) for k, w in labels.items()))


# ---------------------------------------------------------------------------------------------
# Processes


class Simulator:
    """flink-sim with one scenario; urls[i] is the base URL of the i-th cluster of the scenario."""

    def __init__(self, exe, scenario, workdir, clusters, resource_managers=0, extra_args=()):
        self.scenario = scenario
        self.log_path = os.path.join(workdir, os.path.basename(scenario) + ".sim.log")
        self.log_file = open(self.log_path, "w")
        self.proc = subprocess.Popen([exe, "--scenario", scenario, *extra_args], stdout=subprocess.PIPE,
                                     stderr=self.log_file, text=True)
        self.urls = []
        lines = []

        def read():
            for _ in range(clusters + resource_managers):
                line = self.proc.stdout.readline()
                if not line:
                    return
                lines.append(line.strip())

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        for line in lines:
            m = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)", line)
            check(m is not None, f"flink-sim printed {line!r}")
            self.urls.append(m.group(1))
        if len(self.urls) != clusters + resource_managers:
            self.log_file.flush()
            raise Failure(f"flink-sim ({scenario}) printed {len(self.urls)} of {clusters + resource_managers} "
                          f"listening lines; exit code {self.proc.poll()}; stderr: {read_text(self.log_path)[-2000:]}")
        # After the clusters' lines come the YARN ResourceManagers' (tests/sim/README.md).
        self.rm_urls = self.urls[clusters:]
        self.urls = self.urls[:clusters]

    def get(self, cluster, path):
        return http_json(self.urls[cluster] + path)

    def vertex_parallelism(self, cluster, job_id):
        """{vertex name: parallelism} from GET /jobs/:jid, or None when it cannot be read."""
        details = self.get(cluster, f"/jobs/{job_id}")
        if not details or not details.get("vertices"):
            return None
        return {v["name"]: v["parallelism"] for v in details["vertices"]}

    def requirements(self, cluster, job_id):
        """{vertex id: (lowerBound, upperBound)} from GET resource-requirements, or None."""
        body = self.get(cluster, f"/jobs/{job_id}/resource-requirements")
        if body is None:
            return None
        return {vid: (r["parallelism"]["lowerBound"], r["parallelism"]["upperBound"]) for vid, r in body.items()}

    def job_view(self, cluster, job_id):
        """What matters of a simulated job, for diagnostics: state, timestamps, parallelism and
        resource requirements per vertex."""
        details = self.get(cluster, f"/jobs/{job_id}") or {}
        return {"state": details.get("state"), "timestamps": details.get("timestamps"),
                "parallelism": {v["name"]: v["parallelism"] for v in details.get("vertices", [])},
                "resource-requirements": self.get(cluster, f"/jobs/{job_id}/resource-requirements")}

    def stop(self):
        stop_process(self.proc, "flink-sim")
        self.log_file.close()


def stop_process(proc, name, timeout=STOP_TIMEOUT):
    """SIGTERM, then SIGKILL; returns the exit code (never leaves the process behind)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            say(f"{name} (pid {proc.pid}) ignored SIGTERM for {timeout} s; killing it")
            proc.kill()
            proc.wait()
    return proc.returncode


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


class Daemon:
    """One `flinkscaler run`; stderr and stdout go to a log file in the case folder."""

    def __init__(self, exe, config, workdir, extra_args=(), name="daemon", wrapper=()):
        self.name = name
        self.log_path = os.path.join(workdir, name + ".log")
        self.log_file = open(self.log_path, "w")
        # `wrapper` runs the daemon through another command that ends in exec (unshare, sh -c).
        self.args = [*wrapper, exe, "run", "--config", config, *extra_args]
        self.started = time.time()
        self.proc = subprocess.Popen(self.args, stdout=self.log_file, stderr=subprocess.STDOUT)
        self.port = None

    def log(self):
        return read_text(self.log_path)

    def wait_for_log(self, pattern, timeout, what=None, count=1):
        def found():
            check(self.proc.poll() is None, f"the daemon exited with {self.proc.returncode} while waiting for "
                                            f"{what or pattern!r}")
            matches = re.findall(pattern, self.log(), re.MULTILINE)
            return matches if len(matches) >= count else None
        return wait_until(found, timeout, what or f"log line matching {pattern!r}")

    def wait_ready(self):
        """Waits for the status endpoint and the first poll round; returns the port."""
        # "status endpoint listening on http://127.0.0.1:PORT" (or "... port=PORT" in older builds)
        matches = self.wait_for_log(r"status endpoint listening.*?(?:\bport[= ]|http://[^\s/]+:)(\d+)", START_TIMEOUT,
                                    "the status endpoint's port in the log")
        self.port = int(matches[0])
        wait_until(lambda: http_get(self.url("/readyz"))[0] == 200, START_TIMEOUT, "/readyz to answer 200")
        return self.port

    def url(self, path):
        check(self.port is not None, "status port unknown")
        return f"http://127.0.0.1:{self.port}{path}"

    def job(self, key):
        return http_json(self.url("/api/v1/jobs/" + key))

    def jobs(self):
        body = http_json(self.url("/api/v1/jobs"))
        return None if body is None else {j["key"]: j for j in body["jobs"]}

    def metrics(self):
        status, body = http_get(self.url("/metrics"))
        check(status == 200, f"/metrics answered {status}: {body[:200]}")
        return body

    def signal(self, sig):
        check(self.proc.poll() is None, f"the daemon already exited with {self.proc.returncode}")
        self.proc.send_signal(sig)

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.log_file.close()

    def stop_and_check(self):
        """SIGTERM; asserts exit code 0 and that the log says the store was closed."""
        check(self.proc.poll() is None, f"the daemon exited on its own with {self.proc.returncode}")
        code = stop_process(self.proc, self.name)
        self.log_file.close()
        check(code == 0, f"the daemon exited with {code} after SIGTERM (expected 0)")
        log = self.log()
        check("received SIGTERM" in log, "the log does not say that SIGTERM was received")
        check(re.search(r"stopped; state store closed", log), "the log does not say that the state store was closed")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.log_file.closed:
            self.log_file.close()


# ---------------------------------------------------------------------------------------------
# Config files


DEFAULT_OPTIONS = {
    "job.autoscaler.enabled": "true",
    "job.autoscaler.metrics.window": "20s",
    "job.autoscaler.stabilization.interval": "5s",
    "job.autoscaler.scale-down.interval": "5s",
    "job.autoscaler.restart.time": "5s",
    "job.autoscaler.utilization.target": "0.7",
    # No backlog terms: the target capacity is exactly target_rate / utilization.target.
    "job.autoscaler.catch-up.duration": "0s",
}


def yaml_string(value):
    return json.dumps(str(value))  # a JSON string is a valid YAML double-quoted scalar


def daemon_config(workdir, clusters, jobs=(), service=None, defaults=None):
    """YAML text of a daemon config.

    clusters: [(name, url or None, {extra cluster keys})]; jobs: [({match}, {options})].
    """
    settings = {
        "poll-interval": "1s",
        "workers": 4,
        "connect-timeout": "2s",
        "request-timeout": "3s",
        "state-database": os.path.join(workdir, "state.db"),
        "status-address": "127.0.0.1:0",
    }
    settings.update(service or {})
    options = dict(DEFAULT_OPTIONS)
    options.update(defaults or {})
    lines = ["# written by daemon_tests.py", "service:"]
    for key, value in settings.items():
        lines.append(f"  {key}: {yaml_string(value) if isinstance(value, str) else json.dumps(value)}")
    lines += ["  log:", "    level: info", "    format: text", "defaults:"]
    for key, value in options.items():
        lines.append(f"  {key}: {yaml_string(value)}")
    lines.append("clusters:")
    for name, url, extra in clusters:
        lines.append(f"  - name: {name}")
        if url is not None:
            lines.append(f"    url: {url}")
        for key, value in (extra or {}).items():
            lines.append(f"    {key}: {yaml_string(value) if isinstance(value, str) else json.dumps(value)}")
    if jobs:
        lines.append("jobs:")
        for match, opts in jobs:
            lines.append("  - match: {" + ", ".join(f"{k}: {yaml_string(v)}" for k, v in match.items()) + "}")
            lines.append("    options:")
            for key, value in opts.items():
                lines.append(f"      {key}: {yaml_string(value)}")
    return "\n".join(lines) + "\n"


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)  # a reload never sees a half-written file


# ---------------------------------------------------------------------------------------------
# The state database (read-only)


def query_db(path, sql, params=()):
    uri = "file:" + urllib.parse.quote(path) + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def events(db, job_key, reason=None):
    sql = "SELECT reason, event_type, message, event_count FROM event WHERE job_key = ?"
    params = [job_key]
    if reason:
        sql += " AND reason = ?"
        params.append(reason)
    return query_db(db, sql + " ORDER BY id", params)


def sample_count(db, job_key):
    return query_db(db, "SELECT COUNT(*) FROM metric_sample WHERE job_key = ?", (job_key,))[0][0]


# ---------------------------------------------------------------------------------------------
# Case scaffolding


class Case:
    """Temporary folder, processes to clean up, and what to print when the case fails."""

    def __init__(self, args, name):
        self.args = args
        self.name = name
        self.dir = tempfile.mkdtemp(prefix=f"flinkscaler-{name[:24]}-")
        self.sims = []
        self.daemons = []
        self.dumps = []  # (title, callable returning text)
        self.t0 = time.monotonic()

    def sim(self, scenario, clusters, resource_managers=0, extra_args=()):
        sim = Simulator(self.args.flink_sim, os.path.join(SCENARIOS, scenario), self.dir, clusters,
                        resource_managers, extra_args)
        self.sims.append(sim)
        say(f"flink-sim {scenario}: {' '.join(sim.urls + sim.rm_urls)}")
        return sim

    def daemon(self, config_path, extra_args=(), name=None, wrapper=()):
        name = name or f"daemon{len(self.daemons) + 1}"
        d = Daemon(self.args.flinkscaler, config_path, self.dir, extra_args, name, wrapper)
        self.daemons.append(d)
        say(f"started {name}: {' '.join(d.args[len(wrapper) + 1:])}")
        return d

    def dump(self, title, fn):
        self.dumps.append((title, fn))

    def elapsed(self):
        return time.monotonic() - self.t0

    def explain_failure(self):
        print("\n======== diagnostics ========", flush=True)
        for title, fn in self.dumps:
            try:
                text = fn()
            except Exception as e:  # noqa: BLE001
                text = f"<could not get it: {e!r}>"
            if not isinstance(text, str):
                text = json.dumps(text, indent=1, sort_keys=True)
            print(f"---- {title} ----\n{text}", flush=True)
        for d in self.daemons:
            if d.port is not None and d.proc.poll() is None:
                for key in sorted(d.jobs() or {}):
                    status, body = http_get(d.url("/api/v1/jobs/" + key))
                    try:
                        body = json.dumps(json.loads(body), indent=1, sort_keys=True)
                    except ValueError:
                        pass
                    print(f"---- {d.name} GET /api/v1/jobs/{key} -> {status} ----\n{body}", flush=True)
                status, body = http_get(d.url("/metrics"))
                body = "\n".join(l for l in body.splitlines() if not l.startswith("#") and "_bucket" not in l)
                print(f"---- {d.name} GET /metrics -> {status} (without buckets) ----\n{body}", flush=True)
            lines = d.log().splitlines()
            print(f"---- {d.name} log (last 150 of {len(lines)} lines; exit code {d.proc.poll()}) ----", flush=True)
            print("\n".join(lines[-150:]), flush=True)
        for s in self.sims:
            print(f"---- flink-sim stderr ({s.scenario}) ----\n{read_text(s.log_path)[-3000:]}", flush=True)

    def cleanup(self):
        for d in self.daemons:
            d.kill()
        for s in self.sims:
            s.stop()
        if self.args.keep:
            say(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def vertex_of(job_status, name):
    for v in (job_status or {}).get("vertices", []):
        if v["name"] == name:
            return v
    return None


def history_entries(job_status, vertex_id):
    """[(time, current, new)] of the scaling history of one vertex in /api/v1/jobs/{key}."""
    history = (job_status or {}).get("scaling_history") or {}
    entries = history.get(vertex_id) or {}
    return sorted((t, e["currentParallelism"], e["newParallelism"]) for t, e in entries.items())


class ParallelismWatch:
    """Polls a vertex's parallelism in the simulator in the background and keeps the sequence of
    distinct values, so a case can assert that nothing else happened in between."""

    def __init__(self, sim, cluster, job_id, vertex, requirements_vertex_id=None):
        self.sim, self.cluster, self.job_id, self.vertex = sim, cluster, job_id, vertex
        self.requirements_vertex_id = requirements_vertex_id
        self.values = []
        self.upper_bounds = []
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.done.is_set():
            try:
                p = self.sim.vertex_parallelism(self.cluster, self.job_id)
                if p and self.vertex in p:
                    with self.lock:
                        if not self.values or self.values[-1] != p[self.vertex]:
                            self.values.append(p[self.vertex])
                if self.requirements_vertex_id:
                    r = self.sim.requirements(self.cluster, self.job_id)
                    if r and self.requirements_vertex_id in r:
                        with self.lock:
                            if not self.upper_bounds or self.upper_bounds[-1] != r[self.requirements_vertex_id]:
                                self.upper_bounds.append(r[self.requirements_vertex_id])
            except Exception:  # noqa: BLE001 - a missed poll is fine
                pass
            self.done.wait(0.3)

    def sequence(self):
        with self.lock:
            return list(self.values)

    def bounds(self):
        with self.lock:
            return list(self.upper_bounds)

    def current(self):
        seq = self.sequence()
        return seq[-1] if seq else None

    def stop(self):
        self.done.set()
        self.thread.join(5)


# ---------------------------------------------------------------------------------------------
# 1. restart-after-kill-9-keeps-history

SOLO_JOB = "c0000000000000000000000000000001"
SOLO_KEYED = "c1000000000000000000000000000002"
SOLO_KEY = f"solo/{SOLO_JOB}"

def parse_summary(summary):
    """(samples, window full at) of a 'window not full: N samples, window full at T' summary."""
    m = re.match(r"(?:stabilizing|window not full): (\d+) sample(?:s|\(s\))(?: collected)?, window full at (\S+)$",
                 summary or "")
    return (int(m.group(1)), m.group(2)) if m else None


def passes(metrics_text, cluster):
    return metric_sum(metrics_text, "flinkscaler_job_passes_total", cluster=cluster)


def case_restart_after_kill_9_keeps_history(case):
    """The daemon is killed with SIGKILL after a committed scale-up (KeyedAggregate 2 -> 8, see
    daemon-one-job.yaml) while the window after that rescale is filling; the restarted daemon
    must resume that window from the state file (same "window full at", more samples than
    passes since the restart), keep the scaling history, and decide when the resumed window is
    full — not a whole window after the restart."""
    sim = case.sim("daemon-one-job.yaml", 1)
    config = os.path.join(case.dir, "flinkscaler.yaml")
    write(config, daemon_config(case.dir, [("solo", sim.urls[0], {})]))
    db = os.path.join(case.dir, "state.db")
    case.dump("simulator solo orders-keyed", lambda: sim.job_view(0, SOLO_JOB))
    case.dump("metric_sample rows", lambda: str(sample_count(db, SOLO_KEY)))
    case.dump("state table", lambda: "\n".join(map(str, query_db(
        db, "SELECT job_key, state_type, update_time, length(state_value) FROM state"))))

    d1 = case.daemon(config)
    d1.wait_ready()
    wait_until(lambda: (sim.vertex_parallelism(0, SOLO_JOB) or {}).get("KeyedAggregate") == 8, 100,
               "the scale-up of KeyedAggregate to 8")

    # Wait for the pass that noticed the restart of the rescale, then until the new window (20 s
    # after the first sample past the stabilization) is about half full: a restarted window would
    # then be full 20 s after the restart, the resumed one in less than 13 s.
    def window_filling():
        job = d1.job(SOLO_KEY)
        v = vertex_of(job, "KeyedAggregate")
        parsed = parse_summary(job and job["summary"])
        if v and v["parallelism"] == 8 and parsed and parsed[0] >= 5 and \
                parse_instant(parsed[1]) - time.time() <= 12:
            return job, parsed
        return None
    job, (samples_before, full_at) = wait_until(window_filling, 50, "the window after the rescale to be half full")
    check(history_entries(job, SOLO_KEYED)[-1][1:] == (2, 8), f"scaling history: {job['scaling_history']}")
    remaining = parse_instant(full_at) - time.time()
    check(remaining > 5, f"the window is almost full ({remaining:.1f} s left) — the machine is too slow for this case")
    rows_before = sample_count(db, SOLO_KEY)
    say(f"killing the daemon with SIGKILL: {job['summary']!r}, {rows_before} metric_sample rows")
    d1.kill9()
    killed_at = time.time()
    check(rows_before >= samples_before, f"{rows_before} metric_sample rows for {samples_before} samples")

    d2 = case.daemon(config, name="daemon2")
    d2.wait_ready()
    restarted_at = d2.started

    # The first pass of the new process: the window it reports was resumed.
    def first_pass():
        job = d2.job(SOLO_KEY)
        if job and job["last_pass"] and parse_summary(job["summary"]):
            return job, passes(d2.metrics(), "solo")
        return None
    job, pass_count = wait_until(first_pass, 30, "the first pass after the restart")
    samples_after, full_at_after = parse_summary(job["summary"])
    say(f"first pass after the restart: {job['summary']!r} after {pass_count:.0f} pass(es)")
    check(samples_after > pass_count, f"{samples_after} samples after {pass_count:.0f} passes since the restart: "
                                      f"the window was restarted, not resumed")
    check(samples_after > samples_before, f"{samples_after} samples now, {samples_before} before the kill")
    check(full_at_after == full_at, f"window full at {full_at_after} now, {full_at} before the kill")
    check(sample_count(db, SOLO_KEY) > rows_before, "no new metric_sample rows after the restart")
    check(history_entries(job, SOLO_KEYED)[-1][1:] == (2, 8),
          f"the scaling history after the restart: {job['scaling_history']}")
    check(len(events(db, SOLO_KEY, "ScalingReport")) == 1, f"events: {events(db, SOLO_KEY)}")

    # The next decision comes when the resumed window is full, not a window after the restart.
    def decided():
        job = d2.job(SOLO_KEY)
        t = parse_instant(job and job["last_decision_time"])
        return job if t and t >= restarted_at else None
    job = wait_until(decided, 40, "the first decision after the restart")
    decided_at = parse_instant(job["last_decision_time"])
    say(f"decided {decided_at - killed_at:.1f} s after the kill: {job['summary']!r}")
    check(decided_at - parse_instant(full_at) < 4,
          f"decided at {job['last_decision_time']}, the resumed window was full at {full_at}")
    check(decided_at - restarted_at < 16, f"the first decision came {decided_at - restarted_at:.1f} s after the "
                                          f"restart (a restarted window would need 20 s)")
    check(job["last_decision"]["outcome"] == "no-change", f"decision: {job['last_decision']}")
    check(vertex_of(job, "KeyedAggregate")["recommended_parallelism"] == 8,
          f"recommended parallelism after the restart: {vertex_of(job, 'KeyedAggregate')}")
    check((sim.vertex_parallelism(0, SOLO_JOB) or {}).get("KeyedAggregate") == 8, "KeyedAggregate is no longer 8")
    check(history_entries(job, SOLO_KEYED)[-1][1:] == (2, 8), f"scaling history: {job['scaling_history']}")
    d2.stop_and_check()


# ---------------------------------------------------------------------------------------------
# 2. bad-config-is-rejected-with-line-numbers


def case_bad_config_is_rejected_with_line_numbers(case):
    config = os.path.join(case.dir, "bad.yaml")
    state = os.path.join(case.dir, "state.db")
    write(config, "\n".join([
        "service:",                                           # 1
        "  poll-interval: 1s",                                # 2
        "  pol-interval: 5s",                                 # 3: unknown key
        f"  state-database: {state}",                         # 4
        "  status-address: 127.0.0.1:0",                      # 5
        "defaults:",                                          # 6
        "  job.autoscaler.enabled: true",                     # 7
        "  job.autoscaler.metrics.window: ten minutes",       # 8: not a duration
        "clusters:",                                          # 9
        "  - name: c1",                                       # 10
        "    url: http://127.0.0.1:9",                        # 11
    ]) + "\n")
    expected = [
        re.compile(rf"^{re.escape(config)}:3:3: key 'service\.pol-interval': .+$", re.MULTILINE),
        re.compile(rf"^{re.escape(config)}:8:34: key 'defaults\.job\.autoscaler\.metrics\.window': .+$", re.MULTILINE),
    ]
    started = time.monotonic()
    run = subprocess.run([case.args.flinkscaler, "run", "--config", config], capture_output=True, text=True,
                         timeout=60)
    case.dump("flinkscaler run output", lambda: f"exit {run.returncode}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}")
    say(f"run exited with {run.returncode} after {time.monotonic() - started:.1f} s:\n{run.stderr.rstrip()}")
    check(run.returncode == 1, f"flinkscaler run exited with {run.returncode}, expected 1")
    for pattern in expected:
        check(pattern.search(run.stderr), f"flinkscaler run does not print a line matching {pattern.pattern!r}")
    located = re.compile(rf"^{re.escape(config)}:\d+:\d+: key '[^']+': ")
    problem_lines = [l for l in run.stderr.splitlines() if located.match(l)]
    check(len(problem_lines) == 2, f"expected exactly two problems, got {problem_lines}")
    check("not starting" in run.stderr, "flinkscaler run does not say that it is not starting")
    check("state store open" not in run.stderr + run.stdout and "started" not in run.stderr.replace("not starting", ""),
          "flinkscaler run started something")
    check(not os.path.exists(state), "flinkscaler run created the state database")

    checked = subprocess.run([case.args.flinkscaler, "check-config", config], capture_output=True, text=True,
                             timeout=60)
    case.dump("flinkscaler check-config output",
              lambda: f"exit {checked.returncode}\nstdout:\n{checked.stdout}\nstderr:\n{checked.stderr}")
    say(f"check-config exited with {checked.returncode}:\n{checked.stderr.rstrip()}")
    check(checked.returncode == 1, f"check-config exited with {checked.returncode}, expected 1")
    check([l for l in checked.stderr.splitlines() if located.match(l)] == problem_lines,
          "check-config does not list the same problems as run")

    # The fixed file passes both.
    text = read_text(config).replace("  pol-interval: 5s\n", "").replace("ten minutes", "10 min")
    write(config, text)
    checked = subprocess.run([case.args.flinkscaler, "check-config", config], capture_output=True, text=True,
                             timeout=60)
    check(checked.returncode == 0, f"check-config of the fixed file exited with {checked.returncode}: "
                                   f"{checked.stdout}{checked.stderr}")

    # And the daemon then starts and stops cleanly (the status endpoint answers meanwhile).
    d = case.daemon(config)
    d.wait_ready()
    check(http_get(d.url("/healthz"))[0] == 200, "/healthz does not answer 200")
    d.stop_and_check()


# ---------------------------------------------------------------------------------------------
# 3. reload-applies-a-new-config-and-keeps-the-old-one-on-errors


def case_reload_applies_a_new_config_and_keeps_the_old_one_on_errors(case):
    sim = case.sim("daemon-one-job.yaml", 1)
    config = os.path.join(case.dir, "flinkscaler.yaml")
    db = os.path.join(case.dir, "state.db")
    enabled = daemon_config(case.dir, [("solo", sim.urls[0], {})])
    disabled = daemon_config(case.dir, [("solo", sim.urls[0], {})],
                             jobs=[({"cluster": "solo", "name": "orders-*"}, {"job.autoscaler.enabled": "false"})])
    write(config, enabled)
    d = case.daemon(config)
    d.wait_ready()

    def phase():
        job = d.job(SOLO_KEY)
        return job and job["phase"]
    active = ("stabilizing", "collecting", "window_not_full", "decided")
    wait_until(lambda: phase() in active and sample_count(db, SOLO_KEY) > 0, 30, "the job to be collecting samples")
    say(f"job enabled: phase {phase()}, {sample_count(db, SOLO_KEY)} samples stored")

    # 1. A valid new config that disables the job.
    write(config, disabled)
    d.signal(signal.SIGHUP)
    d.wait_for_log(r"configuration reloaded", 15, "the first reload")
    wait_until(lambda: phase() == "disabled", 15, "phase 'disabled' after the reload")
    check(d.job(SOLO_KEY)["summary"] == "job.autoscaler.enabled is false", f"summary: {d.job(SOLO_KEY)['summary']}")
    wait_until(lambda: sample_count(db, SOLO_KEY) == 0, 10, "the disabled job's samples to be deleted")
    say("job disabled by the reload; its state was deleted")

    # 2. A broken file: the previous config stays, the daemon keeps working.
    broken = disabled.replace("  poll-interval: \"1s\"", "  poll-interval: \"soon\"") + "unknown-section: {a: 1}\n"
    check(broken != disabled + "unknown-section: {a: 1}\n", "the test could not break the poll interval")
    write(config, broken)
    before = d.metrics()
    polls_before = metric_value(before, "flinkscaler_discoveries_total", cluster="solo", result="ok")
    d.signal(signal.SIGHUP)
    d.wait_for_log(r"keeping the previous one", 15, "the rejected reload")
    log = d.log()
    lines = broken.splitlines()
    poll_line = lines.index('  poll-interval: "soon"') + 1
    check(re.search(rf"{re.escape(config)}:{poll_line}:18: key 'service\.poll-interval': ", log),
          f"the log does not name the bad poll-interval at {poll_line}:18")
    check(re.search(rf"{re.escape(config)}:{len(lines)}:1: key 'unknown-section': ", log),
          f"the log does not name the unknown section at {len(lines)}:1")
    check(len(re.findall(r"configuration reloaded", log)) == 1, "a broken file was applied")
    time.sleep(4)
    check(d.proc.poll() is None, f"the daemon exited with {d.proc.returncode}")
    check(http_get(d.url("/healthz"))[0] == 200, "/healthz stopped answering 200")
    after = d.metrics()
    polls_after = metric_value(after, "flinkscaler_discoveries_total", cluster="solo", result="ok")
    check(polls_after >= polls_before + 2, f"discoveries stopped: {polls_before} -> {polls_after} in 4 s")
    check(phase() == "disabled", f"phase {phase()} after the rejected reload (the previous config disabled the job)")

    # 3. The fixed file (the job enabled again).
    write(config, enabled)
    d.signal(signal.SIGHUP)
    d.wait_for_log(r"configuration reloaded", 15, "the second successful reload", count=2)
    wait_until(lambda: phase() in active, 20, "the job to be enabled again")
    wait_until(lambda: sample_count(db, SOLO_KEY) > 0, 15, "samples to be stored again")
    job = d.job(SOLO_KEY)
    check(job["scaling_enabled"] and not job["last_error"], f"job after re-enabling: {job}")
    say(f"job enabled again: phase {job['phase']}, summary {job['summary']!r}")

    # 4. A file that is not even YAML, while the job is enabled: kept, and its passes go on.
    write(config, enabled.replace("clusters:\n", "clusters: [\n", 1))
    passes_before = passes(d.metrics(), "solo")
    d.signal(signal.SIGHUP)
    d.wait_for_log(r"keeping the previous one", 15, "the second rejected reload", count=2)
    check(re.search(rf"{re.escape(config)}:\d+:\d+: YAML syntax error", d.log()), "no YAML syntax error in the log")
    time.sleep(4)
    passes_after = passes(d.metrics(), "solo")
    check(passes_after >= passes_before + 2, f"job passes stopped: {passes_before} -> {passes_after} in 4 s")
    check(phase() in active, f"phase {phase()} after the second rejected reload")
    check(len(re.findall(r"configuration reloaded", d.log())) == 2, "a broken file was applied")
    d.stop_and_check()


# ---------------------------------------------------------------------------------------------
# 4. one-failing-cluster-does-not-delay-the-others

GOOD_JOB = "d0000000000000000000000000000001"


def case_one_failing_cluster_does_not_delay_the_others(case):
    """Three clusters (daemon-failing-clusters.yaml): `down` refuses connections, `slow` holds
    every vertex metric request for 6 s (the daemon gives it 1 s), `good` has the bottleneck job
    of daemon-one-job.yaml. The good job must be scaled as early as without the others: its first
    decision is due one metric window (20 s) after its first sample."""
    sim = case.sim("daemon-failing-clusters.yaml", 3)
    config = os.path.join(case.dir, "flinkscaler.yaml")
    write(config, daemon_config(case.dir, [
        ("good", sim.urls[0], {}),
        ("down", sim.urls[1], {"connect-timeout": "1s", "request-timeout": "1s"}),
        ("slow", sim.urls[2], {"connect-timeout": "1s", "request-timeout": "1s", "max-concurrent-requests": 2}),
    ]))
    good_key = f"good/{GOOD_JOB}"
    slow_keys = ["slow/f0000000000000000000000000000001", "slow/f0000000000000000000000000000002"]
    case.dump("simulator good orders-keyed", lambda: sim.job_view(0, GOOD_JOB))
    watch = ParallelismWatch(sim, 0, GOOD_JOB, "KeyedAggregate")
    case.dump("KeyedAggregate seen in the simulator", lambda: watch.sequence())
    try:
        d = case.daemon(config)
        d.wait_ready()
        started = d.started

        # The good job's first sample is taken within a few passes; its window is full 20 s later.
        def first_sample():
            job = d.job(good_key)
            parsed = parse_summary(job and job["summary"])
            return (job, parsed) if parsed else None
        job, (samples, full_at) = wait_until(first_sample, 20, "the good job's first samples")
        first_full_at = parse_instant(full_at)
        say(f"good job: {job['summary']!r}")
        check(first_full_at - started < 20 + 8, f"the good job's window is full only at {full_at}, "
                                                f"{first_full_at - started:.1f} s after the start")

        wait_until(lambda: watch.current() == 8, 60, "the scale-up of the good job's KeyedAggregate to 8")
        job = d.job(good_key)
        rescaled_at = parse_instant(job["last_rescale"])
        say(f"good job rescaled {rescaled_at - started:.1f} s after the start ({rescaled_at - first_full_at:.1f} s "
            f"after its window was full); KeyedAggregate {watch.sequence()}")
        check(watch.sequence() == [2, 8], f"KeyedAggregate went {watch.sequence()}")
        check(rescaled_at - first_full_at < 5, f"the good job was rescaled {rescaled_at - first_full_at:.1f} s after "
                                               f"its window was full (should be the next pass)")

        # The good job's passes kept their pace (one per second) while the others failed.
        text = d.metrics()
        elapsed = time.time() - started
        good_passes = passes(text, "good")
        say(f"after {elapsed:.0f} s: {good_passes:.0f} passes of the good job; "
            f"{passes(text, 'slow'):.0f} passes of the slow cluster's two jobs")
        check(good_passes >= 0.6 * (elapsed - 3), f"only {good_passes:.0f} passes of the good job in {elapsed:.0f} s")

        # The failing clusters on /metrics and /api/v1/jobs.
        def failures_visible():
            text = d.metrics()
            return (metric_value(text, "flinkscaler_cluster_up", cluster="down") == 0 and
                    metric_value(text, "flinkscaler_rest_errors_total", cluster="down", kind="no_response") > 0 and
                    metric_value(text, "flinkscaler_rest_errors_total", cluster="slow", kind="no_response") > 0 and
                    all((d.job(k) or {}).get("phase") == "error" for k in slow_keys)) and text
        text = wait_until(failures_visible, 30, "the failures of 'down' and 'slow' on /metrics and /api/v1/jobs")
        check(metric_value(text, "flinkscaler_cluster_up", cluster="good") == 1, "cluster_up{good} != 1")
        check(metric_value(text, "flinkscaler_cluster_up", cluster="slow") == 1, "cluster_up{slow} != 1")
        check(metric_sum(text, "flinkscaler_rest_errors_total", cluster="good") == 0, "REST errors on 'good'")
        check(metric_value(text, "flinkscaler_discoveries_total", cluster="down", result="ok") == 0,
              "a discovery of 'down' succeeded")
        for k in slow_keys:
            # The held request is a vertex metric query of the job; the error names the cluster
            # and the call. (It ends in httplib's bare error name, e.g. ": Read", for a timeout.)
            error = d.job(k)["last_error"] or ""
            check(error.startswith("cluster slow: GET /jobs/" + k.split("/")[1] + "/vertices/"),
                  f"{k}: last_error {error!r}")
        log = d.log()
        check(re.search(r"cannot list jobs: .* cluster=down", log), "the log does not say that 'down' cannot be listed")
        check(len(re.findall(r"cannot list jobs: .* cluster=down", log)) == 1,
              "'cannot list jobs' of 'down' is logged more than once (should be logged on change only)")
        check(watch.sequence() == [2, 8], f"KeyedAggregate went {watch.sequence()}")
        d.stop_and_check()
    finally:
        watch.stop()



# ---------------------------------------------------------------------------------------------
# 5. yarn-discovers-and-scales-every-application

YARN_APP = {name: f"application_1716900000000_000{n}" for n, name in enumerate("abcd", start=1)}
YARN_JOB = {"a": "a0000000000000000000000000000a01", "b": "b0000000000000000000000000000b01",
            "c": "c0000000000000000000000000000c01", "d": "d0000000000000000000000000000d01"}


def yarn_key(app):
    return f"yarn/{YARN_APP[app]}/{YARN_JOB[app]}"


def rm_requests(sim, rm, path_prefix):
    """Requests of the simulator's request log to ResourceManager `rm` whose target starts with
    `path_prefix` (lines "[rm1] GET /ws/v1/cluster/apps?... -> 200")."""
    pattern = re.compile(rf"^\[{rm}\] (\w+) ({re.escape(path_prefix)}\S*) -> (\d+)", re.MULTILINE)
    return pattern.findall(read_text(sim.log_path))


def case_yarn_discovers_and_scales_every_application(case):
    """One `kind: yarn` cluster, ResourceManagers [rm1, rm2] with rm2 active (rm1 redirects),
    flink-access auto (reads through the active RM's proxy, the PUT straight to amRPCAddress).

    Expected parallelism (as in case 1: target capacity = rate / 0.7, BALANCED alignment, N = 8):
      app-a Keyed: 2500 records/s on 1 × 1000: f = 3571 / 1000, n = 4, 8 % 4 = 0 → 4 (any measured
      rate in 2101..2800 gives 4; exactly 2800 would not, 4.0x rounds up to 5 and aligns to 8).
      app-b Keyed: 1200 records/s on 1 × 1000: f = 1714 / 1000, n = 2 → 2 (701..1400 gives 2). A
      PUT through the proxy would get 405, so the rescale proves the PUT went direct.
      app-c Keyed: as app-b → 2, before the application ends at 60 s.
    Sources (20000 records/s per subtask) stay at 1.
    """
    sim = case.sim("daemon-yarn.yaml", clusters=4, resource_managers=2, extra_args=["--log-requests"])
    rm1, rm2 = sim.rm_urls
    config = os.path.join(case.dir, "flinkscaler.yaml")
    write(config, daemon_config(case.dir, [("yarn", None, {
        "kind": "yarn",
        "resource-managers": [rm1, rm2],
        "flink-access": "auto",
        "applications": {"type": "Apache Flink", "tags": ["autoscale"]},
    })]))
    case.dump("flink-sim request log (RM lines, last 60)",
              lambda: "\n".join([l for l in read_text(sim.log_path).splitlines() if l.startswith("[rm")][-60:]))
    watches = {app: ParallelismWatch(sim, i, YARN_JOB[app], "Keyed") for i, app in enumerate("abc")}
    try:
        d = case.daemon(config)
        started = time.monotonic()
        d.wait_ready()

        # Discovery: the three tagged applications, under <yarn>/<application-id>/<job-id>.
        def discovered():
            jobs = d.jobs() or {}
            return set(jobs) >= {yarn_key("a"), yarn_key("b"), yarn_key("c")} and jobs
        jobs = wait_until(discovered, 30, "the jobs of the three tagged applications on /api/v1/jobs")
        check(yarn_key("d") not in jobs, f"the untagged application's job was discovered: {sorted(jobs)}")
        check(all(j["cluster"].startswith("yarn/application_") for j in jobs.values()),
              f"cluster names: {[j['cluster'] for j in jobs.values()]}")
        d.wait_for_log(r"discovered YARN application.*cluster=yarn/" + YARN_APP["a"], 5, "the discovery of app-a in the log")

        # Each application's bottleneck scales to its own computed parallelism (app-c before it
        # ends at 60 s).
        wait_until(lambda: watches["a"].current() == 4 and watches["b"].current() == 2 and watches["c"].current() == 2,
                   150, "app-a Keyed at 4, app-b and app-c Keyed at 2 in the simulator")
        check(watches["a"].sequence() == [1, 4], f"app-a Keyed went {watches['a'].sequence()}")
        check(watches["b"].sequence() == [1, 2], f"app-b Keyed went {watches['b'].sequence()}")
        check(watches["c"].sequence() == [1, 2], f"app-c Keyed went {watches['c'].sequence()}")
        for index, (app, source) in enumerate([("a", "Source: orders"), ("b", "Source: clicks")]):
            check(sim.vertex_parallelism(index, YARN_JOB[app])[source] == 1, f"app-{app}: the source was rescaled")

        # Reads went through the active RM's proxy; no PUT went through it (app-b would get 405).
        proxied = rm_requests(sim, "rm2", "/proxy/")
        check(any(m == "GET" and p.startswith(f"/proxy/{YARN_APP['a']}/jobs/overview") for m, p, _ in proxied),
              "no GET /jobs/overview of app-a through rm2's proxy")
        puts = [(m, p) for rm in ("rm1", "rm2") for m, p, _ in rm_requests(sim, rm, "/proxy/") if m != "GET"]
        check(not puts, f"requests other than GET through the RM proxy: {puts[:5]}")
        db = os.path.join(case.dir, "state.db")
        for app in "abc":
            check(events(db, yarn_key(app), "ScalingReport"), f"no ScalingReport event of {yarn_key(app)}")

        # The standby listed first was asked once and redirected; the active one is remembered.
        rm1_apps = rm_requests(sim, "rm1", "/ws/v1/cluster/apps")
        check(len(rm1_apps) == 1 and rm1_apps[0][2] == "307",
              f"expected exactly one apps query to the standby rm1 (answered 307), saw {rm1_apps}")

        # app-c ends at 60 s: its job leaves the board, its state stays in the database.
        wait_until(lambda: yarn_key("c") not in (d.jobs() or {}), 90, "the finished app-c's job to leave /api/v1/jobs")
        d.wait_for_log(r"YARN application is no longer running.*cluster=yarn/" + YARN_APP["c"], 5,
                       "the log line about app-c")
        check(query_db(db, "SELECT COUNT(*) FROM state WHERE job_key = ?", (yarn_key("c"),))[0][0] > 0,
              "app-c's state was deleted at once (it must be kept for the retention period)")

        # Failover at 75 s: rm1 becomes active. The daemon follows rm2's redirect, rebuilds the
        # proxy URLs on rm1 and keeps every job's history (same keys, same parallelism).
        wait_until(lambda: any(m == "GET" and p.startswith("/proxy/") and code == "200"
                               for m, p, code in rm_requests(sim, "rm1", "/proxy/")),
                   120, "proxied reads through rm1 after the failover")
        d.wait_for_log(r"JobManager of a YARN application moved.*cluster=yarn/" + YARN_APP["a"], 10,
                       "the log line about app-a's JobManager address moving to rm1")
        wait_until(lambda: all((d.job(yarn_key(app)) or {}).get("phase") not in (None, "error", "not_ready")
                               for app in "ab"), 60, "app-a and app-b polled again after the failover")
        check(watches["a"].sequence() == [1, 4] and watches["b"].sequence() == [1, 2],
              f"parallelism changed after the failover: a {watches['a'].sequence()}, b {watches['b'].sequence()}")

        # One apps query per poll round (1 s), whatever the number of applications.
        elapsed = time.monotonic() - started
        queries = len(rm_requests(sim, "rm1", "/ws/v1/cluster/apps")) + len(rm_requests(sim, "rm2", "/ws/v1/cluster/apps"))
        check(queries <= elapsed / 1.0 + 4,
              f"{queries} apps queries in {elapsed:.0f} s with a 1 s poll interval (expected at most one per round, "
              "plus one redirect per failover)")
        text = d.metrics()
        check(metric_value(text, "flinkscaler_cluster_up", cluster="yarn") == 1, "cluster_up{yarn} != 1")
        check(metric_value(text, "flinkscaler_cluster_up", cluster="yarn/" + YARN_APP["a"]) == 1,
              "cluster_up of app-a != 1")
        d.stop_and_check()
    finally:
        for w in watches.values():
            w.stop()

# ---------------------------------------------------------------------------------------------

CASES = {
    "restart-after-kill-9-keeps-history": case_restart_after_kill_9_keeps_history,
    "bad-config-is-rejected-with-line-numbers": case_bad_config_is_rejected_with_line_numbers,
    "reload-applies-a-new-config-and-keeps-the-old-one-on-errors":
        case_reload_applies_a_new_config_and_keeps_the_old_one_on_errors,
    "one-failing-cluster-does-not-delay-the-others": case_one_failing_cluster_does_not_delay_the_others,
    "yarn-discovers-and-scales-every-application": case_yarn_discovers_and_scales_every_application,
}


def run_case(args, name, cases=None):
    case = Case(args, name)
    say(f"case {name} in {case.dir}")
    try:
        (cases or CASES)[name](case)
        say(f"PASS {name} ({case.elapsed():.0f} s)")
        return True
    except BaseException as e:  # noqa: BLE001 - report everything, also KeyboardInterrupt
        print(f"\nFAIL {name} after {case.elapsed():.0f} s: {e}", flush=True)
        if not isinstance(e, Failure):
            traceback.print_exc()
        case.explain_failure()
        if isinstance(e, KeyboardInterrupt):
            raise
        return False
    finally:
        case.cleanup()


def main(cases=None, description=__doc__):
    """The command line of a case table (fault_tests.py has its own)."""
    cases = cases or CASES
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case", choices=sorted(cases) + ["all"])
    parser.add_argument("--flinkscaler", required=True)
    parser.add_argument("--flink-sim", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    # Absolute, so that a wrapper that changes the working directory (nsenter) finds them.
    args.flinkscaler, args.flink_sim = os.path.abspath(args.flinkscaler), os.path.abspath(args.flink_sim)
    # SIGTERM from meson (timeout) must still run the finally blocks that kill our children.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    names = sorted(cases) if args.case == "all" else [args.case]
    results = {name: run_case(args, name, cases) for name in names}
    if len(names) > 1:
        for name, ok in results.items():
            print(f"{'PASS' if ok else 'FAIL'} {name}")
    sys.exit(0 if all(results.values()) else 1)


if __name__ == "__main__":
    main()
