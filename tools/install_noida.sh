#!/usr/bin/env bash
# Installs the pinned noida-db (an isolating Kafka-compatible test broker, a Python package) into the
# project-local venv .venv-noida/ (never the system Python) and prints the path of the broker
# binary shipped inside the package. On failure: prints one line saying why, exits 1 (details
# in .venv-noida.log). Idempotent: an installed pin is not reinstalled.
set -uo pipefail
cd "$(dirname "$0")/.."
VERSION=0.2.3
VENV=.venv-noida
LOG=.venv-noida.log

fail() { echo "$*"; exit 1; }

installed() {
  "$VENV/bin/python" - "$VERSION" 2>/dev/null <<'PY'
import importlib.metadata as m, importlib.resources as r, sys
assert m.version("noida-db") == sys.argv[1]
print(r.files("noida_db").joinpath("noida-db"))
PY
}

if ! bin=$(installed); then
  command -v python3 >/dev/null 2>&1 || fail "python3 is not installed"
  : >"$LOG"
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" >>"$LOG" 2>&1 \
      || fail "cannot create the venv $VENV (python3-venv missing?); see $LOG"
  fi
  "$VENV/bin/python" -m pip install -q "noida-db==$VERSION" >>"$LOG" 2>&1 \
    || fail "pip could not install noida-db==$VERSION into $VENV: $(tail -n 1 "$LOG")"
  bin=$(installed) || fail "noida-db==$VERSION installed, but its broker binary was not found; see $LOG"
fi
[ -f "$bin" ] || fail "no broker binary at $bin"
[ -x "$bin" ] || chmod 0755 "$bin" || fail "broker binary $bin is not executable"
# The binary links against a newer glibc symbol version only weakly: it says so and runs.
"$bin" version >/dev/null 2>&1 || fail "the broker binary $bin does not run on this machine"
echo "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
