#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Usage: cli_tests.sh TEST_NAME FLINKSCALER_BINARY FIXTURES_DIR
set -euo pipefail
name=$1 bin=$2 fixtures=$3
example=$fixtures/replay/three-vertex-pipeline.json
M=0a448493b4782967b150582570326227
out=$(mktemp); err=$(mktemp); trap 'rm -f "$out" "$err"' EXIT

fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"; exit 1; }
expect_line() { grep -qF -- "$1" "$out" || fail "expected output line containing: $1"; }

case $name in
evaluate_fixture_scales_bottleneck)
    "$bin" evaluate "$example" >"$out" 2>"$err" || fail "exit status $?"
    expect_line "decision: scaled (rescaling 1 vertex(es))"
    grep -E "^Map: enrich \(0a448493\) +4 -> 8 .* yes +true rate below scale-up threshold$" "$out" >/dev/null ||
        fail "the map vertex should go 4 -> 8, outside its band"
    grep -E "^Sink: keyed writer \(ea632d67\) +2 " "$out" >/dev/null || fail "the sink keeps parallelism 2"
    expect_line "{ Vertex ID $M | Parallelism 4 -> 8 | Processing capacity 2020.20 -> 4040.40 | Target data rate 2300.00}"
    ;;
evaluate_set_overrides_option)
    # At target utilization 0.9 the map needs less head-room: 4 -> 6 (algorithm.md §3.8, §4.2).
    "$bin" evaluate "$example" --set job.autoscaler.utilization.target=0.9 >"$out" 2>"$err" || fail "exit status $?"
    grep -E "^Map: enrich \(0a448493\) +4 -> 6 " "$out" >/dev/null || fail "the map vertex should go 4 -> 6 at target 0.9"
    # A disabled scaling only recommends.
    "$bin" evaluate "$example" --set job.autoscaler.scaling.enabled=false >"$out" 2>"$err" || fail "exit status $?"
    expect_line "decision: blocked (scaling execution disabled by job.autoscaler.scaling.enabled:false)"
    expect_line "Scaling execution disabled by config job.autoscaler.scaling.enabled:false, recommended parallelism change:{ Vertex ID $M | Parallelism 4 -> 8"
    # A bad value is an error naming the key and the value.
    if "$bin" evaluate "$example" --set job.autoscaler.metrics.window=soon >"$out" 2>"$err"; then fail "bad value accepted"; fi
    grep -qF 'invalid value "soon" for option job.autoscaler.metrics.window' "$err" || fail "error should name key and value"
    # An unknown key is an error with the same "did you mean" as check-config, not a silent no-op.
    status=0
    "$bin" evaluate "$example" --set job.autoscaler.utilization.targt=0.9 >"$out" 2>"$err" || status=$?
    [ "$status" -ne 0 ] || fail "an unknown --set key was accepted"
    grep -qF "unknown autoscaler option (did you mean 'job.autoscaler.utilization.target'?)" "$err" || fail "no did-you-mean: $(cat "$err")"
    status=0
    "$bin" evaluate "$example" --set foo.bar=1 >"$out" 2>"$err" || status=$?
    [ "$status" -ne 0 ] || fail "--set foo.bar was accepted"
    grep -qF "foo.bar: not an autoscaler option" "$err" || fail "foo.bar not refused: $(cat "$err")"
    ;;
evaluate_json_output)
    "$bin" evaluate "$example" --format json >"$out" 2>"$err" || fail "exit status $?"
    python3 - "$out" "$M" <<'PY' || fail "unexpected JSON"
import json, sys
doc = json.load(open(sys.argv[1]))
cycles = doc["cycles"]
assert [c["stage"] for c in cycles] == ["collecting-samples", "decided"], cycles
decision = cycles[1]["decision"]
assert decision["outcome"] == "scaled"
m = [v for v in decision["vertices"] if v["vertex"] == sys.argv[2]][0]
assert (m["currentParallelism"], m["newParallelism"]) == (4, 8), m
assert cycles[1]["evaluated"]["vertices"][sys.argv[2]]["TRUE_PROCESSING_RATE"]["average"] == 2020.202
assert doc["state"]["parallelismOverrides"][sys.argv[2]] == 8
PY
    ;;
evaluate_metrics_only_recording_what_if)
    # Recorded with scaling disabled: the keyed stage saturates after the load step and the
    # recommendation 2 -> 7 is reported but not executed; enabling scaling executes it.
    step=$fixtures/replay/load-step.json
    K=ea632d67b7d595e5b851708ae9ad79d6
    "$bin" evaluate "$step" >"$out" 2>"$err" || fail "exit status $?"
    expect_line "2026-11-30T10:11:30.000Z  decided  no-change: all vertices within their utilization band"
    expect_line "2026-11-30T10:12:00.000Z  decided  blocked: scaling execution disabled by job.autoscaler.scaling.enabled:false"
    expect_line "recommended parallelism change:{ Vertex ID $K | Parallelism 2 -> 7 |"
    "$bin" evaluate "$step" --set job.autoscaler.scaling.enabled=true >"$out" 2>"$err" || fail "exit status $?"
    expect_line "2026-11-30T10:12:00.000Z  decided  scaled: rescaling 1 vertex(es)"
    ;;
evaluate_rejects_malformed_input)
    for bad in "$fixtures"/replay/invalid/*.json; do
        expected=$(head -c 4096 "${bad%.json}.expected")
        status=0
        "$bin" evaluate "$bad" >"$out" 2>"$err" || status=$?
        [ "$status" -eq 1 ] || fail "$(basename "$bad"): exit status $status, expected 1"
        grep -qF -- "$expected" "$err" || fail "$(basename "$bad"): stderr should contain: $expected"
    done
    status=0
    "$bin" evaluate "$fixtures/replay/does-not-exist.json" >"$out" 2>"$err" || status=$?
    [ "$status" -eq 1 ] || fail "missing file: exit status $status"
    grep -qF "cannot open" "$err" || fail "missing file should say so"
    ;;
options_lists_every_key)
    "$bin" options >"$out" 2>"$err" || fail "exit status $?"
    count=$(grep -c '^| `job.autoscaler.' "$out")
    [ "$count" -eq 45 ] || fail "expected 45 options, got $count"
    ;;
*) echo "unknown test $name"; exit 2 ;;
esac
echo "PASS: $name"
