#!/usr/bin/env bash
# `make bench-peer`: Apache Flink (PyFlink, Flink SQL) and `loopwatch replay` on the same events,
# interleaved, pinned to one core, three rounds; prints both rates and the ratio.
#
# usage: Benchmarks/peer/run.sh LOOPWATCH_BINARY
# env:   PEER_EVENTS (1000000), PEER_CONVERSATIONS (200000), PEER_ROUNDS (3), PEER_CPU (1),
#        PEER_DIR (Benchmarks/.build/peer), FLINK_VERSION (2.3.0)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:?usage: run.sh LOOPWATCH_BINARY}"
events_n="${PEER_EVENTS:-1000000}"
conversations="${PEER_CONVERSATIONS:-200000}"
rounds="${PEER_ROUNDS:-3}"
cpu="${PEER_CPU:-1}"
dir="${PEER_DIR:-$root/Benchmarks/.build/peer}"
flink_version="${FLINK_VERSION:-2.3.0}"
venv="$root/.venv-flink"
mkdir -p "$dir"

# 1. Java 17 and PyFlink in a local virtual environment.
if ! command -v java >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless
fi
if ! "$venv/bin/python" -c "import pyflink" 2>/dev/null; then
  echo "installing apache-flink==$flink_version into $venv (pip; a few hundred MB)"
  python3 -m venv "$venv"
  if ! "$venv/bin/pip" install -q "apache-flink==$flink_version" 2>"$dir/pip.log"; then
    echo "bench-peer: pip could not install apache-flink==$flink_version:" >&2
    tail -n 20 "$dir/pip.log" >&2
    exit 1
  fi
fi
java -version 2>&1 | head -n 1
"$venv/bin/python" -c "import pyflink.version as v; print('PyFlink', v.__version__)"

# 2. The events, generated once (reproducible).
events="$dir/events-$events_n-$conversations.jsonl"
[ -s "$events" ] || python3 "$here/generate_events.py" "$events" "$events_n" "$conversations"
lines=$(wc -l <"$events")
echo "events: $events ($lines lines, $(du -h "$events" | cut -f1))"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), pinned to cpu $cpu (taskset)"

# 3. Interleaved rounds. /usr/bin/time -v gives the wall time and the peak RSS (of the largest
#    process: the JVM for Flink).
peak() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
wall() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1"; }
flink_jobs=(); flink_walls=(); lw_times=()
for r in $(seq 1 "$rounds"); do
  taskset -c "$cpu" /usr/bin/time -v "$venv/bin/python" "$here/flink_job.py" "$events" \
    >"$dir/flink.out" 2>"$dir/flink.time" || { cat "$dir/flink.out" "$dir/flink.time" >&2; exit 1; }
  job=$(sed -n 's/^flink: \([0-9.]*\) s$/\1/p' "$dir/flink.out")
  flink_jobs+=("$job"); flink_walls+=("$(wall "$dir/flink.time")")
  echo "round $r: flink job ${job} s (process $(wall "$dir/flink.time"), peak RSS $(( $(peak "$dir/flink.time") / 1024 )) MiB)"
  taskset -c "$cpu" /usr/bin/time -v "$bin" replay --config "$here/loopwatch.yaml" --events "$events" \
    >"$dir/alerts.jsonl" 2>"$dir/replay.err" || { cat "$dir/replay.err" >&2; exit 1; }
  secs=$(sed -n 's/.* in \([0-9.]*\)s (.*/\1/p' "$dir/replay.err" | head -n 1)
  lw_times+=("$secs")
  echo "round $r: loopwatch replay ${secs} s (process $(wall "$dir/replay.err"), peak RSS $(( $(peak "$dir/replay.err") / 1024 )) MiB, $(grep -c . "$dir/alerts.jsonl") alerts)"
done
head -n 3 "$dir/replay.err"

# 4. Medians, rates and the ratio (Flink's job time, its JVM start-up excluded).
python3 - "$lines" "${flink_jobs[*]}" "${lw_times[*]}" <<'PY'
import statistics, sys
n = int(sys.argv[1])
f = statistics.median(float(x) for x in sys.argv[2].split())
l = statistics.median(float(x) for x in sys.argv[3].split())
print(f"median: flink {f:.2f} s = {n / f:,.0f} events/s; loopwatch replay {l:.2f} s = {n / l:,.0f} events/s; "
      f"loopwatch/flink = {f / l:.1f}x (one core)")
PY
