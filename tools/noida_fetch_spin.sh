#!/usr/bin/env bash
# Reproduces, for a report to noida-db's maintainers, the two behaviours of noida-db 0.2.3 that
# bound the end-to-end catch-up benchmark on a 2-core machine (Benchmarks/README.md, ninth and
# tenth sessions):
#   1. an empty fetch is answered at once, whatever fetch.wait.max.ms says, so a consumer at the
#      end of an idle topic fetches in a loop (Kafka holds such a fetch up to fetch.wait.max.ms);
#   2. the `autosave` thread rewrites a snapshot of everything the broker holds, again and again
#      while anything changes.
# Uses kcat and the broker binary tools/install_noida.sh installs. Prints CPU figures; exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v kcat >/dev/null || { echo "kcat is not installed"; exit 1; }
bin=$(tools/install_noida.sh)
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
"$bin" start --only kafka --host 127.0.0.1 --kafka-port "$port" --data-dir "$dir/data" >"$dir/broker.log" 2>&1 &
broker=$!
trap 'kill -9 "$broker" 2>/dev/null; wait "$broker" 2>/dev/null || true; rm -rf "$dir"' EXIT
b=127.0.0.1:$port
for _ in $(seq 100); do kcat -L -b "$b" -m 1 >/dev/null 2>&1 && break; sleep 0.1; done
# CPU clock ticks (user + system) of a process (/proc/PID) or a thread (/proc/PID/task/TID).
ticks() { awk '{print $14 + $15}' "$1/stat"; }
hz=$(getconf CLK_TCK)

echo x | kcat -P -b "$b" -t spin
sleep 2
kcat -C -b "$b" -t spin -o end -q -X fetch.wait.max.ms=500 >/dev/null 2>&1 &
consumer=$!
sleep 1
c0=$(ticks "/proc/$consumer"); b0=$(ticks "/proc/$broker")
sleep 4
c1=$(ticks "/proc/$consumer"); b1=$(ticks "/proc/$broker")
kill "$consumer"; wait "$consumer" 2>/dev/null || true
echo "1. kcat at the end of an idle topic, fetch.wait.max.ms=500, 4 s:" \
  "kcat $(((c1 - c0) * 100 / hz / 4)) % of a core, broker $(((b1 - b0) * 100 / hz / 4)) % (Kafka would hold each fetch 500 ms: two a second)"

autosave() {
  local t=0 f
  for f in /proc/"$broker"/task/*; do
    [ "$(cat "$f/comm")" = autosave ] && t=$((t + $(ticks "$f")))
  done
  echo "$t"
}
a0=$(autosave); b0=$(ticks "/proc/$broker")
awk 'BEGIN { l = sprintf("%330s", ""); gsub(/ /, "x", l); for (i = 0; i < 200000; i++) print l }' \
  | kcat -P -b "$b" -t bulk -X linger.ms=10
largest=0
for _ in $(seq 50); do
  s=$(stat -c %s "$dir/data/kafka.tmp" 2>/dev/null || echo 0)
  [ "$s" -gt "$largest" ] && largest=$s
  sleep 0.1
done
a1=$(autosave); b1=$(ticks "/proc/$broker")
secs() { awk -v t="$1" -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }'; }
echo "2. 200,000 records of 330 bytes (66 MB) produced, then 5 s idle: broker $(secs $((b1 - b0))) CPU s," \
  "of which autosave $(secs $((a1 - a0))) s; largest kafka.tmp seen $((largest / 1000000)) MB"
