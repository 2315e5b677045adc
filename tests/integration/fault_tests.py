#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Fault tests of the daemon's one invariant (issue 11, docs/reliability.md):

    every parallelism flinkscaler sends to Flink was first durably committed.

    fault_tests.py CASE --flinkscaler PATH --flink-sim PATH [--keep]

Cases (each one meson test of suite 'integration', tests/integration/meson.build):

  full-disk-sends-nothing-uncommitted
      The state database lives on a 2 MiB tmpfs of its own (a user + mount namespace made with
      `unshare`, so no root is needed); the test fills it while the job's metric window fills.
      No decision can be committed, so nothing may reach Flink; the job shows store_unavailable,
      /readyz answers 503 with the reason, flinkscaler_state_store_writable is 0, and the log says
      it once, not on every pass. Freeing the space recovers by itself: the decision is committed,
      then sent.

  crash-kills-lose-nothing
      The daemon is SIGKILLed at random moments, many times, while several jobs on short windows
      decide often (and the disk is full for a while once). After every restart the database
      passes PRAGMA integrity_check, no committed event row is lost, and every parallelism the
      simulator received in a rescale PUT has a committed ScalingReport event row of that job
      (compared with the simulator's request log). It prints its figures.

Helpers (processes, configs) are daemon_tests.py's.
"""
import json
import os
import random
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_tests as dt  # noqa: E402
from daemon_tests import check, say, wait_until  # noqa: E402


# ---------------------------------------------------------------------------------------------
# A state folder on a small file system of its own


class SmallDisk:
    """A tmpfs of `size` mounted over `folder` in a user + mount namespace of its own, held open
    by a `sleep` (so it outlives the daemons that are killed in it). Daemons run inside it
    (`wrapper`: nsenter ends in exec, so the process is the daemon); the test fills and frees it
    there, and reads the database through /proc/HOLDER/root (the tmpfs is invisible outside)."""

    def __init__(self, folder, size="2m"):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        self.holder = subprocess.Popen(
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
             f'mount -t tmpfs -o size={size} tmpfs "$0" && echo mounted && exec sleep 3600', folder],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.holder.stdout.readline().strip()
        if line != "mounted":
            self.holder.kill()
            raise dt.Failure("this test needs user and mount namespaces (unshare --user --map-root-user --mount) "
                             f"to mount a small tmpfs: {line!r} {self.holder.stderr.read()[:500]!r}")
        self.wrapper = ["nsenter", "--target", str(self.holder.pid), "--user", "--mount", "--preserve-credentials",
                        "--"]

    def run(self, script):
        return subprocess.run([*self.wrapper, "sh", "-c", script], capture_output=True, text=True)

    def fill(self):
        # cat stops at ENOSPC; what is left is less than a page.
        self.run(f'cat /dev/zero > "{self.folder}/filler" 2>/dev/null; sync')
        df = self.run(f'df -k "{self.folder}" | tail -1').stdout.split()
        say(f"state disk filled: {df[2] if len(df) > 3 else '?'} kB used, {df[3] if len(df) > 3 else '?'} kB free")

    def free(self):
        self.run(f'rm -f "{self.folder}/filler"')

    def query(self, db, sql, params=()):
        """Rows of a read-only query of a database on the tmpfs, run inside the namespace (SQLite
        resolves /proc/PID/root like an ordinary symbolic link, so it cannot be read from outside)."""
        script = ("import json, sqlite3, sys\n"
                  "conn = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True, timeout=10)\n"
                  "print(json.dumps(conn.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()))\n")
        done = subprocess.run([*self.wrapper, sys.executable, "-c", script, db, sql, json.dumps(list(params))],
                              capture_output=True, text=True)
        check(done.returncode == 0, f"query {sql!r} of {db}: {done.stderr.strip()[-500:]}")
        return [tuple(row) for row in json.loads(done.stdout)]

    def close(self):
        dt.stop_process(self.holder, "the small disk's namespace holder", timeout=5)


def put_requests(sim):
    """[(wall time seen, job id, {vertex id: upper bound}, status)] of the rescale PUTs in the
    simulator's request log (flink-sim --log-requests writes the body on the line)."""
    out = []
    for line in dt.read_text(sim.log_path).splitlines():
        m = re.match(r"\[[^\]]*\] PUT /(?:v1/)?jobs/([0-9a-f]{32})/resource-requirements -> (\d+) body=(.*)$", line)
        if m:
            body = json.loads(m.group(3))
            out.append((m.group(1), {vid: r["parallelism"]["upperBound"] for vid, r in body.items()},
                        int(m.group(2))))
    return out


# ---------------------------------------------------------------------------------------------
# full-disk-sends-nothing-uncommitted


def case_full_disk_sends_nothing_uncommitted(case):
    """daemon-one-job.yaml: KeyedAggregate 2 -> 8 is decided once the 20 s window is full."""
    sim = case.sim("daemon-one-job.yaml", 1, extra_args=["--log-requests"])
    disk = SmallDisk(os.path.join(case.dir, "state"))
    try:
        full_disk(case, sim, disk)
    finally:
        disk.close()


def full_disk(case, sim, disk):
    db = os.path.join(disk.folder, "state.db")
    config = os.path.join(case.dir, "flinkscaler.yaml")
    dt.write(config, dt.daemon_config(case.dir, [("solo", sim.urls[0], {})], service={"state-database": db}))
    d = case.daemon(config, wrapper=disk.wrapper)
    case.dump("simulator solo orders-keyed", lambda: sim.job_view(0, dt.SOLO_JOB))
    case.dump("rescale PUTs", lambda: put_requests(sim))
    d.wait_ready()
    started = d.started

    # Fill the disk after the first passes, well before the window is full (20 s).
    wait_until(lambda: (d.job(dt.SOLO_KEY) or {}).get("last_pass"), 20, "the first pass")
    disk.fill()
    filled_at = time.time()
    check(filled_at - started < 15, f"the disk was filled {filled_at - started:.0f} s after the start: too late")

    job = wait_until(lambda: (lambda j: j if j and j["phase"] == "store_unavailable" else None)(d.job(dt.SOLO_KEY)),
                     20, "the job to show store_unavailable")
    say(f"store_unavailable after {time.time() - filled_at:.1f} s: {job['last_error']!r}")
    check("state store" in job["last_error"], f"last_error: {job['last_error']!r}")
    status, body = dt.http_get(d.url("/readyz"))
    check(status == 503 and "cannot write" in body, f"/readyz answered {status}: {body!r}")
    check(dt.metric_value(d.metrics(), "flinkscaler_state_store_writable") == 0,
          "flinkscaler_state_store_writable is not 0")

    # Stay full until long after the window would have been full: no decision can be committed,
    # so nothing may reach Flink.
    while time.time() < started + 45:
        time.sleep(1)
        check(not put_requests(sim), f"a rescale reached Flink while the store could not write: {put_requests(sim)}")
    check((sim.vertex_parallelism(0, dt.SOLO_JOB) or {}).get("KeyedAggregate") == 2,
          "KeyedAggregate changed while the store could not write")
    failures = [l for l in d.log().splitlines() if "state store: cannot" in l]
    say(f"{len(failures)} log line(s) about the failing store in {time.time() - filled_at:.0f} s")
    check(1 <= len(failures) <= 2, f"the failing store was logged {len(failures)} times (folded: once per "
                                   f"scaling.event.interval): {failures[:5]}")

    disk.free()
    freed_at = time.time()
    wait_until(lambda: (sim.vertex_parallelism(0, dt.SOLO_JOB) or {}).get("KeyedAggregate") == 8, 40,
               "the scale-up of KeyedAggregate to 8 once the store writes again")
    say(f"scaled up {time.time() - freed_at:.1f} s after the space came back")
    wait_until(lambda: dt.http_get(d.url("/readyz"))[0] == 200, 20, "/readyz to answer 200 again")
    check(dt.metric_value(d.metrics(), "flinkscaler_state_store_writable") == 1,
          "flinkscaler_state_store_writable is not 1 again")
    check(re.search(r"the state store writes again", d.log()), "the recovery is not in the log")

    # What reached Flink was committed: the decision's ScalingReport row names the new parallelism.
    puts = put_requests(sim)
    check(len(puts) == 1 and puts[0][1].get(dt.SOLO_KEYED) == 8, f"rescale PUTs: {puts}")
    events = disk.query(db, "SELECT reason, message FROM event WHERE job_key = ? ORDER BY id", (dt.SOLO_KEY,))
    reports = [m for r, m in events if r == "ScalingReport"]
    check(len(reports) == 1 and "Parallelism 2 -> 8" in reports[0], f"ScalingReport rows: {reports}")
    check(sum(1 for r, _ in events if r == "RescaleApplied") == 1, f"events: {events}")
    d.stop_and_check()


# ---------------------------------------------------------------------------------------------
# crash-kills-lose-nothing

CRASH_KILLS = 100
CRASH_BUDGET_S = 170  # the kills stop here even if fewer were done
CRASH_OPTIONS = {
    "job.autoscaler.metrics.window": "5s",
    "job.autoscaler.stabilization.interval": "1s",
    "job.autoscaler.scale-down.interval": "0s",
    "job.autoscaler.scale-up.grace-period": "0s",
    "job.autoscaler.restart.time": "1s",
}


def scaling_reports(disk, db):
    """{job id: [message of each committed ScalingReport that rescaled]} and every event row id."""
    rows = disk.query(db, "SELECT id, job_key, reason, message FROM event ORDER BY id")
    reports = {}
    for _, key, reason, message in rows:
        if reason == "ScalingReport" and "Scaling execution enabled" in message:
            reports.setdefault(key.rsplit("/", 1)[1], []).append(message)
    return reports, {row[0] for row in rows}


def integrity_and_event_ids(disk, db):
    """PRAGMA integrity_check's answer ("ok" when sound) and every event row id, in one query."""
    rows = disk.query(db, "SELECT (SELECT group_concat(integrity_check, '; ') FROM pragma_integrity_check), id "
                          "FROM event UNION ALL SELECT (SELECT group_concat(integrity_check, '; ') "
                          "FROM pragma_integrity_check), NULL")
    return rows[0][0], {row[1] for row in rows if row[1] is not None}


def unrecorded_puts(puts, initial, reports):
    """The rescale PUTs that changed a vertex's upper bound without a committed ScalingReport of
    that job naming the vertex and that parallelism."""
    current = {job: dict(bounds) for job, bounds in initial.items()}
    missing = []
    for job, bounds, status in puts:
        for vertex, upper in bounds.items():
            if current.get(job, {}).get(vertex) == upper:
                continue
            pattern = re.compile(rf"Vertex ID {vertex} \| Parallelism \d+ -> {upper}\b")
            if not any(pattern.search(m) for m in reports.get(job, [])):
                missing.append((job, vertex, upper, status))
        if 200 <= status < 300:
            current.setdefault(job, {}).update(bounds)
    return missing


def case_crash_kills_lose_nothing(case):
    sim = case.sim("daemon-crash.yaml", 1, extra_args=["--log-requests"])
    disk = SmallDisk(os.path.join(case.dir, "state"), size="32m")
    try:
        crash_kills(case, sim, disk)
    finally:
        disk.close()


def crash_kills(case, sim, disk):
    jobs = [j["jid"] for j in sim.get(0, "/jobs/overview")["jobs"]]
    initial = {job: {v: b[1] for v, b in sim.requirements(0, job).items()} for job in jobs}
    db = os.path.join(disk.folder, "state.db")
    config = os.path.join(case.dir, "flinkscaler.yaml")
    dt.write(config, dt.daemon_config(case.dir, [("churn", sim.urls[0], {})], service={"state-database": db},
                                      defaults=CRASH_OPTIONS))
    rng = random.Random(20261207)
    seen_rows = set()
    kills = refused_starts = 0
    full_from, full_until = CRASH_KILLS * 2 // 5, CRASH_KILLS * 11 // 20  # kills 40..55: the disk is full
    started = time.time()
    case.dump("rescale PUTs", lambda: put_requests(sim))
    while kills < CRASH_KILLS and time.time() - started < CRASH_BUDGET_S:
        if kills == full_from:
            disk.fill()
        if kills == full_until:
            disk.free()
            say("state disk freed")
        d = dt.Daemon(case.args.flinkscaler, config, case.dir, (), f"life{kills + 1:03d}", disk.wrapper)
        case.daemons[:] = [d]  # only the current life is cleaned up and explained
        opened = wait_until(lambda: "state store open" in d.log() or d.proc.poll() is not None, 20,
                            "the daemon to open its store (or exit)")
        if d.proc.poll() is not None:
            # Allowed only while the disk is full (a store that cannot be opened for writing).
            refused_starts += 1
            check(full_from <= kills < full_until, f"life {kills + 1} exited with {d.proc.returncode}: "
                                                   f"{d.log()[-1500:]}")
            d.kill()
            kills += 1
            continue
        assert opened
        integrity, rows = integrity_and_event_ids(disk, db)
        check(integrity == "ok", f"integrity_check after restart {kills}: {integrity}")
        lost = seen_rows - rows
        check(not lost, f"{len(lost)} committed event row(s) lost after restart {kills}: {sorted(lost)[:10]}")
        seen_rows = rows
        time.sleep(rng.uniform(0.2, 1.6))
        d.kill9()
        kills += 1
    elapsed = time.time() - started

    # One last life that ends with SIGTERM, then the invariant over the whole run.
    d = dt.Daemon(case.args.flinkscaler, config, case.dir, (), "last", disk.wrapper)
    case.daemons[:] = [d]
    d.wait_ready()
    time.sleep(3)
    d.stop_and_check()
    check(disk.query(db, "PRAGMA integrity_check") == [("ok",)], "integrity_check at the end")
    reports, rows = scaling_reports(disk, db)
    check(not (seen_rows - rows), f"committed event rows lost at the end: {sorted(seen_rows - rows)[:10]}")
    puts = put_requests(sim)
    changed = sum(1 for job, bounds, status in puts if 200 <= status < 300)
    missing = unrecorded_puts(puts, initial, reports)
    passes = sum(len(re.findall(r"^.*scaling report for job", dt.read_text(os.path.join(case.dir, f)), re.M))
                 for f in os.listdir(case.dir) if f.startswith("life") and f.endswith(".log"))
    recorded = sum(len(m) for m in reports.values())
    say(f"crash test: {kills} SIGKILLs in {elapsed:.0f} s ({refused_starts} start(s) refused while the disk was "
        f"full), {passes} scaling reports logged, {len(puts)} rescale PUTs seen by the simulator ({changed} accepted), "
        f"{recorded} rescales recorded, {len(missing)} PUT change(s) without a committed record, "
        f"committed event rows lost: 0")
    check(len(puts) >= 10, f"only {len(puts)} rescale PUTs: the test did not exercise rescales")
    check(kills >= CRASH_KILLS * 0.9, f"only {kills} kills in {elapsed:.0f} s")
    check(not missing, f"parallelism sent to Flink without a committed ScalingReport: {missing[:10]}")


CASES = {
    "crash-kills-lose-nothing": case_crash_kills_lose_nothing,
    "full-disk-sends-nothing-uncommitted": case_full_disk_sends_nothing_uncommitted,
}


if __name__ == "__main__":
    dt.main(CASES, __doc__)
