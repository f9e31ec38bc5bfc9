#!/usr/bin/env bash
# Pod events from the kubelet's /pods, end to end: the agent polls the twin
# kubelet (ainode-twin kubelet: PodResources and /pods of a scenario) while
# this test moves the scenario clock past each fault. A restart, an OOM
# kill, an eviction and its rescheduling each give exactly one event with
# its fields and the pod's GPUs; the pods there at start give none; the
# kubelet stopped and started again gives no false event, its outage is
# counted, and a restart that happened meanwhile is reported once.
source "$(dirname "$0")/lib.sh"
TWIN="$AINODE_BUILD_DIR/twin/ainode-twin"
SCENARIO="$FIXTURES/kubelet/pod_events_scenario.toml"
NVML="${NVML_SIM_LIBRARY:-$AINODE_BUILD_DIR/nvml_sim/libnvidia-ml.so.1}"
[ -x "$TWIN" ] || fail "$TWIN missing: build the ainode_twin target"
CLOCK="$WORK_DIR/clock"
echo 0 >"$CLOCK"
set_clock() { echo "$1" >"$CLOCK.tmp" && mv "$CLOCK.tmp" "$CLOCK"; }

kport=$(free_port)
start_kubelet() {
  "$TWIN" kubelet "$SCENARIO" --listen "127.0.0.1:$kport" --socket "$WORK_DIR/kubelet.sock" --clock "$CLOCK" \
    >>"$WORK_DIR/kubelet.log" 2>&1 &
  KUBELET_PID=$!
  BACKGROUND_PIDS+=("$KUBELET_PID")
  wait_for_url "http://127.0.0.1:$kport/pods" 10 || { cat "$WORK_DIR/kubelet.log" >&2; fail "the twin kubelet did not start"; }
}
start_kubelet

export AINODE_NVML_SIM_SCENARIO="$SCENARIO" AINODE_NVML_SIM_CLOCK_FILE="$CLOCK"
start_agent pods --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs" \
  --gpu.nvml-library "$NVML" --no-gpu.enable-amd --collect.interval 200ms \
  --kubelet.pod-resources-socket "$WORK_DIR/kubelet.sock" --kubelet.pod-resources-interval 1s \
  --kubelet.url "http://127.0.0.1:$kport" --kubelet.pods-interval 200ms --kubelet.timeout 1s

metric() { curl -fsS "$AGENT_URL/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
wait_for_metric() {  # NAME VALUE: until the metric has that value (20 s, for a loaded CI machine)
  for _ in $(seq 200); do [ "$(metric "$1")" = "$2" ] && return 0; sleep 0.1; done
  echo "$1 is '$(metric "$1")', expected '$2'" >&2
  return 1
}
events() { "$AINODE_BINARY" events --url "$AGENT_URL" --no-follow --json --types "$1"; }
count() { events "$1" | grep -c . || true; }
# FIELD of the only event of TYPE (a Python expression on `e`, the event).
field() { events "$1" | python3 -c "import json,sys; e=[json.loads(l) for l in sys.stdin][-1]; print($2)"; }
POD_TYPES=pod_started,pod_deleted,container_restarted,container_oom_killed,pod_evicted,pod_rescheduled
wait_for_count() {  # TYPE N
  for _ in $(seq 200); do [ "$(count "$1")" = "$2" ] && return 0; sleep 0.1; done
  events "$POD_TYPES" >&2
  fail "$(count "$1") $1 events, expected $2"
}
gpu() { printf 'GPU-5a1d%04x-0000-4000-8000-%012x' "$1" $(($1 * 4096)); }

wait_for_metric ainode_kubelet_pods_up 1 || fail "/pods not read"
# The GPUs each pod holds come from PodResources, through the snapshot.
allocated() {  # not piped into grep -q: with pipefail, grep's early exit fails curl
  local page
  page=$(curl -fsS "$AGENT_URL/metrics")
  grep -q '^ainode_k8s_gpu_allocation_info{gpu="3",[^}]*pod="notebook"' <<<"$page"
}
for _ in $(seq 100); do allocated && break; sleep 0.1; done
allocated || fail "PodResources allocations not read"
sleep 1  # several polls of the baseline
[ "$(count "$POD_TYPES")" = 0 ] || { events "$POD_TYPES" >&2; fail "events for the pods there at start"; }
[ "$(metric 'ainode_pod_events_total{type="pod_started"}')" = 0 ] || fail "pod_started not counted from 0"
status=$(curl -fsS "$AGENT_URL/v1/status")
[ "$(python3 -c 'import json,sys; s=json.load(sys.stdin)["kubelet_pods"]; print(s["up"], s["baseline"], s["pods"])' <<<"$status")" = \
  "True True 3" ] || fail "/v1/status kubelet_pods section"

set_clock 15  # trainer-0's container exits 1 at 10 s and restarts
wait_for_count container_restarted 1
[ "$(field container_restarted 'e["payload"]["pod"], e["payload"]["namespace"], e["payload"]["container"]')" = \
  "trainer-0 ml pytorch" ] || fail "restart: pod fields"
[ "$(field container_restarted 'e["payload"]["reason"], e["payload"]["exit_code"], e["payload"]["restart_count"]')" = \
  "Error 1 1" ] || fail "restart: reason, exit code, count"
[ "$(field container_restarted 'e["payload"]["gpus"]')" = "['$(gpu 0)', '$(gpu 1)']" ] || fail "restart: the pod's GPUs"
[ "$(field container_restarted 'e["payload"]["owner"]["kind"], e["payload"]["owner"]["name"], e["severity"]')" = \
  "StatefulSet trainer warning" ] || fail "restart: owner, severity"

set_clock 25  # the notebook is OOM-killed at 20 s
wait_for_count container_oom_killed 1
[ "$(field container_oom_killed 'e["payload"]["pod"], e["payload"]["reason"], e["payload"]["exit_code"], e["payload"]["restart_count"]')" = \
  "notebook OOMKilled 137 1" ] || fail "OOM kill: fields"
[ "$(field container_oom_killed 'e["subject"]["gpu"], e["subject"]["uuid"]')" = "3 $(gpu 3)" ] || fail "OOM kill: subject GPU"
[ "$(count container_restarted)" = 1 ] || fail "the OOM kill's restart must not be a second event"

set_clock 35  # serve-… is evicted at 30 s
wait_for_count pod_evicted 1
[ "$(field pod_evicted 'e["payload"]["pod"], e["payload"]["reason"], e["payload"]["phase"]')" = \
  "serve-6c9f7d8b5-x2k4q Evicted Failed" ] || fail "eviction: fields"
[ "$(field pod_evicted 'e["payload"]["gpus"]')" = "['$(gpu 2)']" ] || fail "eviction: the GPU it held"

set_clock 45  # its replacement arrives at 40 s
wait_for_count pod_rescheduled 1
[ "$(field pod_rescheduled 'e["payload"]["previous_pod"], e["payload"]["owner"]["name"]')" = \
  "serve-6c9f7d8b5-x2k4q serve-6c9f7d8b5" ] || fail "rescheduling: fields"
[ "$(field pod_rescheduled 'e["payload"]["pod"] != "serve-6c9f7d8b5-x2k4q" and e["payload"]["pod"].startswith("serve-6c9f7d8b5-")')" = \
  True ] || fail "rescheduling: a new pod of the ReplicaSet"
wait_for_count pod_deleted 1
[ "$(field pod_deleted 'e["payload"]["pod"], e["payload"]["reason"]')" = "serve-6c9f7d8b5-x2k4q Evicted" ] ||
  fail "the evicted pod's deletion"
[ "$(count pod_started)" = 1 ] || fail "one pod_started: the replacement"
[ "$(count container_oom_killed)" = 1 ] || fail "one OOM kill"
[ "$(count pod_evicted)" = 1 ] || fail "one eviction"
before=$(count "$POD_TYPES")

# The kubelet goes away; time passes a restart (50 s) while it is gone.
kill "$KUBELET_PID"
wait "$KUBELET_PID" 2>/dev/null || true
for _ in $(seq 100); do [ -n "$(metric 'ainode_kubelet_pods_errors_total{reason="connect"}')" ] && break; sleep 0.1; done
[ -n "$(metric 'ainode_kubelet_pods_errors_total{reason="connect"}')" ] || fail "the outage is not counted"
[ "$(metric ainode_kubelet_pods_up)" = 0 ] || fail "up stays 1 while the kubelet is gone"
status=$(curl -fsS "$AGENT_URL/v1/status")
grep -q 'kubelet /pods: http://127.0.0.1' <<<"$status" || fail "the outage is not said in /v1/status"
# Said once, not once per poll: a kill may first cut a request in flight
# (another message, said once too), then every poll is refused.
said=$(grep 'kubelet /pods:' "$WORK_DIR/pods.log" || true)
[ "$(grep -c "cannot connect" <<<"$said")" = 1 ] && [ "$(grep -c . <<<"$said")" -le 2 ] ||
  { echo "$said" >&2; fail "the outage must be logged once"; }
set_clock 55
start_kubelet
wait_for_metric ainode_kubelet_pods_up 1 || fail "/pods not read again"
wait_for_count container_restarted 2
[ "$(field container_restarted 'e["payload"]["exit_code"], e["payload"]["restart_count"]')" = "2 2" ] ||
  fail "the restart during the outage"
sleep 1  # several polls after the recovery
[ "$(count "$POD_TYPES")" = $((before + 1)) ] || { events "$POD_TYPES" >&2; fail "false events after the recovery"; }
[ "$(metric 'ainode_pod_events_total{type="container_restarted"}')" = 2 ] || fail "events not counted by type"
echo "pod events: restart, OOM kill, eviction + rescheduling once each; no false events around a kubelet restart"
