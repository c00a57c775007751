#!/usr/bin/env bash
# Runs a command with CPU hogs beside it, to see how it behaves on a busy machine, and reports
# pass/fail per run. The hogs are plain busy loops at normal priority, each bounded by `timeout`,
# and killed when the command ends (or this script is interrupted).
#
#   scripts/with-cpu-hogs.sh [-n HOGS] [-r RUNS] [-t HOG_SECONDS] [-l LOG_DIR] -- COMMAND [ARGS...]
#
#   -n HOGS         busy loops beside the command (default 2)
#   -r RUNS         how many times to run the command (default 1)
#   -t HOG_SECONDS  the longest a hog lives (default 3600); a hog never outlives its run anyway
#   -l LOG_DIR      keep each run's output as LOG_DIR/run-N.log (default: a temporary directory)
#
# Example: the README's test command, 10 times, with two hogs:
#   scripts/with-cpu-hogs.sh -n 2 -r 10 -- ./mvnw -B verify
set -u
hogs=2 runs=1 hog_seconds=3600 logs=""
while getopts "n:r:t:l:" opt; do
  case "$opt" in
    n) hogs=$OPTARG ;;
    r) runs=$OPTARG ;;
    t) hog_seconds=$OPTARG ;;
    l) logs=$OPTARG ;;
    *) echo "usage: $0 [-n HOGS] [-r RUNS] [-t HOG_SECONDS] [-l LOG_DIR] -- COMMAND..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
if [ $# -eq 0 ]; then
  echo "usage: $0 [-n HOGS] [-r RUNS] [-t HOG_SECONDS] [-l LOG_DIR] -- COMMAND..." >&2
  exit 2
fi
[ -n "$logs" ] || logs=$(mktemp -d "${TMPDIR:-/tmp}/with-cpu-hogs.XXXXXX")
mkdir -p "$logs"

pids=""
stop_hogs() {
  for p in $pids; do kill "$p" 2>/dev/null; done
  for p in $pids; do wait "$p" 2>/dev/null; done
  pids=""
}
trap 'stop_hogs; exit 130' INT TERM
trap stop_hogs EXIT

passed=0 failed=0
for run in $(seq 1 "$runs"); do
  for _ in $(seq 1 "$hogs"); do
    timeout "$hog_seconds" sh -c 'while :; do :; done' &
    pids="$pids $!"
  done
  start=$(date +%s)
  "$@" > "$logs/run-$run.log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
  stop_hogs
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1)); verdict=PASS
  else
    failed=$((failed + 1)); verdict="FAIL (exit $rc)"
  fi
  echo "run $run/$runs with $hogs hogs: $verdict in ${took} s (load $load) — $logs/run-$run.log"
done
echo "$passed of $runs passed with $hogs CPU hogs"
[ "$failed" -eq 0 ]
