#!/usr/bin/env bash
# Where a fresh emulator's resident memory grows while WebSockets open: starts the bench's server
# process (the fixtures of `partyflare bench`) with extra JVM options, opens N sockets in N rooms (or
# one), and splits the growth of its RSS into the Java heap's mapping and everything else (native:
# SQLite, the JIT, thread stacks, file mappings), from `pmap` before and after.
#
#   cli/bench/rss-breakdown.sh [N] [rooms|one] [JVM options...]
#   e.g. cli/bench/rss-breakdown.sh 2000 rooms -Dpartyflare.storage.openDatabases=16
#
# Needs ./partyflare built (cli/target/partyflare.jar), JAVA_HOME (or java on the PATH) a JDK >= 21,
# python3 and pmap; loopback only.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-2000}
layout=${2:-rooms}
shift $(( $# > 2 ? 2 : $# ))
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
if ! "$java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  echo "needs a JDK >= 21: set JAVA_HOME to one" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

# the server process ends when its standard input does: this script holds it open (fd 4)
mkfifo "$tmp/server.in"
"$java" --sun-misc-unsafe-memory-access=allow "$@" -jar "$root/cli/target/partyflare.jar" bench-server emulator \
  > "$tmp/server.out" 2>&1 < "$tmp/server.in" &
pid=$!
exec 4> "$tmp/server.in"
for _ in $(seq 1 300); do grep -q '^ports ' "$tmp/server.out" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/^ports /{print $2}' "$tmp/server.out")
[ -n "$port" ] || { echo "the server did not start:" >&2; cat "$tmp/server.out" >&2; exit 1; }
sleep 1
# as the bench does before it measures: a full collection (which also shrinks the heap)
"${java%java}jcmd" "$pid" GC.run > /dev/null
sleep 0.5
pmap -x "$pid" > "$tmp/before" || true  # pmap exits non-zero on unreadable mappings

mkfifo "$tmp/hold"
python3 - "$port" "$n" "$layout" "$tmp/hold" > "$tmp/client.out" <<'PY' &
import base64, os, socket, sys
port, n, layout, hold = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    room = f"rss-room-{i if layout == 'rooms' else 'one'}"
    s.sendall((f"GET /parties/room/{room} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        d = s.recv(4096)
        if not d:
            sys.exit("closed during the handshake")
        head += d
    if not head.startswith(b"HTTP/1.1 101"):
        sys.exit(head.split(b"\r\n")[0].decode())
    socks.append(s)
print("open", flush=True)
open(hold).read()  # keeps the sockets open until the script is done measuring
PY
client=$!
until grep -q open "$tmp/client.out" 2>/dev/null; do
  kill -0 "$client" 2>/dev/null || { echo "the client failed" >&2; exit 1; }
  sleep 0.1
done
sleep 1
pmap -x "$pid" > "$tmp/after" || true
echo done > "$tmp/hold"

python3 - "$tmp/before" "$tmp/after" "$n" <<'PY'
import sys
def load(path):
    m = {}
    for line in open(path):
        p = line.split()
        if len(p) >= 4 and len(p[0]) >= 8:
            try:
                m[p[0]] = int(p[2])
            except ValueError:
                pass
    return m
before, after, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
# the heap is the one mapping the JVM reserves low in the address space (compressed oops)
growth = {k: v - before.get(k, 0) for k, v in after.items()}
heap = sum(v for k, v in growth.items() if int(k, 16) < 0x800000000)
total = sum(growth.values())
print(f"{n} sockets: RSS +{total / 1024:.1f} MiB ({total / n:.1f} KiB per socket): "
      f"Java heap +{heap / 1024:.1f} MiB ({heap / n:.1f} KiB), other +{(total - heap) / 1024:.1f} MiB ({(total - heap) / n:.1f} KiB)")
PY
