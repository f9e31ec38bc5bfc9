# Shared helpers for the end-to-end tests (sourced, not run).
# Environment from CTest: AINODE_BINARY, AINODE_SOURCE_DIR, AINODE_BUILD_DIR.
set -euo pipefail

: "${AINODE_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${AINODE_BUILD_DIR:=$AINODE_SOURCE_DIR/build}"
: "${AINODE_BINARY:=$AINODE_BUILD_DIR/ainode}"
FIXTURES="$AINODE_SOURCE_DIR/tests/fixtures"
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ainode-e2e.XXXXXX")
BACKGROUND_PIDS=()

# Every background process must exit within 15 s of SIGTERM (systemd's
# stop is bounded too): one that does not is killed and fails the test
# with its command line, instead of hanging it until CTest's timeout.
cleanup() {
  local status=$? pid waited stuck=0
  for pid in "${BACKGROUND_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${BACKGROUND_PIDS[@]}"; do
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 150 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "FAIL: pid $pid did not exit within 15 s of SIGTERM: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" >&2
      kill -KILL "$pid" 2>/dev/null || true
      stuck=1
    fi
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK_DIR"
  if [ "$stuck" = 1 ] && [ "$status" = 0 ]; then exit 1; fi
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits until URL answers 200, for at most $2 seconds (default 15).
wait_for_url() {
  local url=$1 limit=${2:-15} waited=0
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    sleep 0.1
    waited=$((waited + 1))
    if [ "$waited" -ge $((limit * 10)) ]; then
      echo "$url did not become ready within ${limit}s" >&2
      return 1
    fi
  done
}

# start_agent NAME [ainode flags...]: starts ainode on a free loopback port,
# sets AGENT_URL and waits for /readyz (or $READY_PATH: an agent whose core
# collectors fail is never ready, /metrics answers once a cycle completed).
start_agent() {
  local name=$1
  shift
  local port
  port=$(free_port)
  # Each agent its own state directory (buffer), never the machine's /var/lib/ainode.
  local state=()
  [[ " $* " == *" --state.dir "* ]] || state=(--state.dir "$WORK_DIR/state-$name")
  "$AINODE_BINARY" --web.listen-address "127.0.0.1:$port" "${state[@]}" "$@" >"$WORK_DIR/$name.log" 2>&1 &
  BACKGROUND_PIDS+=($!)
  AGENT_URL="http://127.0.0.1:$port"
  wait_for_url "$AGENT_URL${READY_PATH:-/readyz}" || { cat "$WORK_DIR/$name.log" >&2; fail "agent $name did not start"; }
}

# Agent flags that point every collector at the committed fixture tree.
# The GPU collector is left out here: the host fixture tree has no GPUs, and
# a developer machine with a real one must still match the golden file.
# The kubelet socket points into the fixture tree, where there is none: a
# machine that is a Kubernetes node must still match the golden file.
fixture_flags() {
  echo --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs" \
    --kubelet.pod-resources-socket "$FIXTURES/rootfs/var/lib/kubelet/pod-resources/kubelet.sock" \
    --collect.interval 1h $(no_gpu_flag)
}
no_gpu_flag() {
  # Not `--help | grep -q`: grep quitting early makes the pipeline fail
  # under pipefail when ainode gets SIGPIPE.
  local help
  help=$("$AINODE_BINARY" --help)
  if grep -q -- '--no-collector.gpu' <<<"$help"; then echo --no-collector.gpu; fi
}

# Replaces values that depend on the moment or the build machine (timings,
# timestamps, the revision, statfs of the checkout's filesystem) so the rest
# can be compared byte for byte with a golden file.
normalize_metrics() {
  sed -E \
    -e 's/^(ainode_(agent_cpu_seconds_total|agent_resident_memory_bytes|agent_threads|agent_open_fds|event_ring_bytes|buffer_disk_bytes|buffer_write_seconds_total|collector_duration_seconds|collector_last_success_timestamp_seconds|start_time_seconds|snapshot_timestamp_seconds|collection_duration_seconds|time_seconds|filesystem_(size|free|avail)_bytes|filesystem_files|filesystem_files_free)(\{[^}]*\})?) .*/\1 <varies>/' \
    -e 's/^(ainode_build_info\{version="[^"]*",revision=")[^"]*"/\1<revision>"/'
}

# Starts Debian's Prometheus on a free loopback port with
# $WORK_DIR/prometheus.yml and its data in $WORK_DIR/tsdb; sets PROM to its
# URL once it is ready.
start_prometheus() {
  local port
  port=$(free_port)
  prometheus --config.file="$WORK_DIR/prometheus.yml" --storage.tsdb.path="$WORK_DIR/tsdb" \
    --web.listen-address="127.0.0.1:$port" "$@" >"$WORK_DIR/prometheus.log" 2>&1 &
  BACKGROUND_PIDS+=($!)
  PROM="http://127.0.0.1:$port"
  wait_for_url "$PROM/-/ready" 30
}

# The first value of an instant PromQL query against $PROM, "" when empty.
prom_query() {
  curl -fsS --get "$PROM/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
