#!/usr/bin/env python3
"""Checks the JSON Schemas in config/schema against what loopwatch actually reads and writes.

- every line of config/samples/events.jsonl validates against interaction-event.schema.json,
  and every line of bad-events.jsonl that is JSON at all fails it or is rejected by loopwatch;
- every alert `loopwatch replay` emits for the samples validates against alert.schema.json,
  and each alert type appears at least once.
Usage: check_schemas.py PATH/TO/loopwatch
"""
import json, subprocess, sys, tempfile, os

import jsonschema

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = sys.argv[1]
event_schema = json.load(open(os.path.join(root, "config/schema/interaction-event.schema.json")))
alert_schema = json.load(open(os.path.join(root, "config/schema/alert.schema.json")))
jsonschema.Draft202012Validator.check_schema(event_schema)
jsonschema.Draft202012Validator.check_schema(alert_schema)
events = jsonschema.Draft202012Validator(event_schema)
alerts = jsonschema.Draft202012Validator(alert_schema)

failures = 0
samples = os.path.join(root, "config/samples/events.jsonl")
for n, line in enumerate(open(samples, encoding="utf-8"), 1):
    if not line.strip():
        continue
    for e in events.iter_errors(json.loads(line)):
        print(f"{samples}:{n}: {e.message}")
        failures += 1

config = """
kafka: {bootstrap_servers: embedded, group_id: schema-check, input_topics: [interactions]}
processing: {allowed_lateness: 0s}
policies:
  - name: quick
    first_response: 2m
    next_response: 5m
    warn_before: 1m
    escalations: [{after: 10m, severity: critical}]
"""
with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
    f.write(config)
out = subprocess.run([binary, "replay", "--config", f.name, "--events", samples, "--until", "2026-12-01T00:00:00Z"],
                     capture_output=True, text=True, check=True).stdout
seen = set()
for n, line in enumerate(out.splitlines(), 1):
    alert = json.loads(line)
    seen.add(alert["type"])
    for e in alerts.iter_errors(alert):
        print(f"replay alert {n}: {e.message}: {line[:200]}")
        failures += 1
expected = {"loopwatch.sla.warning", "loopwatch.sla.breached", "loopwatch.sla.escalated", "loopwatch.sla.resolved"}
if seen != expected:
    print(f"replay of the samples produced alert types {sorted(seen)}, expected all of {sorted(expected)}")
    failures += 1
print(f"{failures} failed, {len(out.splitlines())} alerts and the sample events checked against the schemas")
sys.exit(1 if failures else 0)
