#!/usr/bin/env bash
# Time from a fresh clone to a demo answering HTTP: clone, `make demo` (venv, install,
# migrate, generate and load 129,000 households × 10 years, start), first 200 from /login/.
# Usage: benchmarks/bench_clone_to_demo.sh [REPO]   (port 8000 must be free)
set -euo pipefail
REPO="${1:-$(git rev-parse --show-toplevel)}"
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; pkill -f "$WORK/.venv" 2>/dev/null || true; rm -rf "$WORK"' EXIT
start=$(date +%s.%N)
git clone -q "$REPO" "$WORK"
cd "$WORK"
( make demo >"$WORK/demo.log" 2>&1 ) &
# `make demo` serves on 8000; the URL check uses it.
until curl -fs -o /dev/null "http://127.0.0.1:8000/login/"; do
  sleep 1
  if ! jobs %1 >/dev/null 2>&1; then echo "make demo failed"; tail -20 "$WORK/demo.log"; exit 1; fi
done
end=$(date +%s.%N)
secs=$(python3 -c "print(round($end - $start, 1))")
grep -E "demo ready|households|assessments" "$WORK/demo.log" || true
echo "fresh clone to running demo: ${secs} s"
echo "{\"bench\": \"clone_to_demo\", \"seconds\": $secs}"
