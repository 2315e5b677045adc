#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""What the config key tables generate (src/config/config_keys.cpp) against the committed copies.

Usage: generated_test.py SOURCE_ROOT FLINKSCALER_BINARY [--update]

1. Every block `flinkscaler check-config --reference` prints is in docs/configuration.md between
   the same BEGIN/END GENERATED markers, and the docs hold no other generated block.
2. `flinkscaler check-config --json-schema` equals schema/config/flinkscaler-config.schema.json.

--update rewrites both committed copies from the binary instead (after a change to the tables).
"""

import pathlib
import re
import subprocess
import sys

root = pathlib.Path(sys.argv[1])
binary = sys.argv[2]
update = "--update" in sys.argv[3:]
docs_path = root / "docs" / "configuration.md"
schema_path = root / "schema" / "config" / "flinkscaler-config.schema.json"
BLOCK = re.compile(r"<!-- BEGIN GENERATED (\S+): [^\n]*-->\n.*?<!-- END GENERATED \1 -->\n", re.S)


def generated(flag):
    return subprocess.run([binary, "check-config", flag], check=True, capture_output=True, text=True).stdout


failures = []
reference = {m.group(1): m.group(0) for m in BLOCK.finditer(generated("--reference"))}
if not reference:
    failures.append("check-config --reference printed no block")
docs = docs_path.read_text()
in_docs = {m.group(1): m.group(0) for m in BLOCK.finditer(docs)}
if update:
    docs = BLOCK.sub(lambda m: reference.get(m.group(1), m.group(0)), docs)
    docs_path.write_text(docs)
    in_docs = {m.group(1): m.group(0) for m in BLOCK.finditer(docs)}
for name, block in reference.items():
    if name not in in_docs:
        failures.append(f"docs/configuration.md has no generated block '{name}' (add its markers)")
    elif in_docs[name] != block:
        failures.append(f"docs/configuration.md: block '{name}' differs from check-config --reference")
    else:
        print(f"ok: block {name}")
for name in in_docs.keys() - reference.keys():
    failures.append(f"docs/configuration.md: block '{name}' is not generated any more")

schema = generated("--json-schema")
if update:
    schema_path.write_text(schema)
if schema_path.read_text() != schema:
    failures.append(f"{schema_path.relative_to(root)} differs from check-config --json-schema")
else:
    print("ok: JSON Schema")

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    print(f"regenerate with: {sys.argv[0]} {root} {binary} --update")
    sys.exit(1)
