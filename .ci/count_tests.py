#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Counts executed tests from Meson test logs: every Catch2 test case inside a Meson test counts
once, every other Meson test counts once. Prints one line per log and a final
'N passed, N failed'. Exits non-zero if a log is missing or no test ran."""
import json
import re
import sys

CATCH_ALL = re.compile(r"All tests passed \(\d+ assertions? in (\d+) test cases?\)")
CATCH_SOME = re.compile(r"test cases:\s+(\d+) \|\s+(\d+) passed \|\s+(\d+) failed")


def count(log_path):
    passed = failed = 0
    with open(log_path) as log:
        for line in log:
            test = json.loads(line)
            out = test.get("stdout", "") or ""
            ok = test.get("result") == "OK"
            if m := CATCH_SOME.search(out):
                passed += int(m.group(2))
                failed += int(m.group(3))
                if not ok and int(m.group(3)) == 0:
                    failed += 1  # crashed after the summary (e.g. a sanitizer report at exit)
            elif m := CATCH_ALL.search(out):
                if ok:
                    passed += int(m.group(1))
                else:
                    failed += 1
            elif ok:
                passed += 1
            else:
                failed += 1
    return passed, failed


total_passed = total_failed = 0
for path in sys.argv[1:]:
    try:
        p, f = count(path)
    except OSError as e:
        print(f"cannot read {path}: {e}")
        sys.exit(1)
    print(f"{path}: {p} passed, {f} failed")
    total_passed += p
    total_failed += f
print(f"{total_passed} passed, {total_failed} failed")
sys.exit(0 if total_passed > 0 and total_failed == 0 else 1)
