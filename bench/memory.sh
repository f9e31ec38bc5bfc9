#!/usr/bin/env bash
# Where ainode's memory goes (issue 15), side by side with Debian's
# prometheus-node-exporter in the same run. Each configuration runs for
# BENCH_MEMORY_SECONDS (default 60) with one gzip scrape per second, then
# its /proc/<pid>/smaps_rollup, thread and descriptor counts and largest
# mappings are read. Configurations:
#   default     ainode as installed: default collectors (buffer on, in a
#               fresh state directory), no kubelet socket, no BMC
#   cpu-only    --collect.disable-defaults --collector.cpu
#   k8s-gpu     the 8-GPU twin (scenarios/h100x8.toml) with its kubelet
#               serving PodResources (every default integration active)
#   node_exporter  for comparison
# Prints a Markdown table and the top mappings per configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
SECONDS_EACH=${BENCH_MEMORY_SECONDS:-60}
TMP=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$TMP"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_url() { for _ in $(seq 200); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/smaps_rollup"; }

# measure NAME PID URL: scrape every second, then one table row.
measure() {
  local name=$1 pid=$2 url=$3
  wait_url "$url"
  for _ in $(seq "$SECONDS_EACH"); do curl -fsS -H 'Accept-Encoding: gzip' -o /dev/null "$url"; sleep 1; done
  local rss anon threads fds kept
  rss=$(kib "$pid" Rss); anon=$(kib "$pid" Anonymous)
  threads=$(ls "/proc/$pid/task" | wc -l); fds=$(ls "/proc/$pid/fd" | wc -l)
  # procfs/sysfs files kept open between cycles (collect.keep_files_open), apart.
  kept=$({ find "/proc/$pid/fd" -mindepth 1 \( -lname '/proc/*' -o -lname '/sys/*' \) 2>/dev/null || true; } | wc -l)
  printf '| %s | %.1f | %.1f | %d | %d | %d |\n' "$name" "$(bc -l <<<"$rss/1024")" "$(bc -l <<<"$anon/1024")" \
    "$threads" "$((fds - kept))" "$kept" >>"$TMP/table"
  {
    echo "$name (KiB of RSS):"
    awk '/^[0-9a-f]+-[0-9a-f]+ /{n=$6; if (n == "") n="[anonymous]"; sub(".*/", "", n)} /^Rss:/{r[n]+=$2}
         END{for (k in r) if (r[k] > 0) print r[k], k}' "/proc/$pid/smaps" | sort -rn | head -12 | tr '\n' ';'
    echo
  } >>"$TMP/mappings"
}

run_ainode() {
  local name=$1; shift
  local port state
  port=$(free_port); state="$TMP/state-$name"
  "$BUILD/ainode" --web.listen-address "127.0.0.1:$port" --log.level warn --state.dir "$state" "$@" &
  local pid=$!
  PIDS+=("$pid")
  measure "$name" "$pid" "http://127.0.0.1:$port/metrics"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run_ainode default
run_ainode cpu-only --collect.disable-defaults --collector.cpu

# The twin starts the agent itself, with its kubelet's socket and the
# simulated NVML; AINODE_STATE_DIR keeps its buffer out of /var/lib/ainode.
port=$(free_port)
AINODE_STATE_DIR="$TMP/state-twin" AINODE_LOG_LEVEL=warn \
  "$BUILD/twin/ainode-twin" run scenarios/h100x8.toml --listen "127.0.0.1:$port" --out "$TMP/twin" \
  --model-server "" >"$TMP/twin.log" 2>&1 &
twin_pid=$!
PIDS+=("$twin_pid")
wait_url "http://127.0.0.1:$port/readyz"
agent_pid=$(pgrep -P "$twin_pid" -x ainode)
measure k8s-gpu "$agent_pid" "http://127.0.0.1:$port/metrics"
pods=$(curl -fsS "http://127.0.0.1:$port/metrics" | grep -c '^ainode_k8s_gpu_allocation_info' || true)
kill "$twin_pid"; wait "$twin_pid" 2>/dev/null || true

port=$(free_port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$port" --log.level=warn 2>/dev/null &
ne_pid=$!
PIDS+=("$ne_pid")
measure node_exporter "$ne_pid" "http://127.0.0.1:$port/metrics"

echo "Command: \`bench/memory.sh\` (BENCH_MEMORY_SECONDS=$SECONDS_EACH), $(date -u +%Y-%m-%d), $(nproc) cores," \
  "$(uname -r); $("$BUILD/ainode" --version 2>/dev/null | head -1)," \
  "node_exporter $(prometheus-node-exporter --version 2>&1 | head -1 | awk '{print $3}')."
echo "k8s-gpu: $pods ainode_k8s_gpu_allocation_info series (the twin kubelet's pods were seen)."
echo
echo "| configuration | RSS (MiB) | anonymous (MiB) | threads | open fds | kept procfs/sysfs files |"
echo "|---|---|---|---|---|---|"
cat "$TMP/table"
echo
cat "$TMP/mappings"
