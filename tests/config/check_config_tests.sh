#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Black-box tests of `flinkscaler check-config`.
# Usage: check_config_tests.sh TEST_NAME FLINKSCALER_BINARY SOURCE_ROOT
#   examples    every config/*.yaml passes (found at run time, so new examples are covered)
#   bad-files   every tests/config/bad/NAME.yaml fails with exactly the lines of NAME.expected
#   unreadable  a missing file is one line and exit status 1
set -euo pipefail
name=$1 bin=$2 root=$3
out=$(mktemp); err=$(mktemp); trap 'rm -f "$out" "$err"' EXIT

fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"; exit 1; }

case $name in
examples)
    shopt -s nullglob
    examples=("$root"/config/*.yaml)
    [ ${#examples[@]} -gt 0 ] || { echo "FAIL: no config/*.yaml"; exit 1; }
    for file in "${examples[@]}"; do
        "$bin" check-config "$file" >"$out" 2>"$err" || fail "$file: exit status $?"
        grep -qE "^$file: OK \([0-9]+ clusters?, [0-9]+ job overrides?\)$" "$out" || fail "$file: expected the OK line"
        [ ! -s "$err" ] || fail "$file: unexpected stderr"
        "$bin" check-config --quiet "$file" >"$out" 2>"$err" || fail "$file --quiet: exit status $?"
        [ ! -s "$out" ] && [ ! -s "$err" ] || fail "$file --quiet: expected no output"
        echo "ok: $file"
    done
    ;;
bad-files)
    # Run from the directory of the files so the messages name them as the .expected files do;
    # absolute paths in messages (resolved relative paths) are written @DIR@ there.
    cd "$root/tests/config/bad"
    count=0
    for file in *.yaml; do
        expected=${file%.yaml}.expected
        [ -f "$expected" ] || { echo "FAIL: $file has no $expected"; exit 1; }
        status=0
        "$bin" check-config "$file" >"$out" 2>"$err" || status=$?
        [ "$status" -eq 1 ] || fail "$file: exit status $status, expected 1"
        [ ! -s "$out" ] || fail "$file: nothing is expected on stdout"
        actual=$(while IFS= read -r line; do printf '%s\n' "${line//"$PWD"/@DIR@}"; done <"$err")
        if [ "$actual" != "$(cat "$expected")" ]; then
            echo "FAIL: $file: stderr differs from $expected"
            diff <(printf '%s\n' "$actual") "$expected" || true
            exit 1
        fi
        count=$((count + 1))
        echo "ok: $file"
    done
    [ "$count" -gt 0 ] || { echo "FAIL: no bad files"; exit 1; }
    ;;
unreadable)
    dir=$(mktemp -d); trap 'rm -f "$out" "$err"; rm -rf "$dir"' EXIT
    status=0
    "$bin" check-config "$dir/absent.yaml" >"$out" 2>"$err" || status=$?
    [ "$status" -eq 1 ] || fail "exit status $status, expected 1"
    [ "$(cat "$err")" = "$dir/absent.yaml: cannot read: No such file or directory" ] || fail "unexpected message"
    [ ! -s "$out" ] || fail "nothing is expected on stdout"
    ;;
*)
    echo "unknown test $name"; exit 2 ;;
esac
