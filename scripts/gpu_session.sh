#!/usr/bin/env bash
# The read-only checks of one lent GPU machine (docs/gpu-verification.md), in
# one run, since such a machine is lent for minutes:
#   1. the GPU collection's cost per cycle (bench_gpu_cycle_cost against the
#      real libnvidia-ml.so.1, with its per-entry-point table) interleaved
#      with one `nvidia-smi --query-gpu` of the same fields;
#   2. scripts/gpu_verify.py: every field against nvidia-smi, idle and under
#      a PyTorch load;
#   3. the agent's memory with the default collectors and the real driver;
#   4. `ainode policy plan` over dry_run profiles and `ainode diagnose`.
# It never changes the GPU's state: no power limit, clock, MIG, persistence
# or compute-mode change, no reset. Every profile it writes says
# `mode: dry_run`, and the limits and clocks nvidia-smi reports are recorded
# before and after (state_before.csv, state_after.csv) to show they held.
#
#   scripts/gpu_session.sh BIN_DIR OUT_DIR
# BIN_DIR: ainode, bench_gpu_cycle_cost (and, to compare, an older build's as
# bench_gpu_cycle_cost.before), and beside them the non-glibc shared
# libraries they need (gpu_verify.py, too, looks for them there). Everything lands in OUT_DIR/gpu_session.tgz.
set -u
cd "$(dirname "$0")/.."
BIN=$(cd "$1" && pwd)
OUT=$2
WORK=$(mktemp -d)
mkdir -p "$OUT"
export LD_LIBRARY_PATH="$BIN${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
PIDS=()
finish() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$WORK"/state-*/buffer*
  tar czf "$OUT/gpu_session.tgz" -C "$WORK" .
  cp "$WORK/summary.txt" "$OUT/summary.txt" 2>/dev/null
}
trap finish EXIT
say() { echo "== $*" | tee -a "$WORK/summary.txt"; }
FIELDS=$(python3 -c 'import sys; sys.path.insert(0, "scripts"); import gpu_verify; print(gpu_verify.QUERY_FIELDS)')
STATE_FIELDS=power.limit,enforced.power.limit,power.default_limit,clocks.applications.graphics,clocks.applications.memory,mig.mode.current,persistence_mode,compute_mode

say "$(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -r) $(nproc) cpus"
{ nvidia-smi; nvidia-smi -q; } >"$WORK/env.txt" 2>&1
nvidia-smi --query-gpu=$STATE_FIELDS --format=csv >"$WORK/state_before.csv" 2>&1
say "driver: $(nvidia-smi --query-gpu=name,driver_version,pci.bus_id --format=csv,noheader)"
missing=$(ldd "$BIN/ainode" "$BIN/bench_gpu_cycle_cost" | grep 'not found')
[ -n "$missing" ] && say "missing libraries: $missing"

# 1. Cost per cycle, three interleaved rounds.
smi_walls() {
  python3 - "$FIELDS" <<'PY'
import subprocess, sys, time
walls = []
for _ in range(10):
    t = time.perf_counter()
    subprocess.run(["nvidia-smi", "--query-gpu=" + sys.argv[1], "--format=csv,nounits"], capture_output=True)
    walls.append(time.perf_counter() - t)
walls.sort()
print(f"nvidia_smi_query wall_median={walls[5]:.6f} wall_min={walls[0]:.6f} wall_max={walls[-1]:.6f}")
PY
}
for round in 1 2 3; do
  for bench in bench_gpu_cycle_cost.before bench_gpu_cycle_cost; do
    [ -x "$BIN/$bench" ] || continue
    echo "# round $round $bench" >>"$WORK/cycle.txt"
    # The scenario is the simulator's (a dry run of this script); the real library ignores it.
    timeout 60 "$BIN/$bench" libnvidia-ml.so.1 "${AINODE_NVML_SIM_SCENARIO:-none}" 300 >>"$WORK/cycle.txt" 2>&1
  done
  echo "# round $round nvidia-smi" >>"$WORK/cycle.txt"
  smi_walls >>"$WORK/cycle.txt" 2>&1
done
grep -E '^(#|gpus=|nvidia_smi)' "$WORK/cycle.txt" >>"$WORK/summary.txt"

# 2. Field-by-field comparison with nvidia-smi, idle and under load.
mkdir -p "$WORK/verify"
timeout 240 python3 scripts/gpu_verify.py "$BIN/ainode" "$WORK/verify" >"$WORK/verify/run.log" 2>&1
say "gpu_verify rc=$? $(tr -d '\n ' <"$WORK/verify/bench.json" 2>/dev/null)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 100); do curl -fsS -o /dev/null "$1/readyz" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# 3. Memory as a user runs it: default collectors, the real driver found.
port=$(free_port)
"$BIN/ainode" --web.listen-address "127.0.0.1:$port" --log.level warn --state.dir "$WORK/state-memory" \
  >"$WORK/memory_agent.log" 2>&1 &
pid=$!
PIDS+=("$pid")
if wait_ready "http://127.0.0.1:$port"; then
  for _ in $(seq 45); do curl -fsS -H 'Accept-Encoding: gzip' -o /dev/null "http://127.0.0.1:$port/metrics"; sleep 1; done
  cp "/proc/$pid/smaps_rollup" "$WORK/memory_smaps_rollup.txt"
  awk '/^[0-9a-f]+-[0-9a-f]+ /{n=$6; if (n == "") n="[anonymous]"; sub(".*/", "", n)} /^Rss:/{r[n]+=$2}
       END{for (k in r) if (r[k] > 0) print r[k], k}' "/proc/$pid/smaps" | sort -rn >"$WORK/memory_mappings.txt"
  curl -fsS "http://127.0.0.1:$port/metrics" >"$WORK/memory_metrics.prom"
  say "memory: $(grep -E '^(Rss|Anonymous):' "$WORK/memory_smaps_rollup.txt" | tr -s ' \n' ' ') threads $(ls /proc/$pid/task | wc -l) fds $(ls /proc/$pid/fd | wc -l); top: $(head -6 "$WORK/memory_mappings.txt" | tr '\n' ';')"
else
  say "memory agent did not become ready"
fi
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null

# 4. Policy plan (dry_run only) and diagnose against a running agent.
mkdir -p "$WORK/policies"
cat >"$WORK/policies/dry-run.yaml" <<'EOF'
apiVersion: ainode.io/v1
kind: EfficiencyProfile
metadata:
  name: cap-idle-gpus-dry-run
spec:
  mode: dry_run
  selector:
    gpus: all
  when:
    - signal: gpu.utilization
      window: 10s
      avg_below: 0.5
  for: 5s
  cooldown: 10s
  then:
    power_limit: 60%
---
apiVersion: ainode.io/v1
kind: EfficiencyProfile
metadata:
  name: hot-gpus-dry-run
spec:
  mode: dry_run
  selector:
    gpus: all
  when:
    - signal: gpu.temperature
      window: 10s
      avg_above: 80
  for: 5s
  then:
    power_limit: 80%
EOF
"$BIN/ainode" policy check "$WORK/policies/dry-run.yaml" >"$WORK/policy_check.txt" 2>&1
port=$(free_port)
url="http://127.0.0.1:$port"
"$BIN/ainode" --web.listen-address "127.0.0.1:$port" --log.level info --state.dir "$WORK/state-policy" \
  --policy.dir "$WORK/policies" >"$WORK/policy_agent.log" 2>&1 &
pid=$!
PIDS+=("$pid")
if wait_ready "$url"; then
  sleep 20
  "$BIN/ainode" policy plan --url "$url" >"$WORK/policy_plan.txt" 2>&1
  echo "rc=$?" >>"$WORK/policy_plan.txt"
  "$BIN/ainode" policy plan --url "$url" --json >"$WORK/policy_plan.json" 2>&1
  curl -fsS "$url/v1/policies" >"$WORK/policies.json"
  "$BIN/ainode" diagnose --url "$url" >"$WORK/diagnose.txt" 2>&1
  echo "rc=$?" >>"$WORK/diagnose.txt"
  "$BIN/ainode" diagnose --url "$url" --json >"$WORK/diagnose.json" 2>&1
  curl -fsS "$url/v1/events/recent?limit=200" >"$WORK/events.json"
  curl -fsS "$url/v1/rca" >"$WORK/rca.json"
  curl -fsS "$url/v1/status" >"$WORK/policy_status.json"
  curl -fsS "$url/metrics" >"$WORK/policy_metrics.prom"
  say "policy check: $(tr '\n' ' ' <"$WORK/policy_check.txt")"
  say "policy plan: $(head -c 1500 "$WORK/policy_plan.txt")"
  say "diagnose: $(head -c 2500 "$WORK/diagnose.txt")"
  say "policy metrics: $(grep -E '^ainode_(policy_active|policy_actions_total|gpu_power_limit_managed)' "$WORK/policy_metrics.prom" | tr '\n' ';')"
else
  say "policy agent did not become ready"
fi
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null

nvidia-smi --query-gpu=$STATE_FIELDS --format=csv >"$WORK/state_after.csv" 2>&1
if cmp -s "$WORK/state_before.csv" "$WORK/state_after.csv"; then
  say "GPU state unchanged: $(tail -1 "$WORK/state_after.csv")"
else
  say "GPU STATE DIFFERS: before $(tail -1 "$WORK/state_before.csv") after $(tail -1 "$WORK/state_after.csv")"
fi
