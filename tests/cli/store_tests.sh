#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Black-box tests of the state store's guards (docs/state-store.md): `flinkscaler store check` and
# `store recover`, and `flinkscaler run` refusing a store another daemon holds or a damaged one.
# Usage: store_tests.sh TEST_NAME FLINKSCALER_BINARY FIXTURES_DIR
#
# The stores are built with Python's sqlite3 from the store's own migrations (schema/sqlite/*.sql)
# and rows as the store writes them (jobInfo state rows and recorded samples of
# tests/fixtures/replay/load-step.json), as export_tests.sh does. Every daemon started here talks
# to an unreachable cluster (127.0.0.1:9) and is bounded by `timeout`.
set -euo pipefail
name=$1 bin=$2 fixtures=$3
schema=$(cd "$fixtures/../../schema/sqlite" && pwd)
work=$(mktemp -d)
first_pid= lock_pid=
cleanup() {
    # `timeout` does not pass SIGKILL on: kill the daemon itself too.
    for pid in $first_pid $lock_pid; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
out=$work/out err=$work/err

fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"; exit 1; }
expect_out() { grep -qF -- "$1" "$out" || fail "expected on stdout: $1"; }
expect_err() { grep -qF -- "$1" "$err" || fail "expected on stderr: $1"; }

# make_store FILE JOBS: a store of JOBS jobs with job info and 41 recorded samples each.
make_store() {
    python3 - "$fixtures/replay/load-step.json" "$schema" "$1" "$2" <<'PY'
import json, sqlite3, sys
fixture, schema, db_path, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
doc = json.load(open(fixture))
db = sqlite3.connect(db_path)
for version, name in [(1, "001_initial.sql"), (2, "002_samples.sql")]:
    db.executescript(open(f"{schema}/{name}").read())
    db.execute(f"PRAGMA user_version = {version}")
for j in range(jobs):
    job_key = f"example/{j:032x}"
    info = {"cluster": "example", "jobId": f"{j:032x}", "name": f"job {j}", "options": doc["options"]}
    db.execute("INSERT INTO state (update_time, job_key, state_type, state_value) VALUES (?, ?, 'jobInfo', ?)",
               (doc["samples"][0]["timestamp"], job_key, json.dumps(info)))
    for s in doc["samples"]:
        row = dict(s, jobRunningSince=doc["jobRunningSince"], topology=doc["topology"])
        db.execute("INSERT INTO recorded_sample (job_key, sample_time, value) VALUES (?, ?, ?)",
                   (job_key, s["timestamp"], json.dumps(row)))
db.commit()
PY
}

# damage FILE: random bytes (seeded) over three pages in the middle of the file.
damage() {
    python3 - "$1" <<'PY'
import random, sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
page_size = int.from_bytes(data[16:18], "big")
pages = len(data) // page_size
assert pages > 20, pages
rng = random.Random(20261207)
for p in range(pages // 2, pages // 2 + 3):
    data[p * page_size:(p + 1) * page_size] = bytes(rng.randrange(256) for _ in range(page_size))
open(path, "wb").write(data)
PY
}

# write_config FILE DATABASE: a daemon config whose only cluster is unreachable.
write_config() {
    cat >"$1" <<EOF
service:
  poll-interval: 1s
  state-database: $2
  status-address: ""
clusters:
  - name: nowhere
    url: http://127.0.0.1:9
EOF
}

case $name in
store_check_reports_sound_and_damaged_stores)
    db=$work/state.db
    make_store "$db" 12
    "$bin" store check "$db" >"$out" 2>"$err" || fail "a sound store: exit status $?"
    expect_out "state store $db"
    expect_out "integrity check: ok"
    expect_out "schema version: 2 (this build: 2)"
    expect_out "table state: 12 row(s)"
    expect_out "table recorded_sample: 492 row(s)"
    expect_out "values decoded: 504, unreadable: 0"
    grep -qx "sound" "$out" || fail "expected the verdict 'sound'"
    # --config takes the path from the config (sqlite:PATH works as a location too).
    write_config "$work/fs.yaml" "$db"
    "$bin" store check --config "$work/fs.yaml" >"$out" 2>"$err" || fail "--config: exit status $?"
    expect_out "state store $db"
    "$bin" store check "sqlite:$db" >"$out" 2>"$err" || fail "sqlite:PATH: exit status $?"

    damage "$db"
    status=0
    "$bin" store check "$db" >"$out" 2>"$err" || status=$?
    [ "$status" -eq 1 ] || fail "a damaged store: exit status $status, expected 1"
    expect_out "NOT SOUND:"
    expect_out "  integrity check: "
    expect_err "$db is not sound; \`flinkscaler store recover\`"

    # Recover what is readable into a new store, which is sound and opens.
    "$bin" store recover "$db" --out "$work/new.db" >"$out" 2>"$err" || fail "recover: exit status $?"
    expect_out "recovered $db into $work/new.db"
    grep -qE "^table recorded_sample: [0-9]+ row\(s\) copied, [1-9][0-9]* skipped$" "$out" ||
        fail "expected copied and skipped recorded samples"
    expect_out "check of the new store:"
    grep -qx "sound" "$out" || fail "the new store should be sound"
    "$bin" store check "$work/new.db" >"$out" 2>"$err" || fail "check of the new store: exit status $?"
    status=0
    "$bin" store recover "$db" --out "$work/new.db" >"$out" 2>"$err" || status=$?
    [ "$status" -eq 1 ] || fail "recover over an existing file: exit status $status"
    expect_err "$work/new.db exists"
    ;;
store_usage_errors_exit_2)
    for args in "store" "store check" "store check a.db --config b.yaml" "store recover a.db" "store recover --out x.db"; do
        status=0
        # shellcheck disable=SC2086
        "$bin" $args >"$out" 2>"$err" || status=$?
        [ "$status" -eq 2 ] || fail "'$args': exit status $status, expected 2"
        [ -s "$err" ] || fail "'$args': expected a message"
    done
    expect_err "flinkscaler store recover: give the store's path or --config FILE (one of the two)"
    status=0
    "$bin" store check "$work/absent.db" >"$out" 2>"$err" || status=$?
    [ "$status" -eq 1 ] || fail "a missing store: exit status $status, expected 1"
    expect_out "cannot open: $work/absent.db does not exist"
    ;;
run_refuses_a_store_another_daemon_holds)
    write_config "$work/fs.yaml" "$work/state.db"
    timeout 60 "$bin" run --config "$work/fs.yaml" >"$work/first.log" 2>&1 &
    first_pid=$!
    # The first daemon holds the store once its lock file names it (within a few seconds).
    for _ in $(seq 50); do
        grep -q "^pid=" "$work/state.db.lock" 2>/dev/null && break
        sleep 0.1
    done
    lock_pid=$(sed -n 's/^pid=//p' "$work/state.db.lock" 2>/dev/null || true)
    [ -n "$lock_pid" ] || { cat "$work/first.log"; fail "the first daemon did not take the store"; }
    status=0
    timeout 20 "$bin" run --config "$work/fs.yaml" >"$out" 2>"$err" || status=$?
    [ "$status" -ne 0 ] && [ "$status" -ne 124 ] || fail "the second daemon: exit status $status"
    expect_err "state store $work/state.db is in use by another flinkscaler (pid $lock_pid on host $(hostname) since "
    expect_err "): only one daemon may use a state store; stop it, or give this one another state-store path"
    kill -0 "$first_pid" || fail "the first daemon should still run"
    kill -TERM "$first_pid"
    wait "$first_pid" || true
    first_pid= lock_pid=
    # Once it is gone, the store is free again (no lock to clean up).
    timeout 20 "$bin" store check "$work/state.db" >"$out" 2>"$err" || fail "store check after the first daemon"
    ;;
run_refuses_a_damaged_store)
    make_store "$work/state.db" 12
    damage "$work/state.db"
    write_config "$work/fs.yaml" "$work/state.db"
    status=0
    timeout 20 "$bin" run --config "$work/fs.yaml" >"$out" 2>"$err" || status=$?
    [ "$status" -ne 0 ] && [ "$status" -ne 124 ] || fail "exit status $status"
    expect_err "state store $work/state.db is damaged (PRAGMA quick_check: "
    expect_err "Run \`flinkscaler store check $work/state.db\` for details"
    expect_err "move the file aside"
    ;;
check_config_finds_an_unusable_state_folder)
    write_config "$work/fs.yaml" "$work/missing/state.db"
    status=0
    "$bin" check-config "$work/fs.yaml" >"$out" 2>"$err" || status=$?
    [ "$status" -eq 1 ] || fail "exit status $status, expected 1"
    expect_err "$work/fs.yaml:3:19: key 'service.state-database': cannot create or write '$work/missing/state.db': folder $work/missing does not exist"
    # `run` refuses the same config before opening anything.
    status=0
    timeout 20 "$bin" run --config "$work/fs.yaml" >"$out" 2>"$err" || status=$?
    [ "$status" -eq 1 ] || fail "run: exit status $status, expected 1"
    expect_err "folder $work/missing does not exist"
    [ ! -e "$work/missing" ] || fail "nothing is created"
    ;;
*) echo "unknown test $name"; exit 2 ;;
esac
echo "PASS: $name"
