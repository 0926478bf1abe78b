#!/usr/bin/env bash
# Checks deploy/loopwatch.service: `systemd-analyze verify` (with the built binary in place of
# /usr/local/bin/loopwatch) and `systemd-analyze security --offline` exposure <= 2.0.
set -euo pipefail
binary=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze not found: skipping the unit checks"; exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s#/usr/local/bin/loopwatch#$binary#g" "$root/deploy/loopwatch.service" > "$dir/loopwatch.service"
systemd-analyze verify "$dir/loopwatch.service"
systemd-analyze security --offline=yes --threshold=20 "$dir/loopwatch.service" > "$dir/security.txt" || {
  cat "$dir/security.txt"; echo "deploy/loopwatch.service: exposure above 2.0"; exit 1; }
tail -n 1 "$dir/security.txt"
if command -v promtool >/dev/null; then
  promtool check rules "$root/deploy/prometheus/loopwatch-rules.yaml"
  for t in "$root"/deploy/prometheus/tests/*.test.yaml; do promtool test rules "$t"; done
else
  echo "promtool not found: skipping the alert rule check (Debian package: prometheus)"
fi
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["panels"], "no panels"; print("%s: %d panels" % (sys.argv[1], len(d["panels"])))' "$root/deploy/grafana/loopwatch.json"
