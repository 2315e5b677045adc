#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end test of flinkscaler against a real Flink (issue 5).

Builds tests/e2e/harness (Maven), starts a Flink MiniCluster with the adaptive scheduler running
"Source: load" -> KeyedWork (a sleep per record) -> "discard: Writer", starts `flinkscaler run`
against its REST endpoint, raises the load to about 3x what one KeyedWork subtask handles, waits
for the scale-up in Flink's REST, restarts the daemon, lowers the load, waits for the scale-down,
and checks every rescale in Flink's REST, the state database's events, the log's scaling reports
and /metrics.

    tests/e2e/run_e2e.py --flinkscaler build/src/cli/flinkscaler [--flink-version 1.20.5]

Exits 0 when every check passed; otherwise 1 with the failed checks and the log tails.
Only python3's standard library; needs java 17+ and mvn. See tests/e2e/README.md.
"""

import argparse
import ctypes
import json
import math
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
HARNESS = os.path.join(HERE, "harness")
CLUSTER = "e2e"
JOB_NAME = "flinkscaler-e2e"
KEYED = "KeyedWork"
MAX_PARALLELISM = 128
# Written into the daemon's config and used for the expected values below.
SCALE_DOWN_MAX_FACTOR = 0.6
RESTART_TIME_S = 10
CATCH_UP_S = 300
INSTALL_HINT = ("the e2e tests need Java 17+ and Maven (Debian: apt-get install openjdk-17-jdk-headless "
                "maven); to leave them out of meson test, configure with -De2e=disabled")

T0 = time.monotonic()
TIMELINE = []
FAILURES = []
RUN = {}        # "harness", "daemon": for the log tails at the end, whatever happened


def now():
    return time.monotonic() - T0


def say(msg):
    print(f"[e2e {now():6.0f}s] {msg}", flush=True)


def mark(msg):
    TIMELINE.append((now(), msg))
    say(msg)


def check(cond, what, seen=None):
    """Records a check. `what` says what was expected; `seen`, when given, what was seen instead
    (printed only on failure)."""
    if cond:
        say(f"ok: {what}")
    else:
        msg = what if seen is None else f"{what}; seen: {seen}"
        FAILURES.append(msg)
        say(f"FAILED: {msg}")
    return bool(cond)


def http(url, method="GET", body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read().decode()


def http_json(url, **kw):
    return json.loads(http(url, **kw))


def try_json(url, **kw):
    try:
        return http_json(url, **kw)
    except (OSError, ValueError, urllib.error.URLError):
        return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path, lines=60):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return f"({path}: {e})\n"


def die_with_parent():
    """preexec_fn: the child gets SIGTERM when this driver dies, even by SIGKILL (a meson test
    timeout), so no JVM or daemon outlives the test."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


# ---------------------------------------------------------------------------------------------
# Harness (Flink) side


def java_major():
    r = subprocess.run(["java", "-version"], capture_output=True, text=True)
    m = re.search(r'version "(\d+)(?:\.(\d+))?', r.stderr + r.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


def build_harness(args):
    repo_local = os.path.abspath(os.path.expanduser(args.maven_repo))
    build_root = os.path.abspath(args.harness_build_dir)
    v = args.flink_version
    base = ["mvn", "-B", "-q", f"-Dmaven.repo.local={repo_local}", f"-Dflink.version={v}",
            f"-Dharness.build.root={build_root}", "-f", os.path.join(HARNESS, "pom.xml"), "package"]
    out = os.path.join(build_root, f"flink-{v}")
    start = time.monotonic()
    marker = os.path.join(repo_local, "org", "apache", "flink", "flink-runtime", v, f"flink-runtime-{v}.jar")
    r = None
    mode = "offline"
    if os.path.exists(marker):
        # Cached: build offline (no network round trips); online only if something is missing.
        r = subprocess.run(base[:1] + ["-o"] + base[1:], capture_output=True, text=True)
        if r.returncode != 0:
            say("the offline Maven build failed (" + (r.stdout + r.stderr).strip()[-300:] +
                "); building online")
    if r is None or r.returncode != 0:
        mode = "online"
        say(f"downloading Flink {v} and the Maven plugins into {repo_local} (first run)")
        for attempt in (1, 2):
            r = subprocess.run(base, capture_output=True, text=True)
            if r.returncode == 0 or attempt == 2:
                break
            say(f"online Maven build failed (exit {r.returncode}); trying once more")
            time.sleep(10)
    if r.returncode != 0:
        print(r.stdout[-5000:], r.stderr[-5000:], file=sys.stderr)
        raise SystemExit(f"harness build failed: mvn exit {r.returncode} (Flink {v}, "
                         f"repository {repo_local}); see the Maven output above")
    mark(f"harness built for Flink {v} ({mode}, {time.monotonic() - start:.0f} s)")
    return f"{out}/classes:{out}/lib/*"


class Harness:
    def __init__(self, args, workdir, classpath):
        self.info_file = os.path.join(workdir, "harness-info.json")
        self.log_path = os.path.join(workdir, "harness.log")
        self.log = open(self.log_path, "w")
        cmd = ["java", "-Xmx2g", "-cp", classpath, "flinkscaler.e2e.Harness",
               "--rest-port", str(args.rest_port), "--info-file", self.info_file,
               "--rate", str(args.low_rate), "--work-us", str(args.work_us),
               "--taskmanagers", str(args.taskmanagers), "--slots", str(args.slots),
               "--parallelism", "1", "--cooldown", str(args.flink_cooldown),
               "--job-name", JOB_NAME]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True, preexec_fn=die_with_parent)
        deadline = time.monotonic() + 180
        while not os.path.exists(self.info_file):
            if self.proc.poll() is not None:
                raise SystemExit(f"the harness exited early (exit {self.proc.returncode}):\n" +
                                 tail(self.log_path))
            if time.monotonic() > deadline:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                raise SystemExit("expected the harness's READY within 180 s, it did not come:\n" +
                                 tail(self.log_path))
            time.sleep(0.5)
        with open(self.info_file) as f:
            self.info = json.load(f)
        self.rest = self.info["rest_url"]
        self.control = self.info["control_url"]
        self.jid = self.info["job_id"]

    def set_rate(self, rate):
        return http_json(f"{self.control}/load?rate={rate:.0f}", method="POST", body={})

    def load(self):
        return try_json(f"{self.control}/load")

    def job(self):
        return try_json(f"{self.rest}/jobs/{self.jid}")

    def requirements(self):
        return try_json(f"{self.rest}/jobs/{self.jid}/resource-requirements")

    def counters(self, vertex_id):
        """(accumulateBusyTimeMs, numRecordsIn) summed over the vertex's subtasks, or None."""
        m = try_json(f"{self.rest}/jobs/{self.jid}/vertices/{vertex_id}/subtasks/metrics"
                     "?get=accumulateBusyTimeMs,numRecordsIn") or []
        vals = {x.get("id"): x.get("sum") for x in m if isinstance(x, dict)}
        b, n = vals.get("accumulateBusyTimeMs"), vals.get("numRecordsIn")
        return (float(b), float(n)) if b is not None and n else None

    def gauges(self, vertex_id):
        """(busyTimeMsPerSecond of the busiest subtask, numRecordsInPerSecond summed), or None:
        what the rule reads with the default MAX aggregator (algorithm.md §3.7)."""
        m = try_json(f"{self.rest}/jobs/{self.jid}/vertices/{vertex_id}/subtasks/metrics"
                     "?get=busyTimeMsPerSecond,numRecordsInPerSecond") or []
        vals = {x.get("id"): x for x in m if isinstance(x, dict)}
        b = vals.get("busyTimeMsPerSecond", {}).get("max")
        n = vals.get("numRecordsInPerSecond", {}).get("sum")
        return (float(b), float(n)) if b is not None and n is not None else None

    def stop(self):
        if self.proc.poll() is None:
            try:
                http(f"{self.control}/shutdown", method="POST", body={}, timeout=5)
                self.proc.wait(30)
            except (OSError, subprocess.TimeoutExpired, urllib.error.URLError):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def running(job):
    return (job is not None and job.get("state") == "RUNNING"
            and all(v.get("status") == "RUNNING" for v in job.get("vertices", [])))


def parallelisms(job):
    return {v["name"]: v["parallelism"] for v in job["vertices"]}


def wait_running(h, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running(h.job()):
            return True
        time.sleep(1)
    return False


def measure_cost(h, keyed_id, seconds=15):
    """Microseconds of busy time per record of KeyedWork, from the subtask counters
    (accumulateBusyTimeMs and numRecordsIn), over `seconds` once both are reported."""
    deadline = time.monotonic() + 60 + seconds
    first = last = None
    while time.monotonic() < deadline:
        s = h.counters(keyed_id)
        if s and first is None:
            first = s
            deadline = time.monotonic() + seconds
        elif s:
            last = s
        time.sleep(1)
    if not first or not last or last[1] <= first[1]:
        say(f"cost measurement: first sample {first}, last {last}")
        return None
    return 1000.0 * (last[0] - first[0]) / (last[1] - first[1])


# ---------------------------------------------------------------------------------------------
# The rule (algorithm.md §3.8, §4.2, §4.4, §4.5), for the expected values


def aligned_up(n):
    """BALANCED alignment of a scale-up to n for a vertex with a keyed (HASH) input: the first
    q >= n that divides the max parallelism or gives each subtask fewer key groups than n does
    (so 5 -> 6, 6 -> 7 with 128 key groups)."""
    for q in range(max(1, n), MAX_PARALLELISM + 1):
        if MAX_PARALLELISM % q == 0 or MAX_PARALLELISM // q < MAX_PARALLELISM // n:
            return q
    return n


def aligned_down(p, n):
    """BALANCED alignment of a scale-down from p to n: the same search in [n, p]."""
    for q in range(max(1, n), p + 1):
        if MAX_PARALLELISM % q == 0 or MAX_PARALLELISM // q < MAX_PARALLELISM // n:
            return q
    return n


def steps():
    """The parallelisms BALANCED alignment can produce: one per distinct key-group share."""
    return sorted({aligned_up(n) for n in range(1, MAX_PARALLELISM + 1)})


def within_one_step(actual, expected):
    s = steps()
    if actual not in s or expected not in s:
        return abs(actual - expected) <= 1
    return abs(s.index(actual) - s.index(expected)) <= 1


def target_capacity(rate, lag, utilization):
    """capacity(): drain the backlog within the catch-up duration, plus the backlog of one
    restart, plus the incoming rate at the target utilization."""
    return lag / CATCH_UP_S + rate * RESTART_TIME_S / CATCH_UP_S + rate / utilization


# ---------------------------------------------------------------------------------------------
# Daemon side

CONFIG = """\
# Written by tests/e2e/run_e2e.py: short windows so a real job scales within minutes.
service:
  poll-interval: {poll}s
  workers: 2
  state-database: state.db
  status-address: 127.0.0.1:{status_port}
  sample-retention: 1h
  log:
    level: info
    format: text
defaults:
  job.autoscaler.enabled: true
  job.autoscaler.metrics.window: {window}s
  job.autoscaler.stabilization.interval: {stabilization}s
  job.autoscaler.target.utilization: {target}
  job.autoscaler.target.utilization.boundary: 0.3
  job.autoscaler.scale-down.interval: {scale_down}s
  job.autoscaler.scale-down.max-factor: {max_factor}
  job.autoscaler.restart.time: {restart}s
  job.autoscaler.catch-up.duration: {catch_up}s
clusters:
  - name: {cluster}
    url: {url}
"""


class Daemon:
    def __init__(self, args, workdir, url):
        self.exe = args.flinkscaler
        self.workdir = workdir
        self.config = os.path.join(workdir, "flinkscaler.yaml")
        self.db = os.path.join(workdir, "state.db")
        self.status_port = free_port()
        self.status = f"http://127.0.0.1:{self.status_port}"
        self.log_path = os.path.join(workdir, "flinkscaler.log")
        with open(self.config, "w") as f:
            f.write(CONFIG.format(poll=args.poll, status_port=self.status_port, window=args.window,
                                  stabilization=args.stabilization, target=args.target,
                                  scale_down=args.scale_down_interval, max_factor=SCALE_DOWN_MAX_FACTOR,
                                  restart=RESTART_TIME_S, catch_up=CATCH_UP_S, cluster=CLUSTER, url=url))
        self.proc = None
        self.starts = 0

    def start(self):
        self.starts += 1
        log = open(self.log_path, "a")
        log.write(f"==== run_e2e.py: daemon start #{self.starts} ====\n")
        log.flush()
        self.proc = subprocess.Popen(
            [self.exe, "run", "--config", self.config, "--state-database", self.db,
             "--status-address", f"127.0.0.1:{self.status_port}"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=die_with_parent)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"flinkscaler exited at start (exit {self.proc.returncode}):\n" +
                                 tail(self.log_path))
            try:
                if http(f"{self.status}/readyz", timeout=2).startswith("ready"):
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.5)
        raise SystemExit("expected flinkscaler's /readyz to answer 'ready' within 60 s, it did not:\n" +
                         tail(self.log_path))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def job(self, jid):
        return try_json(f"{self.status}/api/v1/jobs/{CLUSTER}%2F{jid}") if self.alive() else None

    def metrics(self):
        if not self.alive():
            return ""
        try:
            return http(f"{self.status}/metrics")
        except (OSError, urllib.error.URLError):
            return ""

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()


def db_events(db, job_key):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return [dict(zip(("id", "create_time", "reason", "event_type", "message", "count"), r))
                for r in conn.execute(
                    "SELECT id, create_time, reason, event_type, message, event_count FROM event "
                    "WHERE job_key = ? ORDER BY id", (job_key,))]
    finally:
        conn.close()


def metric_parallelism(text, vertex_id):
    m = re.search(r'^flinkscaler_vertex_parallelism\{[^}]*vertex="' + vertex_id + r'"[^}]*\} (\S+)$',
                  text, re.M)
    return int(float(m.group(1))) if m else None


def metric_rescales_applied(text):
    m = re.search(r'^flinkscaler_rescales_total\{[^}]*cluster="' + CLUSTER + r'"[^}]*result="applied"[^}]*\} (\S+)$',
                  text, re.M)
    return int(float(m.group(1))) if m else None


def report_rows(ev, keyed_id, a, b):
    return re.search(rf"Vertex ID {keyed_id} \| Parallelism {a} -> {b} \|", ev["message"]) is not None


def applied_rows(ev, keyed_id, b):
    return re.search(rf"{keyed_id}: \[\d+, {b}\]", ev["message"]) is not None


# ---------------------------------------------------------------------------------------------
# The scenario


class Transition:
    def __init__(self, t, wall, a, b):
        self.t, self.wall, self.a, self.b = t, wall, a, b
        self.upper_bound = None       # resource-requirements upperBound seen right after it landed
        self.metric_seen = None       # t when /metrics showed b


class Watch:
    """Polls Flink REST every 2 s: records every parallelism change as it lands, KeyedWork's
    counters while it runs at 1, the harness's backlog, /metrics, and the daemon's status."""

    def __init__(self, h, daemon, keyed_id):
        self.h = h
        self.daemon = daemon
        self.keyed_id = keyed_id
        self.last = None
        self.history = []              # (t, {name: parallelism}) of each running configuration
        self.transitions = []          # KeyedWork's
        self.gauges = []               # (wall, busy ms/s, records in/s) of KeyedWork at parallelism 1
        self.backlog = []              # (wall, backlog)
        self.delayed = []              # (t, wall, reason) of statuses saying the scale-down waits
        # Issue 16: once a pass has decided for one run of the job (one RUNNING timestamp) and one
        # daemon process, no later pass of that run may be skipped as "window not full".
        self.window_not_full_after_decided = {}  # (daemon pid, RUNNING since) -> count when first decided
        self.window_regressions = []   # (t, RUNNING since, count before, count now)

    def poll(self):
        job = self.h.job()
        if running(job):
            p = parallelisms(job)
            if p != self.last:
                if self.last is not None:
                    changes = ", ".join(f"{n} {self.last.get(n)} -> {v}" for n, v in p.items()
                                        if self.last.get(n) != v)
                    mark(f"Flink REST: {changes} (job RUNNING again)")
                    if p[KEYED] != self.last[KEYED]:
                        tr = Transition(now(), time.time(), self.last[KEYED], p[KEYED])
                        rr = self.h.requirements() or {}
                        tr.upper_bound = rr.get(self.keyed_id, {}).get("parallelism", {}).get("upperBound")
                        self.transitions.append(tr)
                self.last = p
                self.history.append((now(), p))
            if p[KEYED] == 1:
                g = self.h.gauges(self.keyed_id)
                if g:
                    self.gauges.append((time.time(), g[0], g[1]))
        ld = self.h.load()
        if ld and "backlog" in ld:
            self.backlog.append((time.time(), ld["backlog"]))
        if self.transitions and self.transitions[-1].metric_seen is None:
            if metric_parallelism(self.daemon.metrics(), self.keyed_id) == self.transitions[-1].b:
                self.transitions[-1].metric_seen = now()
        st = self.daemon.job(self.h.jid)
        if st and running(job) and self.daemon.proc:
            run_key = (self.daemon.proc.pid, (job.get("timestamps") or {}).get("RUNNING"))
            skipped = (st.get("skipped_passes") or {}).get("window_not_full")
            if st.get("phase") == "decided" and skipped is not None:
                self.window_not_full_after_decided.setdefault(run_key, skipped)
            first = self.window_not_full_after_decided.get(run_key)
            if first is not None and skipped is not None and skipped > first:
                self.window_regressions.append((now(), run_key[1], first, skipped))
                self.window_not_full_after_decided[run_key] = skipped
        for v in ((st or {}).get("last_decision") or {}).get("vertices", []):
            if v.get("vertex") == self.keyed_id and "delayed until" in (v.get("reason") or ""):
                if not self.delayed or self.delayed[-1][2] != v["reason"]:
                    self.delayed.append((now(), time.time(), v["reason"]))
                    mark(f"flinkscaler status: KeyedWork {v['reason']}")
        return job if running(job) else None

    def wait(self, cond, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.poll()
            if job is not None and cond(job):
                return job
            if self.daemon.proc and not self.daemon.alive():
                check(False, f"flinkscaler keeps running while waiting for {what}",
                      f"it exited with {self.daemon.proc.returncode}")
                return None
            time.sleep(2)
        return None

    def sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.poll()
            time.sleep(2)

    def keyed_values(self):
        vals = []
        for _, p in self.history:
            if not vals or vals[-1] != p[KEYED]:
                vals.append(p[KEYED])
        return vals


def probe(args, h, workdir):
    """`flinkscaler probe`, as an operator would run it first. Right after RUNNING the JobManager
    has not published the task metrics yet (the probe then says 'required metric(s) not
    reported'): that is waited out, for at most 90 s."""
    deadline = time.monotonic() + 90
    while True:
        r = subprocess.run([args.flinkscaler, "probe", h.rest], capture_output=True, text=True, timeout=60)
        not_yet = "required metric(s) not reported" in r.stdout
        if (r.returncode == 0 and "error:" not in r.stdout) or not not_yet or time.monotonic() > deadline:
            break
        say("flinkscaler probe: Flink has not published the job's task metrics yet; asking again in 3 s")
        time.sleep(3)
    mark(f"flinkscaler probe: exit {r.returncode}")
    with open(os.path.join(workdir, "probe.txt"), "w") as f:
        f.write(r.stdout + r.stderr)
    return r


def scenario(args, workdir):
    classpath = build_harness(args)
    h = RUN["harness"] = Harness(args, workdir, classpath)
    daemon = None
    try:
        mark(f"Flink {h.info['flink_version']} MiniCluster up: REST {h.rest}, job {h.jid[:8]}..., "
             f"{args.taskmanagers} TM x {args.slots} slots")
        if not check(h.info["flink_version"] == args.flink_version,
                     f"the harness runs Flink {args.flink_version}", h.info["flink_version"]):
            return h, daemon
        if not check(wait_running(h), "the job reaches RUNNING within 180 s",
                     f"state {(h.job() or {}).get('state')}"):
            return h, daemon
        job = h.job()
        ids = {v["name"]: v["id"] for v in job["vertices"]}
        if not check(set(ids) == {"Source: load", KEYED, "discard: Writer"},
                     "the job's vertices are 'Source: load', KeyedWork, 'discard: Writer'", sorted(ids)):
            return h, daemon
        keyed_id = ids[KEYED]
        mark("job RUNNING: " + ", ".join(f"{n} ({i[:8]}) p={p}" for (n, i), p in
                                         zip(ids.items(), parallelisms(job).values())))
        rr = h.requirements()
        check(rr is not None and set(rr) == set(ids.values()),
              "GET /jobs/:jid/resource-requirements lists every vertex (adaptive scheduler)", rr)

        pr = probe(args, h, workdir)
        check(pr.returncode == 0 and re.search(r"scheduler: adaptive \(in-place rescaling possible\)", pr.stdout),
              "flinkscaler probe exits 0 and reports 'scheduler: adaptive (in-place rescaling possible)'",
              f"exit {pr.returncode}: {(pr.stdout + pr.stderr)[-400:]!r}")
        check(all(n in pr.stdout for n in ids), "flinkscaler probe shows every vertex",
              [n for n in ids if n not in pr.stdout])

        cost = measure_cost(h, keyed_id, seconds=args.calibrate)
        if cost is None or cost <= 0:
            cost = float(args.work_us)
            say(f"could not measure the cost per record; assuming {cost:.0f} µs")
        capacity = 1e6 / cost
        high = args.high_factor * capacity
        mark(f"KeyedWork: {cost:.0f} µs busy per record at low load -> one subtask handles ~{capacity:.0f} rec/s")

        daemon = RUN["daemon"] = Daemon(args, workdir, h.rest)
        daemon.start()
        mark(f"flinkscaler started (status {daemon.status}, state {daemon.db})")
        h.set_rate(high)
        raised_wall = time.time()
        mark(f"load raised to {high:.0f} rec/s ({args.high_factor:g}x one subtask)")
        key = f"{CLUSTER}/{h.jid}"

        # --- Scale-up -------------------------------------------------------------------------
        w = Watch(h, daemon, keyed_id)
        w.poll()
        job = w.wait(lambda j: parallelisms(j)[KEYED] > 1, args.scale_up_timeout, "the scale-up")
        if not check(job is not None, f"KeyedWork scales up within {args.scale_up_timeout} s of the load rise",
                     f"KeyedWork still at {w.last[KEYED] if w.last else '?'}"):
            return h, daemon

        # --- Restart the daemon while the load is still high: the history must survive. ------
        w.sleep(5)
        events_before = db_events(daemon.db, key)
        hist_before = ((daemon.job(h.jid) or {}).get("scaling_history") or {}).get(keyed_id, {})
        applied_run1 = metric_rescales_applied(daemon.metrics())
        n_applied_run1 = sum(e["count"] for e in events_before if e["reason"] == "RescaleApplied")
        check(applied_run1 == n_applied_run1,
              f"/metrics flinkscaler_rescales_total{{result=\"applied\"}} of the first daemon run equals its "
              f"RescaleApplied events ({n_applied_run1})", applied_run1)
        rc = daemon.stop()
        mark(f"flinkscaler stopped (exit {rc}) with {len(events_before)} event row(s) in the state database")
        check(rc == 0, "flinkscaler exits 0 on SIGTERM", f"exit {rc}")
        w.sleep(3)
        daemon.start()
        mark("flinkscaler restarted on the same state database")
        st = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not st:
            st = daemon.job(h.jid)
            time.sleep(1)
        hist = ((st or {}).get("scaling_history") or {}).get(keyed_id, {})
        check(len(hist_before) >= 1 and set(hist_before) <= set(hist),
              "after the restart the status endpoint still has KeyedWork's scaling history "
              f"(entries {sorted(hist_before)})", sorted(hist))
        ev_after = db_events(daemon.db, key)
        check([e["id"] for e in events_before] == [e["id"] for e in ev_after[:len(events_before)]],
              f"after the restart the event rows of the first run are still there "
              f"(ids {[e['id'] for e in events_before]})", [e["id"] for e in ev_after])
        first_id_run2 = max([e["id"] for e in events_before], default=0)

        # --- Let a possible second rescale happen while the load stays high. -----------------
        while True:
            since_landing = now() - w.transitions[-1].t
            if since_landing < args.settle:
                w.sleep(min(10, args.settle - since_landing))
                continue
            ev = db_events(daemon.db, key)
            applied = sum(e["count"] for e in ev if e["reason"] == "RescaleApplied")
            if applied > len(w.transitions) and since_landing < args.settle + 90:
                say(f"{applied} rescale(s) requested, {len(w.transitions)} landed: waiting for the last one")
                w.sleep(5)
                continue
            break
        high_p = w.last[KEYED]
        high_values = w.keyed_values()
        n_up = len(w.transitions)
        mark(f"high load settled: KeyedWork {' -> '.join(map(str, high_values))}")

        # The right value, by the rule, from what Flink reported of KeyedWork at parallelism 1
        # (busy time of the busiest subtask and records in per second, averaged over the
        # daemon's window before its decision), the load, and the backlog at the decision.
        ev = db_events(daemon.db, key)
        up_report = next((e for e in ev if e["reason"] == "ScalingReport" and
                          report_rows(e, keyed_id, 1, w.transitions[0].b)), None)
        decision_wall = up_report["create_time"] / 1000 if up_report else w.transitions[0].wall
        window = [g for g in w.gauges if max(raised_wall, decision_wall - args.window) <= g[0] <= decision_wall]
        busy = sum(g[1] for g in window) / len(window) if window else 0
        rate_in = sum(g[2] for g in window) / len(window) if window else 0
        if len(window) >= 5 and busy > 0 and rate_in > 0:
            cost_high = 1000.0 * busy / rate_in
            source = (f"busy {busy:.0f} ms/s at {rate_in:.0f} rec/s, averaged over "
                      f"{window[-1][0] - window[0][0]:.0f} s before the decision")
        else:
            cost_high = cost
            source = f"the low-load calibration: only {len(window)} metric sample(s) before the decision"
        tpr1 = 1e6 / cost_high
        lag = min(w.backlog, key=lambda b: abs(b[0] - decision_wall))[1] if w.backlog else 0
        target = target_capacity(high, lag, args.target)
        raw = math.ceil(target / tpr1)
        expected = aligned_up(raw)
        mark(f"expected by the rule: KeyedWork {cost_high:.0f} µs/record under load ({source}) -> "
             f"{tpr1:.0f} rec/s per subtask; target {target:.0f} rec/s = {high:.0f}/{args.target} + "
             f"{high:.0f}*{RESTART_TIME_S}/{CATCH_UP_S} + backlog {lag:.0f}/{CATCH_UP_S}; "
             f"{target:.0f}/{tpr1:.0f} -> {raw} -> aligned {expected}")
        check(1 <= n_up <= 2, "at most two rescales of KeyedWork under high load",
              f"{n_up}: {' -> '.join(map(str, high_values))}")
        check(within_one_step(high_p, expected),
              f"KeyedWork ends the high load within one alignment step of {expected}", high_p)
        others = {n for _, p in w.history for n, v in p.items() if n != KEYED and v != 1}
        check(not others, "the other vertices stay at parallelism 1", sorted(others))
        say(f"load: {h.load()}")

        # --- Lower the load: scale-down after the delay. --------------------------------------
        low = args.low_factor * capacity
        floor_n = math.ceil((1 - SCALE_DOWN_MAX_FACTOR) * high_p)
        raw_low = math.ceil(target_capacity(low, 0, args.target) / tpr1)
        expected_down = aligned_down(high_p, max(raw_low, floor_n))
        h.set_rate(low)
        lowered_wall = time.time()
        mark(f"load lowered to {low:.0f} rec/s; expected by the rule: KeyedWork {high_p} -> "
             f"{expected_down} (needs {raw_low}, at most a {SCALE_DOWN_MAX_FACTOR:g} decrease: >= {floor_n})")
        job = w.wait(lambda j: parallelisms(j)[KEYED] < high_p, args.scale_down_timeout, "the scale-down")
        check(job is not None, f"KeyedWork scales down within {args.scale_down_timeout} s of the load drop",
              f"still at {w.last[KEYED]}")
        if job is not None and not within_one_step(w.last[KEYED], expected_down):
            first = w.last[KEYED]
            say(f"KeyedWork at {first}, not yet within one step of {expected_down}: waiting for a second step")
            w.wait(lambda j: parallelisms(j)[KEYED] < first, args.scale_down_timeout, "the second scale-down")
        w.sleep(5)
        down = w.transitions[n_up:]
        final = w.last[KEYED]
        check(1 <= len(down) <= 2, "KeyedWork comes down in one or two rescales",
              " -> ".join(map(str, [high_p] + [t.b for t in down])))
        check(within_one_step(final, expected_down),
              f"KeyedWork ends the low load within one alignment step of {expected_down}", final)
        if down:
            check(any(d[1] >= lowered_wall - args.scale_down_interval - 15 for d in w.delayed),
                  "before the scale-down flinkscaler's status said 'scale-down ... delayed until ... "
                  "(scale-down.interval)' for KeyedWork", [d[2] for d in w.delayed] or "never")

        # --- Every rescale in Flink's REST, the events, the log and /metrics. ----------------
        deadline = time.monotonic() + 3 * args.poll + 10
        while time.monotonic() < deadline and w.transitions and w.transitions[-1].metric_seen is None:
            w.poll()
            time.sleep(1)
        events = db_events(daemon.db, key)
        with open(os.path.join(workdir, "events.json"), "w") as f:
            json.dump(events, f, indent=1)
        log = daemon.log_text()
        reports = re.findall(rf"scaling report for job '{JOB_NAME}' \({re.escape(key)}\): scaled", log)
        n_reports = sum(e["count"] for e in events if e["reason"] == "ScalingReport" and keyed_id in e["message"])
        n_applied = sum(e["count"] for e in events if e["reason"] == "RescaleApplied")
        trs = w.transitions
        check(n_reports == len(trs) and n_applied == len(trs) and len(reports) == len(trs),
              f"one ScalingReport event, one RescaleApplied event and one 'scaling report ... scaled' log "
              f"block per rescale ({len(trs)} landed in Flink)",
              f"{n_reports} ScalingReport, {n_applied} RescaleApplied, {len(reports)} log blocks")
        for i, tr in enumerate(trs):
            what = f"rescale {tr.a} -> {tr.b} (landed at +{tr.t:.0f}s)"
            check(tr.upper_bound == tr.b, f"{what}: resource-requirements upperBound of KeyedWork is {tr.b}",
                  tr.upper_bound)
            check(any(e["reason"] == "ScalingReport" and report_rows(e, keyed_id, tr.a, tr.b) for e in events),
                  f"{what}: a ScalingReport event 'Vertex ID {keyed_id[:8]}... | Parallelism {tr.a} -> {tr.b}'",
                  [e["message"][-120:] for e in events if e["reason"] == "ScalingReport"])
            check(any(e["reason"] == "RescaleApplied" and applied_rows(e, keyed_id, tr.b) for e in events),
                  f"{what}: a RescaleApplied event with '{keyed_id[:8]}...: [1, {tr.b}]'",
                  [e["message"][-80:] for e in events if e["reason"] == "RescaleApplied"])
            row = re.search(rf"^\s+{KEYED} \({keyed_id[:8]}\)\s+{tr.a} -> {tr.b}\s.*$", log, re.M)
            check(row, f"{what}: a log report row 'KeyedWork ({keyed_id[:8]})  {tr.a} -> {tr.b}'")
            if row and i == n_up:
                check("largest scale-down recommendation of the last scale-down.interval" in row.group(0),
                      f"{what}: the report gives the delayed scale-down's reason", row.group(0).strip())
            check(tr.metric_seen is not None,
                  f"{what}: /metrics flinkscaler_vertex_parallelism of KeyedWork showed {tr.b}",
                  metric_parallelism(daemon.metrics(), keyed_id))
        run2 = [e for e in events if e["id"] > first_id_run2 and e["reason"] == "RescaleApplied"]
        mr = metric_rescales_applied(daemon.metrics())
        check(mr == sum(e["count"] for e in run2),
              f"/metrics flinkscaler_rescales_total{{result=\"applied\"}} of the second daemon run equals its "
              f"RescaleApplied events ({sum(e['count'] for e in run2)})", mr)
        mark(f"{len(trs)} rescale(s), each seen in Flink REST, events, log and /metrics: " +
             ", ".join(f"{t.a} -> {t.b}" for t in trs))
        check(len(w.window_not_full_after_decided) >= 2 and not w.window_regressions,
              "no pass after the first full window of a job run was reported 'window not full' "
              f"({len(w.window_not_full_after_decided)} run(s) watched after their first decision)",
              w.window_regressions)
        return h, daemon
    except BaseException:
        try:
            if daemon:
                daemon.stop()
        finally:
            h.stop()
        raise


def clean_workdir(workdir):
    """A reused work folder (meson test's) must not hand this run the last run's state."""
    for name in os.listdir(workdir):
        if name in ("flinkscaler.yaml", "flinkscaler.log", "harness.log", "probe.txt", "events.json") or \
                name.startswith(("state.db", "harness-info.json")):
            os.remove(os.path.join(workdir, name))


def on_sigterm(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flinkscaler", default=os.path.join(REPO, "build", "src", "cli", "flinkscaler"),
                    help="the daemon binary (default: build/src/cli/flinkscaler)")
    ap.add_argument("--flink-version", default="1.20.5")
    ap.add_argument("--maven-repo", default=os.environ.get("FLINKSCALER_MAVEN_REPO") or "~/.m2/repository",
                    help="Maven local repository, kept between runs (default: $FLINKSCALER_MAVEN_REPO, "
                         "else ~/.m2/repository)")
    ap.add_argument("--harness-build-dir", default=os.path.join(HARNESS, "target"),
                    help="where Maven builds the harness (one sub-folder per Flink version)")
    ap.add_argument("--workdir", help="keep logs, config and state here (default: a new temporary folder)")
    ap.add_argument("--rest-port", type=int, default=0, help="Flink REST port (0: a free one)")
    ap.add_argument("--taskmanagers", type=int, default=2)
    ap.add_argument("--slots", type=int, default=4)
    ap.add_argument("--work-us", type=int, default=1000, help="sleep per record in KeyedWork")
    ap.add_argument("--low-rate", type=float, default=200, help="load before the test, records/s")
    ap.add_argument("--high-factor", type=float, default=3.0,
                    help="high load as a multiple of one KeyedWork subtask's capacity")
    ap.add_argument("--low-factor", type=float, default=0.5,
                    help="load after the scale-up, multiple of one subtask's capacity")
    ap.add_argument("--target", type=float, default=0.7, help="job.autoscaler.target.utilization")
    ap.add_argument("--poll", type=int, default=5)
    ap.add_argument("--window", type=int, default=60)
    ap.add_argument("--stabilization", type=int, default=20)
    ap.add_argument("--scale-down-interval", type=int, default=30)
    ap.add_argument("--flink-cooldown", type=int, default=10,
                    help="adaptive scheduler cooldown after a rescale, seconds")
    ap.add_argument("--calibrate", type=int, default=15, help="seconds to measure the cost per record")
    ap.add_argument("--settle", type=int, default=110,
                    help="seconds under high load after the last scale-up landed, for a possible second one")
    ap.add_argument("--scale-up-timeout", type=int, default=300)
    ap.add_argument("--scale-down-timeout", type=int, default=300)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, on_sigterm)

    args.flinkscaler = os.path.abspath(args.flinkscaler)
    if not os.access(args.flinkscaler, os.X_OK):
        raise SystemExit(f"no flinkscaler binary at {args.flinkscaler} (build it, or pass --flinkscaler)")
    for tool in ("java", "mvn"):
        if not shutil.which(tool):
            raise SystemExit(f"FAILED: {tool} not found on PATH: {INSTALL_HINT}")
    major = java_major()
    if major is None or major < 17:
        raise SystemExit(f"FAILED: java is version {major}, expected 17 or later: {INSTALL_HINT}")
    workdir = os.path.abspath(args.workdir or tempfile.mkdtemp(prefix="flinkscaler-e2e-"))
    os.makedirs(workdir, exist_ok=True)
    clean_workdir(workdir)
    say(f"Flink {args.flink_version}, work folder {workdir}")
    try:
        scenario(args, workdir)
    except SystemExit as e:
        FAILURES.append(f"the run stopped: {e.code}")
    finally:
        if RUN.get("daemon"):
            RUN["daemon"].stop()
        if RUN.get("harness"):
            RUN["harness"].stop()
    h, daemon = RUN.get("harness"), RUN.get("daemon")
    print("\ntimeline:")
    for t, msg in TIMELINE:
        print(f"  +{t:5.0f}s  {msg}")
    if FAILURES:
        print(f"\n{len(FAILURES)} check(s) failed:", *("  - " + f for f in FAILURES), sep="\n")
        if daemon:
            print("\n--- flinkscaler log (tail) ---\n" + tail(daemon.log_path, 80))
        if h:
            print("--- harness log (tail) ---\n" + tail(h.log_path, 40))
        print(f"logs, config and state kept in {workdir}")
        return 1
    print(f"\nall checks passed in {now():.0f} s; logs, config and state in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
