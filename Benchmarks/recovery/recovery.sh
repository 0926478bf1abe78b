#!/usr/bin/env bash
# Recovery time on an isolating broker (noida-db): `loopwatch run` holding N conversations over
# 16 partitions is killed with SIGKILL and restarted with the same --instance-id; the figure is
# the time from the restart to /readyz 200 (group joined — static membership, no session wait —
# and every partition restored from the changelog), plus the restore rate from the daemon's own
# "partition restored" log lines. Not part of CI: `make bench-recovery` (release build).
#
# usage: Benchmarks/recovery/recovery.sh [CONVERSATIONS]   (default 1000000; needs kcat, python3,
#        the release binary .build/release/loopwatch and LOOPWATCH_NOIDA_BIN or tools/install_noida.sh)
#        RECOVERY_KAFKA_DEBUG=fetch,topic (say) runs the restarted instance with librdkafka's debug
#        contexts at log level debug and keeps its log as /tmp/lw-recovery-second.log.
set -euo pipefail
N=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${LOOPWATCH_BIN:-$ROOT/.build/release/loopwatch}
NOIDA=${LOOPWATCH_NOIDA_BIN:-$("$ROOT/tools/install_noida.sh")}
WORK=$(mktemp -d /tmp/lw-recovery.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
KPORT=$(free_port)
MPORT=$(free_port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
now_ms() { date +%s%3N; }

setsid "$NOIDA" start --only kafka --kafka-port "$KPORT" --data-dir "$WORK/data" >"$WORK/noida.log" 2>&1 &
broker=$!
pids+=($broker)
disown
until (exec 3<>/dev/tcp/127.0.0.1/"$KPORT") 2>/dev/null; do sleep 0.1; done

cat >"$WORK/lw.yaml" <<YAML
kafka:
  bootstrap_servers: "127.0.0.1:$KPORT"
  group_id: recovery
  input_topics: [interactions]
metrics:
  listen: 127.0.0.1:$MPORT
policies:
  - name: day
    first_response: 24h
YAML
"$BIN" topics --config "$WORK/lw.yaml" --partitions 16 >&2

echo "producing $N customer responses (one conversation each) …" >&2
python3 - "$N" >"$WORK/events" <<'PY'
import sys, datetime
n = int(sys.argv[1])
at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
out = sys.stdout
for i in range(n):
    out.write(f'c-{i}\t{{"id":"e{i}","conversation_id":"c-{i}","kind":"response","occurred_at":"{at}","channel":"twitter"}}\n')
PY
kcat -P -b "127.0.0.1:$KPORT" -t interactions -K $'\t' -z lz4 -X queue.buffering.max.kbytes=65536 \
  -X linger.ms=20 -X batch.num.messages=10000 <"$WORK/events"

metric() { curl -s "127.0.0.1:$MPORT/metrics" | awk -v m="$1" '$1 == m { print int($2) }'; }
"$BIN" run --config "$WORK/lw.yaml" --instance-id r1 >"$WORK/first.log" 2>&1 &
first=$!
pids+=($first)
started=$(now_ms)
until [ "$(metric loopwatch_conversations 2>/dev/null || echo 0)" -ge "$N" ] 2>/dev/null; do sleep 0.2; done
echo "first instance holds $N conversations after $(( $(now_ms) - started )) ms" >&2
sleep 2  # a few commit intervals: the changelog of every conversation committed
kill -9 "$first"
wait "$first" 2>/dev/null || true

if [ -n "${RECOVERY_KAFKA_DEBUG:-}" ]; then
  sed -i "s/^  input_topics: .*/&\n  properties:\n    debug: \"$RECOVERY_KAFKA_DEBUG\"/" "$WORK/lw.yaml"
fi
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
broker_before=$(ticks "$broker")
restart=$(now_ms)
"$BIN" run --config "$WORK/lw.yaml" --instance-id r1 ${RECOVERY_KAFKA_DEBUG:+--log-level debug} \
  >"$WORK/second.log" 2>&1 &
second=$!
pids+=($second)
disown
until [ "$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$MPORT/readyz")" = 200 ]; do sleep 0.01; done
ready=$(( $(now_ms) - restart ))
# CPU time the restarted process used until ready (utime + stime, in clock ticks): unlike the
# wall time, barely moved by other load on the machine.
cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$second/stat")
# And what the broker used meanwhile (it shares the two cores).
broker_cpu=$(awk -v b="$broker_before" -v now="$(ticks "$broker")" -v hz="$(getconf CLK_TCK)" \
  'BEGIN { printf "%.2f", (now - b) / hz }')
python3 - "$WORK/second.log" "$N" "$ready" "$cpu" "$broker_cpu" <<'PY'
import re, sys
records = 0
span = 0.0
for line in open(sys.argv[1]):
    if "partition restored" in line:
        records += int(re.search(r"records=(\d+)", line).group(1))
        # "took" is from the start of the restore (all partitions are read together): the
        # restore lasts until the last partition is complete.
        span = max(span, float(re.search(r'took="?([0-9.e-]+) seconds', line).group(1)))
n, ready, cpu, broker = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
print(f"| kill -9 → restarted instance ready (joined, {records:,.0f} state records restored, 16 partitions) | "
      f"**{ready / 1000:.2f} s** (CPU {cpu} s; broker {broker} s) | ≤ 3 s |")
print(f"| restore rate (16 partitions read together, done after {span:.2f} s) | "
      f"**{records / span / 1000:,.0f}k records/s** | ≥ 1M records/s |")
PY
[ -z "${RECOVERY_KAFKA_DEBUG:-}" ] || cp "$WORK/second.log" /tmp/lw-recovery-second.log
