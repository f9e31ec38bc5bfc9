#!/usr/bin/env bash
# Energy saved and throughput lost by a "cap idle and memory-bound GPUs"
# profile on a mixed 8-GPU workload, against no policy, on the node twin's
# simulated NVML (docs/twin.md: a model, not a measurement of a real GPU).
# Two runs of the same scenario timeline (the simulator's time starts at
# the agent's nvmlInit), BENCH_POLICY_SECONDS each (default 120): energy is
# the GPUs' ainode_gpu_energy_joules_total over the run (read every cycle with
# --gpu.slow-read-interval 0, sampled at its start
# and end, so the policy's for: delay is inside the figure), throughput the
# workload progress the twin reports (its state file). Prints a Markdown
# section for bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
SECONDS_PER_RUN=${BENCH_POLICY_SECONDS:-120}
TMP=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cat >"$TMP/mixed.toml" <<'TOML'
[driver]
version = "550.54.15"
cuda_version = 12040
[[gpus]]                 # GPUs 0-1: idle (nothing scheduled)
model = "H100-SXM5-80GB"
count = 2
workload = "idle"
progress_at_full_rate = 100
[[gpus]]                 # GPUs 2-3: light, memory-bound-looking inference
model = "H100-SXM5-80GB"
count = 2
workload = "constant"
utilization = 0.45
progress_at_full_rate = 100
[[gpus]]                 # GPUs 4-7: training
model = "H100-SXM5-80GB"
count = 4
workload = "training"
utilization = 0.9
step_seconds = 2
duty = 0.8
progress_at_full_rate = 100
TOML

mkdir -p "$TMP/policies"
cat >"$TMP/policies/cap-idle-and-memory-bound.yaml" <<'YAML'
apiVersion: ainode.io/v1
kind: EfficiencyProfile
metadata:
  name: cap-idle
spec:
  mode: enforce
  priority: 10
  selector: {gpus: all}
  when:
    - {signal: gpu.utilization, window: 10s, max_below: 0.05}
  for: 10s
  cooldown: 30s
  then:
    power_limit: 200W
---
apiVersion: ainode.io/v1
kind: EfficiencyProfile
metadata:
  name: cap-memory-bound
spec:
  mode: enforce
  selector: {gpus: all}
  when:
    - {signal: gpu.memory_utilization, window: 10s, avg_above: 0.15}
    - {signal: gpu.utilization, window: 10s, avg_below: 0.5}
  for: 10s
  cooldown: 30s
  then:
    power_limit: 250W
YAML

# run NAME POLICY_DIR: prints "joules progress" for the run.
run() {
  local name=$1 dir=$2 port
  port=$(free_port)
  AINODE_NVML_SIM_SCENARIO="$TMP/mixed.toml" AINODE_NVML_SIM_STATE_FILE="$TMP/$name.state" \
    "$BUILD/ainode" --web.listen-address "127.0.0.1:$port" --collect.disable-defaults --collector.gpu --no-gpu.enable-amd \
    --gpu.nvml-library "$BUILD/nvml_sim/libnvidia-ml.so.1" --collect.interval 1s \
    --gpu.slow-read-interval 0 --policy.dir "$dir" --state.dir "$TMP/state-$name" >"$TMP/$name.log" 2>&1 &
  PIDS+=($!)
  local pid=$!
  for _ in $(seq 1 100); do [ -s "$TMP/$name.state" ] && curl -fsS -o /dev/null "http://127.0.0.1:$port/metrics" 2>/dev/null && break; sleep 0.1; done
  # The counters as the run starts and ends: energy (the driver's counter
  # does not start at 0) and progress are deltas.
  sample() {
    curl -fsS "http://127.0.0.1:$port/metrics" >"$TMP/$name.$1.prom"
    cp "$TMP/$name.state" "$TMP/$name.$1.json"
  }
  sample start
  sleep "$SECONDS_PER_RUN"
  sample end
  kill -TERM "$pid"
  wait "$pid" || true
  python3 - "$TMP/$name" <<'PY'
import json, sys
def joules(path):
    return sum(float(l.split()[-1]) for l in open(path) if l.startswith("ainode_gpu_energy_joules_total{"))
def state(path):
    s = json.load(open(path))
    return sum(g["progress_total"] for g in s["gpus"]), s["time"]
base = sys.argv[1]
(p0, t0), (p1, t1) = state(base + ".start.json"), state(base + ".end.json")
print(joules(base + ".end.prom") - joules(base + ".start.prom"), p1 - p0, t1 - t0)
PY
}

read -r base_j base_p base_t < <(run none "$TMP/no-policies")
read -r pol_j pol_p pol_t < <(run policy "$TMP/policies")
python3 - "$base_j" "$base_p" "$base_t" "$pol_j" "$pol_p" "$pol_t" "$SECONDS_PER_RUN" <<'PY'
import sys
bj, bp, bt, pj, pp, pt, secs = map(float, sys.argv[1:])
# Per second of simulated time (the samples are taken about a second apart
# from the HTTP reads; the state file is rewritten each simulated second).
bj, bp, pj, pp = bj / bt, bp / bt, pj / pt, pp / pt
print(f"- mixed 8×H100 twin workload (2 idle, 2 at 45% demand, 4 training at 90%), {secs:.0f} s per run, 1 s cycles")
print(f"- no policy: {bj:.0f} W mean GPU power, {bp:.1f} progress units/s")
print(f"- cap idle (200 W) and memory-bound (250 W): {pj:.0f} W, {pp:.1f} units/s")
print(f"- **energy saved {100 * (bj - pj) / bj:.1f} %**, **throughput lost {100 * (bp - pp) / bp:.1f} %**"
      f" (energy per unit of progress {100 * ((pj / pp) / (bj / bp) - 1):+.1f} %)")
PY
