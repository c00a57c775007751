# shellcheck shell=sh
# Sourced by ./mvnw, ./partyflare and .ci/run: makes JAVA_HOME point at a JDK >= 21.
# Looks at JAVA_HOME, then `java` on the PATH, then the system's JVM directory
# (/usr/lib/jvm, /usr/java, /opt/java, /Library/Java/JavaVirtualMachines), newest first.
# Leaves JAVA_HOME unchanged (and returns 1) when none is found; callers decide what to say.

partyflare_java_major() {
  # prints the major version of the java launcher given as $1, or nothing; reads the JDK's `release`
  # file when there is one (starting a JVM only to ask its version costs ~80 ms each time)
  _pf_launcher=$(command -v "$1" 2>/dev/null || true)
  if [ -n "$_pf_launcher" ]; then
    _pf_real=$(readlink -f "$_pf_launcher" 2>/dev/null || echo "$_pf_launcher")
    _pf_release=$(dirname "$(dirname "$_pf_real")")/release
    if [ -f "$_pf_release" ]; then
      _pf_rv=$(sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9][0-9]*\).*/\2/p' "$_pf_release" | head -n 1)
      if [ -n "$_pf_rv" ]; then
        echo "$_pf_rv"
        return 0
      fi
    fi
  fi
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

partyflare_find_jdk() {
  _pf_min=21
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    _pf_v=$(partyflare_java_major "$JAVA_HOME/bin/java")
    if [ -n "$_pf_v" ] && [ "$_pf_v" -ge "$_pf_min" ]; then return 0; fi
  fi
  if command -v javac >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
    _pf_v=$(partyflare_java_major java)
    if [ -n "$_pf_v" ] && [ "$_pf_v" -ge "$_pf_min" ]; then
      _pf_javac=$(command -v javac)
      while [ -h "$_pf_javac" ]; do
        _pf_link=$(readlink "$_pf_javac")
        case "$_pf_link" in /*) _pf_javac=$_pf_link ;; *) _pf_javac=$(dirname "$_pf_javac")/$_pf_link ;; esac
      done
      JAVA_HOME=$(cd "$(dirname "$_pf_javac")/.." && pwd)
      export JAVA_HOME
      return 0
    fi
  fi
  _pf_best=""
  _pf_best_v=0
  # callers may run with globbing off (./mvnw uses `set -f`): the directory scan needs it
  case $- in *f*) _pf_noglob=1; set +f ;; *) _pf_noglob=0 ;; esac
  for _pf_dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$_pf_dir/bin/javac" ] || continue
    _pf_v=$(partyflare_java_major "$_pf_dir/bin/java")
    [ -n "$_pf_v" ] || continue
    if [ "$_pf_v" -ge "$_pf_min" ] && [ "$_pf_v" -gt "$_pf_best_v" ]; then
      _pf_best=$_pf_dir
      _pf_best_v=$_pf_v
    fi
  done
  [ "$_pf_noglob" = 0 ] || set -f
  if [ -n "$_pf_best" ]; then
    JAVA_HOME=$_pf_best
    export JAVA_HOME
    return 0
  fi
  return 1
}

partyflare_jvm_flags() {
  # prints the JVM options that keep the JDK given as $1 (a java launcher) from warning about
  # libraries that still use sun.misc.Unsafe (Maven's guice, Undertow's xnio): JDK 24 and later warn
  # on every start; the option that allows it exists since JDK 23, and older JVMs refuse to start
  # with an option they do not know, so it is given only where it is needed
  _pf_fv=$(partyflare_java_major "$1")
  if [ -n "$_pf_fv" ] && [ "$_pf_fv" -ge 24 ]; then
    echo "--sun-misc-unsafe-memory-access=allow"
  fi
}

partyflare_server_jvm_flags() {
  # prints the JVM options of a partyflare server on the java launcher given as $1: `partyflare dev`
  # runs with them, and the launcher hands them to `partyflare bench` (PARTYFLARE_SERVER_JVM_OPTIONS)
  # for its server processes. The serial collector on a heap that starts at 16 MiB and grows as needed,
  # and (JDK 22+, where the option is a product one) the C heap trimmed every 500 ms, so that memory
  # SQLite frees when an object's database closes goes back to the system: a fresh dev server grows by
  # ~29 KiB per open WebSocket in 2,000 rooms with these, 47-60 KiB with the JVM's defaults (G1 on a
  # heap sized to the machine); throughput did not move beyond the machine's noise (docs/benchmarks.md).
  # Nothing when JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS choose a collector or size the heap: the JVM
  # refuses two collectors, and an initial heap above a maximum.
  case " ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} " in
  *-XX:+Use*GC* | *-Xmx* | *-Xms* | *-XX:MaxRAM* | *-XX:MaxHeapSize* | *-XX:InitialHeapSize*) return 0 ;;
  esac
  _pf_sv=$(partyflare_java_major "$1")
  if [ -n "$_pf_sv" ] && [ "$_pf_sv" -ge 22 ]; then
    echo "-XX:+UseSerialGC -Xms16m -XX:TrimNativeHeapInterval=500"
  else
    echo "-XX:+UseSerialGC -Xms16m"
  fi
}

partyflare_launch_flags() {
  # sets partyflare_flags to the JVM options of a partyflare command on the java launcher $1, whose first
  # argument is $2: the launcher's own (above), and for `dev` a server's. Chooses and exports
  # PARTYFLARE_SERVER_JVM_OPTIONS (the bench hands it to its server processes, a cluster to its nodes);
  # a value the user set wins, and an empty one means the JVM's defaults. The repo's ./partyflare and the
  # installed command both call this, so they launch alike.
  partyflare_flags=$(partyflare_jvm_flags "$1")
  if [ -z "${PARTYFLARE_SERVER_JVM_OPTIONS+set}" ]; then
    PARTYFLARE_SERVER_JVM_OPTIONS=$(partyflare_server_jvm_flags "$1")
  fi
  export PARTYFLARE_SERVER_JVM_OPTIONS
  if [ "$2" = dev ]; then
    partyflare_flags="$partyflare_flags $PARTYFLARE_SERVER_JVM_OPTIONS"
  fi
}
