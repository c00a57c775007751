#!/usr/bin/env bash
# Times a 1,000-test suite through `mvn test`: 10 classes of 100 tests each
# (junit5/src/test/java/dev/partyflare/emulator/junit5/suite1000), once per emulator lifetime, and
# prints the wall time of the Maven command and the time inside the tests (the sum of Surefire's
# per-class times). docs/testing.md quotes its figures.
#
#   scripts/harness-suite-benchmark.sh [-r RUNS] [-l "PER_TEST REUSED_IN_CLASS REUSED_IN_RUN"] [-j JVM_ARGS] [-s]
#
#   -r RUNS       runs per lifetime (default 3)
#   -l LIFETIMES  the lifetimes to measure (default: all three)
#   -j JVM_ARGS   more options for the test JVM (Maven's -Dtest.jvmArgs), e.g. "-XX:TieredStopAtLevel=1"
#   -s            skip installing the emulator first (it must be current in ~/.m2)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3 lifetimes="PER_TEST REUSED_IN_CLASS REUSED_IN_RUN" skip_build="" jvm_args=""
while getopts "r:l:j:s" opt; do
  case "$opt" in
    r) runs=$OPTARG ;;
    l) lifetimes=$OPTARG ;;
    j) jvm_args=$OPTARG ;;
    s) skip_build=1 ;;
    *) echo "usage: $0 [-r RUNS] [-l LIFETIMES] [-j JVM_ARGS] [-s]" >&2; exit 2 ;;
  esac
done
if [ -z "$skip_build" ]; then
  ./mvnw -o -q -pl emulator -am install -DskipTests
  ./mvnw -o -q -pl junit5 test-compile
fi
reports=junit5/target/surefire-reports
# CPU (user + system, Maven and the forked test JVM) is printed too: on a machine that other work
# keeps busy, wall times say more about the neighbours than about the suite.
printf '%-16s %4s %10s %14s %9s %6s  %s\n' lifetime run "wall (s)" "in tests (s)" "CPU (s)" tests load
for lifetime in $lifetimes; do
  for run in $(seq 1 "$runs"); do
    rm -f "$reports"/TEST-dev.partyflare.emulator.junit5.suite1000.*.xml
    python3 - "$lifetime" "$run" "$reports" "$jvm_args" <<'PY'
import glob, os, resource, subprocess, sys, time, xml.etree.ElementTree as ET
lifetime, run, reports, jvm_args = sys.argv[1:]
start = time.monotonic()
subprocess.run(["./mvnw", "-o", "-q", "-pl", "junit5", "test",
                "-Dtest=dev.partyflare.emulator.junit5.suite1000.Suite*",
                "-Dsurefire.failIfNoSpecifiedTests=false",
                "-Dpartyflare.suite1000=true", "-Dpartyflare.suite1000.lifetime=" + lifetime,
                "-Dtest.jvmArgs=" + jvm_args],
               check=True, stdout=subprocess.DEVNULL)
wall = time.monotonic() - start
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
total, tests = 0.0, 0
for f in glob.glob(reports + "/TEST-dev.partyflare.emulator.junit5.suite1000.*.xml"):
    root = ET.parse(f).getroot()
    total += float(root.get("time"))
    tests += int(root.get("tests"))
load = os.getloadavg()[0]
print(f"{lifetime:<16} {run:>4} {wall:>10.2f} {total:>14.2f} {ru.ru_utime + ru.ru_stime:>9.2f} {tests:>6}  {load:.1f}")
PY
  done
done
