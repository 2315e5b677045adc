#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Black-box test of `flinkscaler export` (docs/replay-format.md, "Exporting what the daemon saw").
# Usage: export_tests.sh FLINKSCALER_BINARY FIXTURES_DIR
#
# No daemon is needed: a database like the daemon's is built with Python's sqlite3 from the
# store's own migrations (schema/sqlite/*.sql) and the rows the store writes (one jobInfo state row, one
# recorded_sample row per raw sample, see src/store/state_store.hpp). The samples are those of
# tests/fixtures/replay/load-step.json moved to end one minute ago, so --since is deterministic.
set -euo pipefail
bin=$1 fixtures=$2
schema=$(cd "$fixtures/../../schema/sqlite" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
out=$work/out err=$work/err
db=$work/state.db
job=example/9b2d1f0e8c7a6b5d4e3f2a1b0c9d8e7f

fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"; exit 1; }
expect_err() { grep -qF -- "$1" "$err" || fail "expected on stderr: $1"; }

# The database, and the same samples as a plain replay document for comparison.
python3 - "$fixtures/replay/load-step.json" "$schema" "$db" "$work/expected.json" "$job" <<'PY'
import json, sqlite3, sys, time
fixture, schema, db_path, expected_path, job_key = sys.argv[1:]
doc = json.load(open(fixture))
shift = int(time.time() * 1000) - 60_000 - doc["samples"][-1]["timestamp"]
doc["jobRunningSince"] += shift
for s in doc["samples"]:
    s["timestamp"] += shift
json.dump(doc, open(expected_path, "w"))

db = sqlite3.connect(db_path)
db.execute("PRAGMA journal_mode=WAL")
for version, name in [(1, "001_initial.sql"), (2, "002_samples.sql")]:
    db.executescript(open(f"{schema}/{name}").read())
    db.execute(f"PRAGMA user_version = {version}")
info = {"cluster": doc["job"]["cluster"], "jobId": doc["job"]["jobId"], "name": doc["job"]["name"],
        "options": doc["options"]}
db.execute("INSERT INTO state (update_time, job_key, state_type, state_value) VALUES (?, ?, 'jobInfo', ?)",
           (doc["samples"][0]["timestamp"], job_key, json.dumps(info)))
db.execute("INSERT INTO state (update_time, job_key, state_type, state_value) VALUES (?, ?, 'jobInfo', ?)",
           (doc["samples"][0]["timestamp"], "example/no-samples", json.dumps(info)))
for s in doc["samples"]:  # the document's samples made self-contained, as the store keeps them
    row = dict(s, jobRunningSince=doc["jobRunningSince"], topology=doc["topology"])
    db.execute("INSERT INTO recorded_sample (job_key, sample_time, value) VALUES (?, ?, ?)",
               (job_key, s["timestamp"], json.dumps(row)))
db.commit()
PY
before=$(sha256sum "$db")

# 1. The export replays exactly like the recording it came from (what-if included).
"$bin" export --database "$db" --job "$job" --out "$work/exported.json" >"$out" 2>"$err" || fail "exit status $?"
expect_err "exported 41 sample(s) of $job"
for args in "" "--set job.autoscaler.scaling.enabled=true"; do
    # shellcheck disable=SC2086
    "$bin" evaluate "$work/expected.json" $args >"$work/a" 2>"$err" || fail "evaluate of the recording failed"
    # shellcheck disable=SC2086
    "$bin" evaluate "$work/exported.json" $args >"$work/b" 2>"$err" || fail "evaluate of the export failed"
    diff "$work/a" "$work/b" >"$out" || fail "the export replays differently (evaluate $args)"
done
grep -qF "Parallelism 2 -> 7" "$work/a" || fail "the recording should lead to scaling the keyed stage 2 -> 7"

# 2. Standard output by default; --since keeps the last samples (one every 30 s).
"$bin" export --database "$db" --job "$job" --since "5 min" >"$out" 2>"$err" || fail "exit status $?"
python3 - "$out" <<'PY' || fail "unexpected document on stdout"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["formatVersion"] == 1 and doc["job"]["jobId"] == "9b2d1f0e8c7a6b5d4e3f2a1b0c9d8e7f", doc["job"]
assert len(doc["samples"]) in (8, 9), len(doc["samples"])  # samples 1 to 5 min old (the edge may move)
assert doc["options"]["job.autoscaler.metrics.window"] == "3 min"
PY

# 3. Nothing to export: clear messages, exit 1.
if "$bin" export --database "$db" --job example/unknown >"$out" 2>"$err"; then fail "unknown job exported"; fi
expect_err "unknown job example/unknown"
if "$bin" export --database "$db" --job example/no-samples >"$out" 2>"$err"; then fail "exported nothing"; fi
expect_err "job example/no-samples has no recorded samples"
if "$bin" export --database "$db" --job "$job" --since "1 s" >"$out" 2>"$err"; then fail "exported nothing"; fi
expect_err "job $job has no recorded samples since"
if "$bin" export --database "$db" --job "$job" --since soon >"$out" 2>"$err"; then fail "bad --since accepted"; fi
expect_err "--since soon"
if "$bin" export --database "$work/missing.db" --job "$job" >"$out" 2>"$err"; then fail "missing database"; fi
expect_err "$work/missing.db"
[ ! -e "$work/missing.db" ] || fail "export created a database"

# 4. Read-only beside a writer: an open write transaction (the daemon in a pass) does not block
# the export, and the export changes nothing.
python3 - "$db" "$bin" "$job" <<'PY' || fail "export blocked by a writer"
import sqlite3, subprocess, sys
db_path, binary, job = sys.argv[1:]
writer = sqlite3.connect(db_path, isolation_level=None)
writer.execute("BEGIN IMMEDIATE")
writer.execute("INSERT INTO event (create_time, update_time, job_key, reason, event_type, message, event_count, "
               "event_key) VALUES (0, 0, 'j', 'r', 'Normal', 'm', 1, 'k')")
result = subprocess.run([binary, "export", "--database", db_path, "--job", job], capture_output=True, timeout=20)
writer.execute("ROLLBACK")
assert result.returncode == 0, result.stderr
PY
[ "$(sha256sum "$db")" = "$before" ] || fail "export modified the database"

# 5. A database of an older schema is not migrated by a reader.
python3 - "$work/v1.db" "$schema" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript(open(sys.argv[2] + "/001_initial.sql").read())
db.execute("PRAGMA user_version = 1")
db.commit()
PY
if "$bin" export --database "$work/v1.db" --job "$job" >"$out" 2>"$err"; then fail "version-1 database exported"; fi
expect_err "schema version 1 is older"
echo "ok"
