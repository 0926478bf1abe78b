#!/usr/bin/env python3
"""The peer job: Flink SQL, "a customer response not acknowledged within 4 h", as an event-time
interval left join, all in the JVM (no Python UDFs), parallelism 1.

usage: flink_job.py EVENTS.jsonl [csv-out-dir]

Prints `flink: <seconds> s` (submit to finish of the job, JVM start excluded). With a second
argument the breaches go to CSV files there (to count them); otherwise to a blackhole sink.
"""
import sys
import time

from pyflink.table import EnvironmentSettings, TableEnvironment

events = sys.argv[1]
out = sys.argv[2] if len(sys.argv) > 2 else None
t = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
conf = t.get_config()
conf.set("parallelism.default", "1")
conf.set("table.exec.resource.default-parallelism", "1")
conf.set("pipeline.object-reuse", "true")
# Five fields decoded; the rest of each line is skipped by the JSON parser.
t.execute_sql(f"""
CREATE TABLE events (
  id STRING,
  conversation_id STRING,
  kind STRING,
  occurred_at TIMESTAMP_LTZ(3),
  channel STRING,
  WATERMARK FOR occurred_at AS occurred_at - INTERVAL '30' SECOND
) WITH (
  'connector' = 'filesystem', 'path' = '{events}', 'format' = 'json',
  'json.timestamp-format.standard' = 'ISO-8601', 'json.ignore-parse-errors' = 'true'
)""")
sink = (f"'connector' = 'filesystem', 'path' = '{out}', 'format' = 'csv'" if out
        else "'connector' = 'blackhole'")
t.execute_sql(f"""
CREATE TABLE breaches (id STRING, conversation_id STRING, channel STRING, due TIMESTAMP_LTZ(3))
WITH ({sink})""")
QUERY = """
INSERT INTO breaches
SELECT r.id, r.conversation_id, r.channel, r.occurred_at + INTERVAL '4' HOUR
FROM (SELECT * FROM events WHERE kind = 'response') AS r
LEFT JOIN (SELECT * FROM events WHERE kind = 'acknowledgement') AS a
  ON r.conversation_id = a.conversation_id
 AND a.occurred_at BETWEEN r.occurred_at AND r.occurred_at + INTERVAL '4' HOUR
WHERE a.id IS NULL
"""
started = time.monotonic()
t.execute_sql(QUERY).wait()
print(f"flink: {time.monotonic() - started:.2f} s", flush=True)
