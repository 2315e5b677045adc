#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end test of flinkscaler against a real Flink (issue 5).

Builds tests/e2e/harness (Maven), starts a Flink MiniCluster with the adaptive scheduler running
"Source: load" -> KeyedWork (a sleep per record) -> "discard: Writer", starts `flinkscaler run`
against its REST endpoint, raises the load to about 3x what one KeyedWork subtask handles, waits
for the scale-up in Flink's REST, restarts the daemon, lowers the load, waits for the scale-down,
and checks the state database, the log's scaling reports and the status endpoint.

    tests/e2e/run_e2e.py --flinkscaler build/src/cli/flinkscaler [--flink-version 1.20.5]

Exits 0 when every check passed; otherwise 1 with the failed checks and the log tails.
Only python3's standard library; needs java 17+ and mvn. See tests/e2e/README.md.
"""

import argparse
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

T0 = time.monotonic()
TIMELINE = []
FAILURES = []


def now():
    return time.monotonic() - T0


def say(msg):
    print(f"[e2e {now():6.0f}s] {msg}", flush=True)


def mark(msg):
    TIMELINE.append((now(), msg))
    say(msg)


def check(cond, what):
    if cond:
        say(f"ok: {what}")
    else:
        FAILURES.append(what)
        say(f"FAILED: {what}")
    return cond


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


# ---------------------------------------------------------------------------------------------
# Harness (Flink) side


def build_harness(args):
    repo_local = os.path.expanduser(args.maven_repo)
    base = ["mvn", "-B", "-q", f"-Dmaven.repo.local={repo_local}",
            f"-Dflink.version={args.flink_version}", "-f", os.path.join(HARNESS, "pom.xml"),
            "package"]
    lib = os.path.join(HARNESS, "target", f"flink-{args.flink_version}", "lib")
    start = time.monotonic()
    # Offline first (no network round trips once the local repository is filled), online if
    # something is missing.
    r = subprocess.run(base[:3] + ["-o"] + base[3:], capture_output=True, text=True)
    mode = "offline"
    if r.returncode != 0:
        say("offline Maven build failed (first run?); building online, downloading into " + repo_local)
        r = subprocess.run(base, capture_output=True, text=True)
        mode = "online"
    if r.returncode != 0:
        print(r.stdout[-5000:], r.stderr[-5000:], file=sys.stderr)
        raise SystemExit(f"harness build failed (mvn exit {r.returncode})")
    mark(f"harness built for Flink {args.flink_version} ({mode}, {time.monotonic() - start:.0f} s)")
    classes = os.path.join(HARNESS, "target", f"flink-{args.flink_version}", "classes")
    return f"{classes}:{lib}/*"


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
                                     start_new_session=True)
        deadline = time.monotonic() + 180
        while not os.path.exists(self.info_file):
            if self.proc.poll() is not None:
                raise SystemExit("the harness exited early:\n" + tail(self.log_path))
            if time.monotonic() > deadline:
                raise SystemExit("the harness did not come up in 180 s:\n" + tail(self.log_path))
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


def wait_running(h, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running(h.job()):
            return True
        time.sleep(1)
    return False


def measure_cost(h, keyed_id, seconds=15):
    """Microseconds of busy time per record of KeyedWork, from the subtask counters
    (accumulateBusyTimeMs and numRecordsIn), over `seconds` once both are reported."""
    def sample():
        m = try_json(f"{h.rest}/jobs/{h.jid}/vertices/{keyed_id}/subtasks/metrics"
                     "?get=accumulateBusyTimeMs,numRecordsIn") or []
        vals = {x["id"]: x.get("sum") for x in m}
        b, n = vals.get("accumulateBusyTimeMs"), vals.get("numRecordsIn")
        return (b, n) if b is not None and n else None
    deadline = time.monotonic() + 60 + seconds
    first = last = None
    while time.monotonic() < deadline:
        s = sample()
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


def aligned(n):
    """flinkscaler's default alignment (job.autoscaler.scaling.parallelism-alignment.mode:
    BALANCED) for a vertex with a keyed input: the first q >= n that divides the max parallelism
    or gives each subtask fewer key groups than n does (so 6 -> 7 with 128 key groups)."""
    for q in range(max(1, n), MAX_PARALLELISM + 1):
        if MAX_PARALLELISM % q == 0 or MAX_PARALLELISM // q < MAX_PARALLELISM // n:
            return q
    return MAX_PARALLELISM


def steps():
    """The parallelisms BALANCED alignment can produce: one per distinct key-group share."""
    return sorted({aligned(n) for n in range(1, MAX_PARALLELISM + 1)})


def within_one_step(actual, expected):
    s = steps()
    if actual not in s or expected not in s:
        return abs(actual - expected) <= 1
    return abs(s.index(actual) - s.index(expected)) <= 1


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
  job.autoscaler.restart.time: 10s
  job.autoscaler.catch-up.duration: 5min
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
                                  scale_down=args.scale_down_interval, cluster=CLUSTER, url=url))
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
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("flinkscaler exited at start:\n" + tail(self.log_path))
            try:
                if http(f"{self.status}/readyz", timeout=2).startswith("ready"):
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.5)
        raise SystemExit("flinkscaler not ready within 30 s:\n" + tail(self.log_path))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def job(self, jid):
        return try_json(f"{self.status}/api/v1/jobs/{CLUSTER}%2F{jid}")

    def metrics(self):
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


# ---------------------------------------------------------------------------------------------
# The scenario


class Watch:
    """Polls Flink REST and records every parallelism change as it lands."""

    def __init__(self, h, daemon):
        self.h = h
        self.daemon = daemon
        self.last = None
        self.history = []          # (t, {name: parallelism}) of each running configuration
        self.upper = {}

    def poll(self):
        job = self.h.job()
        if not running(job):
            return None
        p = parallelisms(job)
        if p != self.last:
            if self.last is not None:
                changes = ", ".join(f"{n} {self.last.get(n)} -> {v}" for n, v in p.items()
                                    if self.last.get(n) != v)
                mark(f"Flink REST: {changes} (job RUNNING again)")
            self.last = p
            self.history.append((now(), p))
        return job

    def wait(self, cond, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.poll()
            if job is not None and cond(job):
                return job
            if self.daemon.proc and self.daemon.proc.poll() is not None:
                check(False, f"flinkscaler is still running while waiting for {what}")
                return None
            time.sleep(2)
        return None

    def sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.poll()
            time.sleep(2)


def scenario(args, workdir):
    classpath = build_harness(args)
    h = Harness(args, workdir, classpath)
    daemon = None
    try:
        mark(f"Flink {h.info['flink_version']} MiniCluster up: REST {h.rest}, job {h.jid}, "
             f"{args.taskmanagers} TM x {args.slots} slots")
        if not check(wait_running(h), "the job reaches RUNNING"):
            return h, daemon
        job = h.job()
        ids = {v["name"]: v["id"] for v in job["vertices"]}
        keyed_id = ids[KEYED]
        mark("job RUNNING: " + ", ".join(f"{n} ({i[:8]}) p={p}" for (n, i), p in
                                         zip(ids.items(), parallelisms(job).values())))
        rr = h.requirements()
        check(rr is not None and set(rr) == set(ids.values()),
              "GET /jobs/:jid/resource-requirements lists every vertex (adaptive scheduler)")

        # The probe, as an operator would run it first.
        # Right after RUNNING the JobManager has no task metrics yet (the probe then says
        # "required metric(s) not reported"): retry for a while.
        deadline = time.monotonic() + 60
        while True:
            probe = subprocess.run([args.flinkscaler, "probe", h.rest], capture_output=True,
                                   text=True, timeout=60)
            if (probe.returncode == 0 and "error:" not in probe.stdout) or time.monotonic() > deadline:
                break
            time.sleep(2)
        mark(f"flinkscaler probe: exit {probe.returncode}")
        with open(os.path.join(workdir, "probe.txt"), "w") as f:
            f.write(probe.stdout + probe.stderr)
        check(probe.returncode == 0 and re.search(r"scheduler: adaptive \(in-place rescaling possible\)",
                                                 probe.stdout),
              "flinkscaler probe reports the adaptive scheduler")
        check(all(n in probe.stdout for n in ids), "flinkscaler probe shows every vertex")

        cost = measure_cost(h, keyed_id, seconds=args.calibrate)
        if cost is None or cost <= 0:
            cost = float(args.work_us)
            say(f"could not measure the cost per record; assuming {cost:.0f} µs")
        capacity = 1e6 / cost
        high = args.high_factor * capacity
        raw = math.ceil(high / (capacity * args.target))
        expected = aligned(raw)
        mark(f"KeyedWork: {cost:.0f} µs busy per record -> one subtask handles ~{capacity:.0f} rec/s; "
             f"high load {high:.0f} rec/s needs {raw} at utilization {args.target} -> expect {expected}")

        daemon = Daemon(args, workdir, h.rest)
        daemon.start()
        mark(f"flinkscaler started (status {daemon.status}, state {daemon.db})")
        h.set_rate(high)
        mark(f"load raised to {high:.0f} rec/s")

        w = Watch(h, daemon)
        w.poll()
        job = w.wait(lambda j: parallelisms(j)[KEYED] > 1, args.scale_up_timeout, "the scale-up")
        if not check(job is not None, f"KeyedWork scales up within {args.scale_up_timeout} s"):
            return h, daemon
        rr = h.requirements() or {}
        check(rr.get(keyed_id, {}).get("parallelism", {}).get("upperBound") == parallelisms(job)[KEYED],
              "resource-requirements upperBound of KeyedWork equals its running parallelism")

        # Restart the daemon while the load is still high: the history must survive.
        events_before = db_events(daemon.db, f"{CLUSTER}/{h.jid}")
        w.sleep(5)
        rc = daemon.stop()
        mark(f"flinkscaler stopped (exit {rc}) with {len(events_before)} event row(s) in the state database")
        check(rc == 0, "flinkscaler exits 0 on SIGTERM")
        w.sleep(3)
        daemon.start()
        mark("flinkscaler restarted on the same state database")
        st = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not st:
            st = daemon.job(h.jid)
            time.sleep(1)
        hist = (st or {}).get("scaling_history", {}).get(keyed_id, {})
        check(len(hist) >= 1, "after the restart the status endpoint still has KeyedWork's scaling history")
        ev_after = db_events(daemon.db, f"{CLUSTER}/{h.jid}")
        check(len(ev_after) >= len(events_before) and
              [e["id"] for e in events_before] == [e["id"] for e in ev_after[:len(events_before)]],
              "after the restart the event rows of the first run are still there")

        # Let a possible second rescale happen while the load stays high.
        w.sleep(args.settle)
        high_p = w.last[KEYED]
        keyed_values = []
        for _, p in w.history:
            if not keyed_values or keyed_values[-1] != p[KEYED]:
                keyed_values.append(p[KEYED])
        mark(f"high load settled: KeyedWork {' -> '.join(map(str, keyed_values))}")
        check(len(keyed_values) - 1 <= 2, f"at most two rescales of KeyedWork under high load "
              f"(saw {len(keyed_values) - 1})")
        check(within_one_step(high_p, expected),
              f"KeyedWork ends at {high_p}, within one step of the expected {expected}")
        others = {n for _, p in w.history for n, v in p.items() if n != KEYED and v != 1}
        check(not others, f"the other vertices stay at 1 (changed: {sorted(others) or 'none'})")
        ld = h.load() or {}
        say(f"load: {ld}")

        # Lower the load: scale-down.
        low = args.low_factor * capacity
        h.set_rate(low)
        mark(f"load lowered to {low:.0f} rec/s")
        job = w.wait(lambda j: parallelisms(j)[KEYED] < high_p, args.scale_down_timeout, "the scale-down")
        check(job is not None, f"KeyedWork scales down within {args.scale_down_timeout} s")
        w.sleep(5)

        # The daemon's own records.
        key = f"{CLUSTER}/{h.jid}"
        events = db_events(daemon.db, key)
        reasons = [e["reason"] for e in events]
        check("ScalingReport" in reasons, "the event table has ScalingReport rows")
        check("RescaleApplied" in reasons, "the event table has RescaleApplied rows")
        # A requested rescale takes a while to land (the 1.19+ cooldown, 2.x waits for a
        # checkpoint): the daemon must not decide the same change again meanwhile.
        ups = [e for e in events if e["reason"] == "ScalingReport" and
               re.search(rf"Vertex ID {keyed_id} \| Parallelism 1 -> ", e["message"])]
        check(len(ups) == 1, f"one ScalingReport for KeyedWork's scale-up from 1 (found {len(ups)}: "
              "the same change decided again while the rescale was pending)" if len(ups) != 1 else
              "one ScalingReport for KeyedWork's scale-up from 1")
        log = daemon.log_text()
        reports = re.findall(rf"scaling report for job '{JOB_NAME}' \({re.escape(key)}\): scaled", log)
        check(len(reports) >= 2, f"the log has 'scaling report ... scaled' blocks (found {len(reports)})")
        check(re.search(rf"{KEYED} \({keyed_id[:8]}\)\s+1 -> \d+", log),
              f"a scaling report row 'KeyedWork ({keyed_id[:8]})  1 -> N'")
        final = w.last[KEYED]
        mp = None
        deadline = time.monotonic() + 3 * args.poll + 5
        while time.monotonic() < deadline:
            mp = metric_parallelism(daemon.metrics(), keyed_id)
            if mp == final:
                break
            time.sleep(1)
        check(mp == final, f"/metrics flinkscaler_vertex_parallelism of KeyedWork is {mp}, Flink says {final}")
        with open(os.path.join(workdir, "events.json"), "w") as f:
            json.dump(events, f, indent=1)
        return h, daemon
    except BaseException:
        try:
            if daemon:
                daemon.stop()
        finally:
            h.stop()
        raise


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flinkscaler", default=os.path.join(REPO, "build", "src", "cli", "flinkscaler"),
                    help="the daemon binary (default: build/src/cli/flinkscaler)")
    ap.add_argument("--flink-version", default="1.20.5")
    ap.add_argument("--maven-repo", default=os.environ.get("E2E_MAVEN_REPO", "~/.m2/repository"),
                    help="Maven local repository (kept between runs)")
    ap.add_argument("--workdir", help="keep logs, config and state here (default: a temporary folder, "
                    "kept on failure)")
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
    ap.add_argument("--settle", type=int, default=100,
                    help="seconds under high load after the scale-up, for a possible second rescale")
    ap.add_argument("--scale-up-timeout", type=int, default=300)
    ap.add_argument("--scale-down-timeout", type=int, default=300)
    args = ap.parse_args()

    if not os.access(args.flinkscaler, os.X_OK):
        raise SystemExit(f"no flinkscaler binary at {args.flinkscaler} (build it, or pass --flinkscaler)")
    for tool in ("java", "mvn"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} not found (tests/e2e needs Java 17+ and Maven)")
    workdir = args.workdir or tempfile.mkdtemp(prefix="flinkscaler-e2e-")
    os.makedirs(workdir, exist_ok=True)
    say(f"work folder {workdir}")
    h = daemon = None
    try:
        h, daemon = scenario(args, workdir)
    finally:
        if daemon:
            daemon.stop()
        if h:
            h.stop()
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
    print(f"\nall checks passed; logs, config and state in {workdir}")
    if not args.workdir:
        pass  # keep the folder: it is small and useful; tmp cleaners take it
    return 0


if __name__ == "__main__":
    sys.exit(main())
