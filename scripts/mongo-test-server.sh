#!/usr/bin/env bash
# The MongoDB-wire-protocol test server (mongo-java-server, in-memory backend, reports MongoDB 4.4;
# with MONGO_TEST_SERVER_DATA_FILE its H2 file backend, which `npm start` uses by default).
# See docs/mongo-test-server.md.
#
#   scripts/mongo-test-server.sh build          build tools/mongo-test-server/target/mongo-test-server.jar
#                                               (skipped when the jar is newer than pom.xml and src/)
#   scripts/mongo-test-server.sh start [PORT]   start it in the background on 127.0.0.1 (PORT 0 or none
#                                               = a free port), wait until it listens, print its URI
#   scripts/mongo-test-server.sh stop           stop the server started by `start`
#   scripts/mongo-test-server.sh status         print the URI and exit 0 if it runs, else exit 1
#   scripts/mongo-test-server.sh uri            print the URI of the running server
#   scripts/mongo-test-server.sh jar            build if needed and print the jar's path
#
# Environment:
#   MONGO_TEST_SERVER_HOST           bind address (default 127.0.0.1)
#   MONGO_TEST_SERVER_HEAP           JVM heap limit (default 1g)
#   MONGO_TEST_SERVER_START_TIMEOUT  seconds to wait for the LISTENING line (default 60)
#   MONGO_TEST_SERVER_STATE_DIR      pid/uri/log directory (default .cache/mongo-test-server)
#   MONGO_TEST_SERVER_DATA_FILE      keep the data in this H2 MVStore file (default: in memory)
#   MAVEN_REPO_LOCAL                 Maven repository cache (default: Maven's own, ~/.m2/repository)
#   CI=true (as root)                install missing Java/Maven with apt-get
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOL_DIR="$ROOT/tools/mongo-test-server"
JAR="$TOOL_DIR/target/mongo-test-server.jar"
STATE_DIR="${MONGO_TEST_SERVER_STATE_DIR:-$ROOT/.cache/mongo-test-server}"
PID_FILE="$STATE_DIR/server.pid"
URI_FILE="$STATE_DIR/uri"
LOG_FILE="$STATE_DIR/server.log"
HOST="${MONGO_TEST_SERVER_HOST:-127.0.0.1}"
HEAP="${MONGO_TEST_SERVER_HEAP:-1g}"
START_TIMEOUT="${MONGO_TEST_SERVER_START_TIMEOUT:-60}"
APT_PACKAGES="openjdk-17-jdk-headless maven"

say() { echo "mongo-test-server: $*" >&2; }
die() { say "error: $*"; exit 1; }

# Java (a JDK: javac builds the jar) and Maven; installed with apt-get only as root under CI=true.
ensure_tools() {
  local need_build="$1" missing=()
  command -v java >/dev/null 2>&1 || missing+=(java)
  if [[ "$need_build" == yes ]]; then
    command -v javac >/dev/null 2>&1 || missing+=(javac)
    command -v mvn >/dev/null 2>&1 || missing+=(mvn)
  fi
  ((${#missing[@]} == 0)) && return 0
  if [[ "${CI:-}" == true && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} with apt-get ($APT_PACKAGES)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $APT_PACKAGES >&2
    return 0
  fi
  die "missing ${missing[*]}. The test server needs Java 17+ and Maven 3.
  On Debian/Ubuntu: sudo apt-get install -y $APT_PACKAGES
  Or point the tests at a MongoDB you run yourself: export MONGODB_URI=mongodb://127.0.0.1:27017"
}

jar_is_fresh() {
  [[ -f "$JAR" ]] || return 1
  [[ -z "$(find "$TOOL_DIR/pom.xml" "$TOOL_DIR/src" -newer "$JAR" -print -quit)" ]]
}

cmd_build() {
  mkdir -p "$STATE_DIR"
  # Several test processes may ask for the jar at once: build under a lock.
  exec 9>"$STATE_DIR/build.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if jar_is_fresh; then
    exec 9>&-
    return 0
  fi
  ensure_tools yes
  say "building $JAR (Maven; the first build downloads ~27 MB into the Maven cache)"
  local started=$SECONDS mvn_args=(-q -B -Dstyle.color=never -f "$TOOL_DIR/pom.xml")
  [[ -n "${MAVEN_REPO_LOCAL:-}" ]] && mvn_args+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")
  # (Debian's Maven 3.8 prints bare colour-reset codes even in batch mode: strip them)
  if ! mvn "${mvn_args[@]}" package 2>&1 | sed $'s/\x1b\\[0m//g' >&2; then
    exec 9>&-
    die "Maven build failed (see above)"
  fi
  [[ -f "$JAR" ]] || die "Maven finished but $JAR is missing"
  touch "$JAR"
  say "built in $((SECONDS - started)) s"
  exec 9>&-
}

# alive PID: the process exists and is not a zombie waiting for init to reap it
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [[ "$state" != Z ]]
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  # guard against a recycled pid
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "mongo-test-server.jar" || return 1
  echo "$pid"
}

cmd_start() {
  local port="${1:-0}" pid uri
  [[ "$port" =~ ^[0-9]+$ ]] || die "port must be a number (0 = a free port), got '$port'"
  if pid="$(running_pid)" && [[ -s "$URI_FILE" ]]; then
    say "already running (pid $pid)"
    cat "$URI_FILE"
    return 0
  fi
  cmd_build
  ensure_tools no
  mkdir -p "$STATE_DIR"
  rm -f "$PID_FILE" "$URI_FILE"
  : >"$LOG_FILE"
  # setsid: its own session, so that a Ctrl-C in the calling terminal does not reach it.
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  local data=()
  if [[ -n "${MONGO_TEST_SERVER_DATA_FILE:-}" ]]; then
    mkdir -p "$(dirname "$MONGO_TEST_SERVER_DATA_FILE")"
    data=(--data-file "$MONGO_TEST_SERVER_DATA_FILE")
  fi
  "${launcher[@]}" java "-Xmx$HEAP" -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError \
    -jar "$JAR" --host "$HOST" --port "$port" "${data[@]}" </dev/null >"$LOG_FILE" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"
  local deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    uri="$(sed -n 's/^LISTENING \(mongodb:\/\/[^ ]*\).*/\1/p' "$LOG_FILE" | head -n 1)"
    [[ -n "$uri" ]] && break
    if ! alive "$pid"; then
      rm -f "$PID_FILE"
      say "the server exited before listening; its output:"
      sed 's/^/  /' "$LOG_FILE" >&2
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      kill "$pid" 2>/dev/null || true
      rm -f "$PID_FILE"
      say "no LISTENING line within ${START_TIMEOUT}s; its output:"
      sed 's/^/  /' "$LOG_FILE" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$uri" >"$URI_FILE"
  say "listening at $uri (pid $pid, heap limit $HEAP, log $LOG_FILE)"
  echo "$uri"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE" "$URI_FILE"
    say "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    alive "$pid" || break
    sleep 0.05
  done
  if alive "$pid"; then
    say "still running after 5 s; sending SIGKILL to $pid"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE" "$URI_FILE"
  say "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)" && [[ -s "$URI_FILE" ]]; then
    echo "running pid $pid at $(cat "$URI_FILE")"
  else
    echo "not running"
    return 1
  fi
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start "${2:-0}" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  uri) running_pid >/dev/null && [[ -s "$URI_FILE" ]] && cat "$URI_FILE" || die "not running" ;;
  jar) cmd_build && echo "$JAR" ;;
  *)
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
