#!/usr/bin/env bash
# ainode against Debian's prometheus-node-exporter on this host, in one run:
#   1. CPU per full collection cycle vs the floor of reading the same files;
#   2. resident memory after BENCH_SOAK_SECONDS (default 600) of scrapes every second;
#   3. scrape throughput and latency with wrk (BENCH_WRK_SECONDS each, default 10);
#   4. memory by configuration (bench/memory.sh, BENCH_MEMORY_SECONDS each, default 60);
#   5. the loaded soak on the 8-GPU twin (bench/soak.sh, BENCH_TWIN_SOAK_SECONDS, default 600).
# Prints a Markdown section for bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
SOAK=${BENCH_SOAK_SECONDS:-600}
WRK_SECONDS=${BENCH_WRK_SECONDS:-10}
CYCLES=${BENCH_CYCLES:-200}
TMP=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"' EXIT

for tool in wrk strace prometheus-node-exporter curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run make deps" >&2; exit 1; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# --- 1. CPU per collection cycle against the read floor -------------------
# The files a cycle touches, as the kernel saw them, so the floor reads
# exactly the same set.
bench/files_read.sh "$BUILD/bench/bench_cycle_cost" 1 >"$TMP/files"
read -r ours_line < <("$BUILD/bench/bench_cycle_cost" "$CYCLES")
read -r floor_line < <("$BUILD/bench/bench_read_floor" "$TMP/files" "$CYCLES")
ours=$(sed -E 's/.*cpu_seconds_per_cycle=([0-9.]+).*/\1/' <<<"$ours_line")
floor=$(sed -E 's/.*cpu_seconds_per_pass=([0-9.]+).*/\1/' <<<"$floor_line")
entries=$(sed -E 's/entries=([0-9]+).*/\1/' <<<"$floor_line")

# GPU: one full collection on the simulated 8-GPU scenario (upper bound of
# our overhead: the simulator's own work is included).
gpu_line=$("$BUILD/bench/bench_gpu_cycle_cost" "$BUILD/nvml_sim/libnvidia-ml.so.1" scenarios/h100x8.toml 2000)
gpu_cpu=$(sed -E 's/.*cpu_seconds_per_cycle=([0-9.]+).*/\1/' <<<"$gpu_line")

# Event fan-out: CPU per event delivered to 1,000 SSE clients.
fanout_line=$("$BUILD/bench/bench_event_fanout" 1000 2000)

# Per collector (power, fabric, topology) against its own read floor.
bench/per_collector.sh "$CYCLES" >"$TMP/per_collector"

# --- 2. and 3. both servers side by side -----------------------------------
ainode_port=$(free_port)
ne_port=$(free_port)
"$BUILD/ainode" --web.listen-address "127.0.0.1:$ainode_port" --log.level warn &
PIDS+=($!)
ainode_pid=$!
prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" --log.level=warn 2>/dev/null &
PIDS+=($!)
ne_pid=$!
for url in "http://127.0.0.1:$ainode_port/readyz" "http://127.0.0.1:$ne_port/metrics"; do
  for _ in $(seq 100); do curl -fsS -o /dev/null "$url" 2>/dev/null && break; sleep 0.1; done
done
AINODE_URL="http://127.0.0.1:$ainode_port/metrics"
NE_URL="http://127.0.0.1:$ne_port/metrics"
ainode_samples=$(curl -fsS "$AINODE_URL" | grep -vc '^#')
ne_samples=$(curl -fsS "$NE_URL" | grep -vc '^#')

echo "soaking ${SOAK}s (one gzip scrape per second each)..." >&2
end=$((SECONDS + SOAK))
while [ $SECONDS -lt $end ]; do
  curl -fsS -H 'Accept-Encoding: gzip' -o /dev/null "$AINODE_URL" &
  first=$!
  curl -fsS -H 'Accept-Encoding: gzip' -o /dev/null "$NE_URL" &
  second=$!
  wait "$first" "$second" || true
  sleep 1
done
ainode_rss=$(rss_kib "$ainode_pid"); ainode_hwm=$(hwm_kib "$ainode_pid")
ne_rss=$(rss_kib "$ne_pid"); ne_hwm=$(hwm_kib "$ne_pid")

run_wrk() {  # URL ENCODING -> "req/s p50 p99"
  local header=()
  [ "$2" = gzip ] && header=(-H 'Accept-Encoding: gzip')
  wrk -t1 -c16 -d"${WRK_SECONDS}s" --latency "${header[@]}" "$1" >"$TMP/wrk" 2>&1
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print rps, p50, p99}' "$TMP/wrk"
}
read -r a_rps a_p50 a_p99 < <(run_wrk "$AINODE_URL" plain)
read -r n_rps n_p50 n_p99 < <(run_wrk "$NE_URL" plain)
read -r ag_rps ag_p50 ag_p99 < <(run_wrk "$AINODE_URL" gzip)
read -r ng_rps ng_p50 ng_p99 < <(run_wrk "$NE_URL" gzip)

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.1f}' if b else 'n/a')" "$1" "$2"; }
cpu_model=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
cat <<MD
### $(date -u +%Y-%m-%d) — $(nproc) cores, ${cpu_model:-unknown CPU}, kernel $(uname -r)

Command: \`BENCH_SOAK_SECONDS=$SOAK BENCH_WRK_SECONDS=$WRK_SECONDS make bench\` (ainode $("$BUILD/ainode" --version | cut -d' ' -f2-),
node_exporter $(prometheus-node-exporter --version 2>&1 | head -1 | awk '{print $3}'); wrk -t1 -c16 on loopback, both servers on the same host).
Samples per scrape: ainode $ainode_samples, node_exporter $ne_samples.

| measure | ainode | node_exporter | ratio |
|---|---|---|---|
| scrape throughput, plain (req/s) | $a_rps | $n_rps | $(ratio "$a_rps" "$n_rps")× |
| latency p50 / p99, plain | $a_p50 / $a_p99 | $n_p50 / $n_p99 | |
| scrape throughput, gzip (req/s) | $ag_rps | $ng_rps | $(ratio "$ag_rps" "$ng_rps")× |
| latency p50 / p99, gzip | $ag_p50 / $ag_p99 | $ng_p50 / $ng_p99 | |
| RSS after ${SOAK}s of 1 scrape/s (MiB) | $(python3 -c "print(f'{$ainode_rss/1024:.1f}')") | $(python3 -c "print(f'{$ne_rss/1024:.1f}')") | $(ratio "$ainode_rss" "$ne_rss") |
| peak RSS (MiB) | $(python3 -c "print(f'{$ainode_hwm/1024:.1f}')") | $(python3 -c "print(f'{$ne_hwm/1024:.1f}')") | |

CPU per full collection cycle ($CYCLES cycles, all default collectors, snapshot and one text rendering included): **$(python3 -c "print(f'{$ours*1000:.3f}')") ms**;
floor (a bare C++ loop opening and reading the same $entries files/directories, no parsing): $(python3 -c "print(f'{$floor*1000:.3f}')") ms;
ratio **$(ratio "$ours" "$floor")×** the floor.

GPU collection, 8 simulated H100s (\`scenarios/h100x8.toml\`, every NVML query, metrics and status detail):
**$(python3 -c "print(f'{$gpu_cpu*1000:.3f}')") ms CPU per cycle**, i.e. $(python3 -c "print(f'{$gpu_cpu*100:.3f}')")% of one core at a 1 s interval
($(python3 -c "print(f'{$gpu_cpu*1e6/8:.0f}')") µs per GPU; the simulator's own work included).

Event stream (\`bench_event_fanout 1000 2000\`: 1,000 SSE clients in a child process, 500 events/s; the
figure is the agent side, publisher plus the server's io thread): $fanout_line

Power, fabric and topology collectors alone, each against the floor of reading its own files
(\`bench/per_collector.sh\`; "fixture" runs on the committed real-shaped tree, which has the
RAPL zones, hwmon chips and IB ports this host may lack; each figure includes building one
snapshot and rendering it, about 0.03 ms with no collector output):

$(cat "$TMP/per_collector")
MD

# Where the memory goes, per configuration, against node_exporter (issue 15).
echo
echo "Memory by configuration (\`bench/memory.sh\`):"
echo
BENCH_MEMORY_SECONDS=${BENCH_MEMORY_SECONDS:-60} bench/memory.sh

# The loaded soak on the 8-GPU twin (issue 15), in its 10-minute short form
# here; `BENCH_SOAK_SECONDS=3600 bench/soak.sh` is the full hour.
echo
BENCH_SOAK_SECONDS=${BENCH_TWIN_SOAK_SECONDS:-600} bench/soak.sh
