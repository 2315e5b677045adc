#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The JSON Schema of the config file (schema/config/flinkscaler-config.schema.json) against the files.

Usage: schema_test.py SOURCE_ROOT FLINKSCALER_BINARY

1. The schema is a valid draft 2020-12 schema.
2. Every config/*.yaml validates (found at run time, so new examples are covered).
3. Every tests/config/bad/*.yaml behaves as its first line says: `# schema: rejects` (the schema
   catches at least one of its problems), `# schema: accepts` (its problems are beyond a JSON
   Schema: only `flinkscaler check-config` finds them) or `# schema: not-yaml`.
4. Small documents probe the rules of the schema that are code (patterns, structure, rules
   between keys), and `flinkscaler check-config` must agree on every one: the schema never rejects
   a file the daemon accepts, nor accepts one of these that the daemon rejects. The ranges and
   enums of single keys need no probe: the reader and the schema read them from the same key
   table (src/config/config_keys.cpp), and generated_test.py keeps the committed schema generated.
"""

import json
import pathlib
import subprocess
import sys
import tempfile

import jsonschema
import yaml

root = pathlib.Path(sys.argv[1])
binary = sys.argv[2]
schema = json.loads((root / "schema" / "config" / "flinkscaler-config.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = []


def schema_errors(document):
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
            for e in validator.iter_errors(document)]


# ---- 2. the examples ---------------------------------------------------------------------------
examples = sorted((root / "config").glob("*.yaml"))
if not examples:
    failures.append("no config/*.yaml found")
for path in examples:
    errors = schema_errors(yaml.safe_load(path.read_text()))
    if errors:
        failures.append(f"{path}: rejected by the schema: {errors}")
    else:
        print(f"ok: {path.name} validates")

# ---- 3. the bad files --------------------------------------------------------------------------
bad_files = sorted((root / "tests" / "config" / "bad").glob("*.yaml"))
if not bad_files:
    failures.append("no tests/config/bad/*.yaml found")
for path in bad_files:
    text = path.read_text()
    marker = text.splitlines()[0].strip()
    if marker == "# schema: not-yaml":
        try:
            yaml.safe_load(text)
            failures.append(f"{path.name}: marked not-yaml but parses")
        except yaml.YAMLError:
            print(f"ok: {path.name} is not YAML")
        continue
    errors = schema_errors(yaml.safe_load(text))
    if marker == "# schema: rejects":
        if errors:
            print(f"ok: {path.name} rejected ({len(errors)} errors)")
        else:
            failures.append(f"{path.name}: marked rejects but the schema accepts it")
    elif marker == "# schema: accepts":
        if errors:
            failures.append(f"{path.name}: marked accepts but the schema rejects it: {errors}")
        else:
            print(f"ok: {path.name} accepted (only check-config finds its problems)")
    else:
        failures.append(f"{path.name}: first line must be '# schema: rejects|accepts|not-yaml', got {marker!r}")

# ---- 4. rule by rule, in agreement with check-config --------------------------------------------
CLUSTER = "clusters:\n  - {name: a, url: 'http://a'}\n"
VALID = [
    CLUSTER,
    "service:\n" + CLUSTER,
    "service:\n  log:\n" + CLUSTER,
    "defaults:\njobs:\n" + CLUSTER,
    "service: {poll-interval: 10s, workers: 256, max-concurrent-requests: 64, connect-timeout: PT5S,"
    " request-timeout: 10 s, state-database: state.db, status-address: '[::1]:0', dry-run: true,"
    " job-retention: 1 min, event-retention: 7d, sample-retention: 6h}\n" + CLUSTER,
    "service: {poll-interval: 1000, job-retention: 60000}\n" + CLUSTER,
    "service: {status-address: ''}\n" + CLUSTER,
    "service: {log: {level: trace, format: json, file: '', max-file-size: 64mb, max-files: 1}}\n" + CLUSTER,
    "service: {log: {max-file-size: 1024}}\n" + CLUSTER,
    "defaults:\n  job:\n    autoscaler:\n      enabled: true\n      metrics.window: 5m\n" + CLUSTER,
    "defaults:\n  job.autoscaler.vertex.exclude.ids: [a, b]\n  taskmanager.numberOfTaskSlots: 4\n" + CLUSTER,
    "defaults:\n  pipeline.jobvertex-parallelism-overrides: {abc: 2}\n" + CLUSTER,
    "defaults:\n  kubernetes.operator.job.autoscaler.enabled: true\n  jobmanager.scheduler: adaptive\n" + CLUSTER,
    "clusters:\n  - {name: a.b_c-1, url: 'https://h:8443/flink/prod', enabled: false, max-concurrent-requests: 1,"
    " connect-timeout: 1s, request-timeout: 1s, tls: {verify: false}, options: {job.autoscaler.enabled: true}}\n",
    CLUSTER + "jobs:\n  - {match: {name: 'x-*'}, options: {}}\n",
    CLUSTER + "jobs:\n  - {match: {id: 0A448493B4782967B150582570326227, cluster: a}, options: {}}\n",
    "clusters:\n  - {name: y, kind: yarn, resource-managers: ['http://rm1:8088', 'http://rm2:8088']}\n",
    "clusters:\n  - {name: y, kind: yarn, resource-managers: ['https://rm1:8090'], flink-access: direct,"
    " direct-scheme: https, tls: {verify: false}, applications: {type: Apache Flink, queue: root.streaming,"
    " user: flink, tags: [autoscale, team-a], name: 'orders-*'}}\n",
    "clusters:\n  - {name: y, kind: yarn, resource-managers: ['http://rm1:8088'], applications: }\n"
    "jobs:\n  - {match: {cluster: y}, options: {}}\n",
    "clusters:\n  - {name: a, kind: flink, url: 'http://a'}\n",
]
REJECTED = [
    "clusters:\n  - {name: y, kind: yarn}\n",                   # resource-managers required
    "clusters:\n  - {name: y, kind: yarn, resource-managers: []}\n",
    "clusters:\n  - {name: y, kind: yarn, url: 'http://a', resource-managers: ['http://rm']}\n",
    "clusters:\n  - {name: y, kind: yarn, resource-managers: ['rm1:8088']}\n",
    "clusters:\n  - {name: y, kind: yarn, resource-managers: ['http://rm'], applications: {tags: ['a,b']}}\n",
    "clusters:\n  - {name: y, kind: yarn, resource-managers: ['http://rm'], applications: {state: RUNNING}}\n",
    "clusters:\n  - {name: y, kind: mesos, url: 'http://a'}\n",
    "clusters:\n  - {name: a, url: 'http://a', resource-managers: ['http://rm']}\n",
    "clusters:\n  - {name: a, url: 'http://a', flink-access: proxy}\n",
    "",                                                        # no clusters
    "clusters: []\n",
    "clusters:\n  - {name: a}\n",                             # url required
    "clusters:\n  - {url: 'http://a'}\n",                     # name required
    "clusters:\n  - {name: 'a b', url: 'http://a'}\n",
    "clusters:\n  - {name: a, url: 'ftp://a'}\n",
    "clusters:\n  - {name: a, url: 'http://u@a'}\n",
    "clusters:\n  - {name: a, url: 'http://a', tls: {verify: true}}\n",   # TLS needs https
    "clusters:\n  - {name: a, url: 'https://a', tls: {cert-file: c.pem}}\n",  # cert without key
    "clusters:\n  - {name: a, url: 'https://a', tls: {ca_file: c.pem}}\n",
    "clusters:\n  - {name: a, url: 'http://a', auth: {type: digest}}\n",
    "clusters:\n  - {name: a, url: 'http://a', auth: {type: basic, username: u, password: p}}\n",
    "clusters:\n  - {name: a, url: 'http://a', auth: {type: bearer, token: t}}\n",
    "clusters:\n  - {name: a, url: 'http://a', auth: {type: bearer, token-file: t, username: u}}\n",
    "clusters:\n  - {name: a, url: 'http://a', request-timeout: 5}\n",
    "clusters:\n  - {name: a, url: 'http://a', enabled: 1}\n",
    "clusters:\n  - {name: a, url: 'http://a', option: {}}\n",
    "service: {workers: '4'}\n" + CLUSTER,
    "service: {poll-interval: 1.5h}\n" + CLUSTER,
    "service: {poll-interval: soon}\n" + CLUSTER,
    "service: {state-database: ''}\n" + CLUSTER,
    "service: {status-address: localhost}\n" + CLUSTER,
    "service: {status-address: 'a b:80'}\n" + CLUSTER,
    "service: {status-address: '::1:80'}\n" + CLUSTER,
    "service: {dry-run: 'true'}\n" + CLUSTER,
    "service: {log: {max-file-size: 64 furlongs}}\n" + CLUSTER,
    "service: {colour: blue}\n" + CLUSTER,
    "service: 3\n" + CLUSTER,
    "extra: 1\n" + CLUSTER,
    "defaults:\n  parallelism.default: 4\n" + CLUSTER,
    "defaults:\n  taskmanager.memory.flink.size: 4g\n" + CLUSTER,
    "defaults:\n  job.autoscaler.enabled:\n" + CLUSTER,
    "defaults:\n  job.autoscaler.vertex.exclude.ids: [[a]]\n" + CLUSTER,
    "defaults: [a]\n" + CLUSTER,
    CLUSTER + "jobs:\n  - {match: {}, options: {}}\n",
    CLUSTER + "jobs:\n  - {match: {name: x}}\n",
    CLUSTER + "jobs:\n  - {match: {name: x}, options: }\n",
    CLUSTER + "jobs:\n  - {match: {id: '1234'}, options: {}}\n",
    CLUSTER + "jobs:\n  - {match: {cluster: 'a/b'}, options: {}}\n",
    CLUSTER + "jobs:\n  - {match: {name: ''}, options: {}}\n",
    CLUSTER + "jobs:\n  - {match: {regex: x}, options: {}}\n",
    CLUSTER + "jobs: {a: 1}\n",
]


def check_config_accepts(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "probe.yaml"
        path.write_text(text)
        run = subprocess.run([binary, "check-config", "--quiet", str(path)], capture_output=True, text=True)
        return run.returncode == 0, run.stderr


for text in VALID:
    errors = schema_errors(yaml.safe_load(text))
    accepted, stderr = check_config_accepts(text)
    if errors:
        failures.append(f"schema rejects a valid document: {text!r}: {errors}")
    if not accepted:
        failures.append(f"check-config rejects a valid document: {text!r}: {stderr}")
for text in REJECTED:
    errors = schema_errors(yaml.safe_load(text))
    accepted, _ = check_config_accepts(text)
    if not errors:
        failures.append(f"schema accepts an invalid document: {text!r}")
    if accepted:
        failures.append(f"check-config accepts a document the schema rejects: {text!r}")
print(f"probed {len(VALID)} valid and {len(REJECTED)} invalid documents against schema and check-config")

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
