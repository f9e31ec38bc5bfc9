#!/usr/bin/env bash
# ainode-twin run end to end: one command starts the host simulator and the
# agent on the simulated NVML, at 30x scenario speed; /metrics must show the
# scenario's two causes (a thermal fault on GPU 2 from t = 60 s, a lossy
# network from t = 120 s) and Ctrl-C must stop everything.
source "$(dirname "$0")/lib.sh"
TWIN="$AINODE_BUILD_DIR/twin/ainode-twin"
SCENARIO="$AINODE_SOURCE_DIR/tests/scenarios/two_thermal_and_network.toml"
port=$(free_port)
model_port=$(free_port)
kubelet_port=$(free_port)
"$TWIN" run "$SCENARIO" --listen "127.0.0.1:$port" --model-server "127.0.0.1:$model_port" --speed 30 \
  --kubelet-listen "127.0.0.1:$kubelet_port" \
  --out "$WORK_DIR/twin" >"$WORK_DIR/twin.log" 2>&1 &
twin_pid=$!
BACKGROUND_PIDS+=("$twin_pid")
wait_for_url "http://127.0.0.1:$port/readyz" 20 || { cat "$WORK_DIR/twin.log" >&2; fail "the twin's agent did not start"; }
grep -q "metrics: http://127.0.0.1:$port/metrics" "$WORK_DIR/twin.log" || fail "run does not say where to look"

scenario_time() { cat "$WORK_DIR/twin/clock"; }
metric() { grep -E "^$1" "$WORK_DIR/m.prom" | head -1 | awk '{print $NF}'; }
early_retransmits=""
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$port/metrics" >"$WORK_DIR/m.prom"
  t=$(scenario_time)
  if [ -z "$early_retransmits" ] && awk "BEGIN{exit !($t < 110)}"; then
    early_retransmits=$(metric ainode_tcp_retransmitted_segments_total)
  fi
  awk "BEGIN{exit !($t >= 200)}" && break
  sleep 0.2
done
awk "BEGIN{exit !($(scenario_time) >= 200)}" || fail "scenario time did not reach 200 s"
grep -q 'driver_version="sim-' "$WORK_DIR/m.prom" || fail "not the simulated NVML"
[ "$(metric 'ainode_gpu_throttle_reason\{gpu="2",[^}]*reason="sw_thermal"[,}]')" = 1 ] || fail "GPU 2 is not thermally throttled"
[ "$(metric 'ainode_gpu_throttle_reason\{gpu="0",[^}]*reason="sw_thermal"[,}]')" = 0 ] || fail "GPU 0 should be healthy"
hot=$(metric 'ainode_gpu_temperature_celsius\{gpu="2",')
cool=$(metric 'ainode_gpu_temperature_celsius\{gpu="0",')
awk "BEGIN{exit !($hot > $cool + 10)}" || fail "GPU 2 ($hot C) not hotter than GPU 0 ($cool C)"
late_retransmits=$(metric ainode_tcp_retransmitted_segments_total)
# The twin's kubelet hands the scenario's training pod its GPUs: their series name it.
grep -q '^ainode_gpu_power_watts{gpu="2",[^}]*pod="trainer-0"' "$WORK_DIR/m.prom" || fail "GPU 2 is not labelled with its pod"
# ... and its /pods: the agent's pod events read it.
[ "$(metric 'ainode_kubelet_pods_up ')" = 1 ] || fail "the agent does not read the twin kubelet's /pods"
[ -n "$early_retransmits" ] || fail "no early sample"
# Healthy: 2 a second; lossy (severity 0.5): 1,000 more a second from t = 120.
awk "BEGIN{exit !($late_retransmits - $early_retransmits > 50000)}" ||
  fail "retransmissions did not climb: $early_retransmits -> $late_retransmits"

# The model server answers from the GPUs' state (a training scenario serves no tokens: no series).
curl -fsS "http://127.0.0.1:$model_port/metrics" >/dev/null || fail "the model server does not answer"
grep -q '"progress_unit":"steps"' "$WORK_DIR/twin/gpu_state.json" || fail "no GPU state file for the model server"

kill -INT "$twin_pid"
for _ in $(seq 1 50); do kill -0 "$twin_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$twin_pid" 2>/dev/null && fail "ainode-twin did not stop on Ctrl-C"
curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && fail "the agent outlived the twin"
echo "ainode-twin run: GPU 2 throttled at $hot C, retransmissions $early_retransmits -> $late_retransmits, stopped cleanly"
