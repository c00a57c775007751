#!/usr/bin/env bash
# Cold start of `partyflare dev` (the embedded demo) to its "Ready on" line, and of `wrangler dev`
# (the conformance suite's JS Worker: partyserver rooms, Durable Objects) to its "Ready on" line,
# measured the same way: wall time from launch to the line, RUNS times each, on 127.0.0.1.
#
#   cli/bench/dev-startup.sh [RUNS]        (default 5; needs ./partyflare built, Node.js for wrangler)
#
# wrangler is installed with npm into a cache directory on first use (WRANGLER_VERSION, default 4).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
port=18787
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

# wall time in ms from launching "$@" until its output contains $pattern; the process is then stopped
time_to_line() {
  local pattern=$1; shift
  local log="$tmp/out.log"
  : > "$log"
  local t0; t0=$(date +%s%N)
  setsid "$@" > "$log" 2>&1 < /dev/null &
  local pid=$!
  local deadline=$(( $(date +%s) + 120 ))
  until grep -q "$pattern" "$log"; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$(date +%s)" -gt "$deadline" ]; then
      echo "failed: $*" >&2; cat "$log" >&2; return 1
    fi
    sleep 0.005
  done
  local t1; t1=$(date +%s%N)
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}

stats() { sort -n | awk '{a[NR]=$1} END {printf "median %d ms, min %d ms, max %d ms (%d runs)\n", a[int((NR+1)/2)], a[1], a[NR], NR}'; }

"$root/partyflare" --version > /dev/null # builds the CLI on first use, outside the timing
echo "partyflare dev (embedded demo), launch to 'Ready on':"
(cd "$tmp" && for _ in $(seq "$runs"); do time_to_line "Ready on" "$root/partyflare" dev --port "$port" --no-reload; done) | stats

if command -v node > /dev/null && command -v npm > /dev/null; then
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/partyflare/wrangler
  if [ ! -x "$cache/node_modules/.bin/wrangler" ]; then
    mkdir -p "$cache"
    (cd "$cache" && npm install --no-audit --no-fund --silent "wrangler@${WRANGLER_VERSION:-4}" > /dev/null)
  fi
  js="$root/conformance-tests/js"
  [ -d "$js/node_modules/partyserver" ] || (cd "$js" && npm ci --no-audit --no-fund --silent > /dev/null)
  echo "wrangler dev $("$cache/node_modules/.bin/wrangler" --version 2>/dev/null | tail -n 1) (conformance JS Worker), launch to 'Ready on':"
  (cd "$js" && for _ in $(seq "$runs"); do
     WRANGLER_SEND_METRICS=false time_to_line "Ready on" "$cache/node_modules/.bin/wrangler" dev --ip 127.0.0.1 \
       --port "$port" --persist-to "$tmp/wrangler-state" --log-level info
   done) | stats
else
  echo "wrangler dev: skipped (Node.js not installed)"
fi
