#!/usr/bin/env bash
# The policy engine closed-loop on the node twin's simulated NVML (real
# time, 1 s cycles): the canonical "max 250 W when light" profile with a
# short window/for/cooldown caps a GPU at 40% load and its power falls under
# the cap; a GPU whose load rises gets the cap lifted after the cooldown; a
# graceful stop restores; kill -9 while capped is restored on the next start;
# dry_run makes no set call but audits; root = false answers NO_PERMISSION
# once; a node budget keeps 8 GPUs inside the envelope, busy ones with more.
# The fixture tree's amdgpu card is left out (--no-gpu.enable-amd): its
# power1_cap is a committed file, never a target. The simulator's state
# lives in the agent's process, so a restarted agent finds the GPU back at
# its defaults, as after a driver reload.
source "$(dirname "$0")/lib.sh"
: "${NVML_SIM_LIBRARY:=$AINODE_BUILD_DIR/nvml_sim/libnvidia-ml.so.1}"

scenario() {  # scenario FILE ROOT GPUS_TOML
  cat >"$1" <<TOML
[driver]
version = "550.54.15"
cuda_version = 12040
root = $2
set_call_log = "$WORK_DIR/$(basename "$1" .toml).calls"
$3
TOML
}

profile() {  # profile DIR MODE
  mkdir -p "$1"
  cat >"$1/cap.yaml" <<YAML
apiVersion: ainode.io/v1
kind: EfficiencyProfile
metadata:
  name: max-250w-when-light
spec:
  mode: $2
  selector:
    gpus: all
  when:
    - signal: gpu.utilization
      window: 3s
      avg_below: 0.5
  for: 4s
  cooldown: 5s
  then:
    power_limit: 250W
YAML
}

# agent NAME SCENARIO POLICY_DIR [flags]: on the simulated NVML only.
agent() {
  local name=$1 scenario=$2 dir=$3
  shift 3
  AINODE_NVML_SIM_SCENARIO="$scenario" start_agent "$name" \
    --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs" \
    --collect.disable-defaults --collector.gpu --no-gpu.enable-amd --gpu.nvml-library "$NVML_SIM_LIBRARY" --collect.interval 1s \
    --policy.dir "$dir" --state.dir "$WORK_DIR/state-$name" "$@"
  AGENT_PID=${BACKGROUND_PIDS[-1]}
}

metric() {  # metric NAME_WITH_LABELS: the value, "" when absent
  curl -fsS "$AGENT_URL/metrics" | awk -v m="$1" 'index($0, m) == 1 && !done {print $2; done = 1}'
}

# wait_until SECONDS COMMAND...: polls every 0.5 s.
wait_until() {
  local limit=$1
  shift
  for _ in $(seq 1 $((limit * 2))); do
    "$@" && return 0
    sleep 0.5
  done
  return 1
}

calls_with() { [ -f "$1" ] && grep -c -- "$2" "$1" || echo 0; }
managed_is() { test "$(metric "ainode_gpu_power_limit_managed{gpu=\"$1\"")" = "$2"; }
at_least_calls() { test "$(calls_with "$1" "$2")" -ge "$3"; }

# --- 1. cap after for:, power under it, lift after cooldown, stop restores ---
scenario "$WORK_DIR/loop.toml" true '
[[gpus]]
model = "H100-SXM5-80GB"
count = 1
workload = "constant"
utilization = 0.4
[[gpus]]
model = "H100-SXM5-80GB"
count = 1
workload = "step"
utilization = 0.4
utilization_after = 0.95
step_at_seconds = 22'
profile "$WORK_DIR/policies-loop" enforce
agent loop "$WORK_DIR/loop.toml" "$WORK_DIR/policies-loop"
CALLS="$WORK_DIR/loop.calls"
started=$(date +%s)
wait_until 20 grep -q '"gpu":0,"call":"nvmlDeviceSetPowerManagementLimit","arguments":{"limit":250000},"return":0' "$CALLS" ||
  { cat "$WORK_DIR/loop.log" >&2; fail "GPU 0 was not capped at 250 W"; }
elapsed=$(($(date +%s) - started))
[ "$elapsed" -ge 4 ] || fail "capped after ${elapsed}s, before the 3s window + 4s for:"
wait_until 10 managed_is 0 1 || fail "ainode_gpu_power_limit_managed not 1"
under_cap() { awk -v v="$(metric 'ainode_gpu_power_watts{gpu="0"')" 'BEGIN{exit !(v != "" && v <= 250.5)}'; }
wait_until 5 under_cap || fail "GPU 0 power $(metric 'ainode_gpu_power_watts{gpu="0"') W is not under the 250 W cap"
curl -fsS "$AGENT_URL/v1/policies" >"$WORK_DIR/policies.json"
python3 - "$WORK_DIR/policies.json" <<'PY' || fail "/v1/policies"
import json, sys
doc = json.load(open(sys.argv[1]))
p = doc["profiles"][0]
assert p["name"] == "max-250w-when-light" and p["mode"] == "enforce" and p["active"], p
for key in ("name", "file", "mode", "priority", "active", "last_evaluation", "gpus"):
    assert key in p, key
g = [g for g in p["gpus"] if g["gpu"] == 0][0]
for key in ("gpu", "uuid", "state", "condition", "desired", "applied", "original", "next_change_at", "reason"):
    assert key in g, key
assert g["state"] == "applied" and g["applied"]["power_limit"] == 250 and g["original"]["power_limit"] == 700, g
PY
# GPU 1's load rises at 22 s: the cap is lifted after the 5 s cooldown.
wait_until 40 grep -q '"gpu":1,"call":"nvmlDeviceSetPowerManagementLimit","arguments":{"limit":700000}' "$CALLS" ||
  fail "GPU 1's cap was not lifted after its load rose"
[ "$(calls_with "$CALLS" '"gpu":1,')" = 2 ] || fail "GPU 1: expected exactly cap + lift, got $(grep '"gpu":1,' "$CALLS")"
restored_event() { grep -q '"type":"policy_restored"' <<<"$(curl -fsS "$AGENT_URL/v1/events/recent")"; }
wait_until 5 restored_event || fail "no policy_restored event"
curl -fsS "$AGENT_URL/metrics" >"$WORK_DIR/loop.prom"
grep -q 'ainode_policy_actions_total{profile="max-250w-when-light",action="power_limit",result="applied"}' \
  "$WORK_DIR/loop.prom" || fail "ainode_policy_actions_total missing"
promtool check metrics <"$WORK_DIR/loop.prom" || fail "promtool check metrics with the policy series"
"$AINODE_BINARY" policy plan --url "$AGENT_URL" | grep -q "max-250w-when-light (enforce" || fail "ainode policy plan"
kill -TERM "$AGENT_PID"
wait "$AGENT_PID" || true
tail -1 "$CALLS" | grep -q '"gpu":0,"call":"nvmlDeviceSetPowerManagementLimit","arguments":{"limit":700000},"return":0' ||
  fail "a graceful stop did not restore GPU 0: $(tail -2 "$CALLS")"
grep -q '"records": \[\]' "$WORK_DIR/state-loop/policy-ownership.json" || fail "ownership records left after a clean stop"
echo "closed loop: capped after ${elapsed}s, power under the cap, lifted after cooldown, restored on stop"

# --- 2. kill -9 while capped: restored on the next start ---
: >"$CALLS"
agent crash "$WORK_DIR/loop.toml" "$WORK_DIR/policies-loop"
wait_until 20 grep -q '"gpu":0,"call":"nvmlDeviceSetPowerManagementLimit","arguments":{"limit":250000},"return":0' "$CALLS" ||
  fail "not capped before the crash"
wait_until 5 grep -q '"set": 250' "$WORK_DIR/state-crash/policy-ownership.json" || fail "no ownership record on disk"
kill -9 "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null || true
grep -q '"original": 700' "$WORK_DIR/state-crash/policy-ownership.json" || fail "the record lost its original"
AINODE_NVML_SIM_SCENARIO="$WORK_DIR/loop.toml" start_agent crash2 \
  --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs" \
  --collect.disable-defaults --collector.gpu --no-gpu.enable-amd --gpu.nvml-library "$NVML_SIM_LIBRARY" \
  --collect.interval 1s --policy.dir "$WORK_DIR/policies-loop" --state.dir "$WORK_DIR/state-crash"
wait_until 10 restored_event || fail "no policy_restored after restart"
curl -fsS "$AGENT_URL/v1/events/recent" | python3 -c '
import json, sys
for e in json.load(sys.stdin)["events"]:
    if e["type"] == "policy_restored": print("policy_restored:", e["payload"]["reason"])' || fail "/v1/events/recent"
wait_until 5 managed_is 0 0 || fail "still managed after the restart's restore"
kill -TERM "${BACKGROUND_PIDS[-1]}"
echo "kill -9: the record survived and the next start restored it"

# --- 3. dry_run: no set call, the audit log has what it would do ---
scenario "$WORK_DIR/dry.toml" true '
[[gpus]]
model = "H100-SXM5-80GB"
count = 2
workload = "constant"
utilization = 0.4'
profile "$WORK_DIR/policies-dry" dry_run
agent dry "$WORK_DIR/dry.toml" "$WORK_DIR/policies-dry"
wait_until 20 grep -q '"result":"dry_run"' "$WORK_DIR/state-dry/audit.log" || fail "no dry_run audit record"
sleep 2
[ ! -s "$WORK_DIR/dry.calls" ] || fail "dry_run made set calls: $(cat "$WORK_DIR/dry.calls")"
grep -q '"after":250' "$WORK_DIR/state-dry/audit.log" || fail "the dry_run record lacks the would-be limit"
# Switched to enforce at run time (and persisted): it acts.
curl -fsS -X POST -d '{"mode":"enforce"}' "$AGENT_URL/v1/control/policies/max-250w-when-light/mode" >/dev/null ||
  fail "mode change refused"
grep -q '"enforce"' "$WORK_DIR/state-dry/policy-modes.json" || fail "mode not persisted"
wait_until 10 grep -q '"limit":250000' "$WORK_DIR/dry.calls" || fail "enforce after the mode change did not cap"
kill -TERM "$AGENT_PID"
echo "dry_run: no set call, audited; the runtime mode change took effect"

# --- 4. root = false: NO_PERMISSION once per GPU, not retried ---
scenario "$WORK_DIR/noroot.toml" false '
[[gpus]]
model = "H100-SXM5-80GB"
count = 1
workload = "constant"
utilization = 0.4'
profile "$WORK_DIR/policies-noroot" enforce
agent noroot "$WORK_DIR/noroot.toml" "$WORK_DIR/policies-noroot"
wait_until 20 test -s "$WORK_DIR/noroot.calls" || fail "no set call attempted"
sleep 8
[ "$(wc -l <"$WORK_DIR/noroot.calls")" = 1 ] || fail "NO_PERMISSION retried: $(cat "$WORK_DIR/noroot.calls")"
grep -q '"return":4' "$WORK_DIR/noroot.calls" || fail "expected NVML_ERROR_NO_PERMISSION (4)"
grep -q 'CAP_SYS_ADMIN' "$WORK_DIR/noroot.log" || fail "the log does not say how to fix it"
[ "$(grep -c 'NO_PERMISSION' "$WORK_DIR/noroot.log")" = 1 ] || fail "NO_PERMISSION logged more than once"
kill -TERM "$AGENT_PID"
echo "root = false: one NO_PERMISSION with the fix, not retried"

# --- 5. node budget: 8 GPUs inside a 3000 W envelope, busy ones keep more ---
scenario "$WORK_DIR/budget.toml" true '
[[gpus]]
model = "H100-SXM5-80GB"
count = 4
workload = "constant"
utilization = 0.95
[[gpus]]
model = "H100-SXM5-80GB"
count = 4
workload = "constant"
utilization = 0.1'
mkdir -p "$WORK_DIR/policies-budget"
cat >"$WORK_DIR/policies-budget/budget.yaml" <<'YAML'
apiVersion: ainode.io/v1
kind: EfficiencyProfile
metadata:
  name: node-envelope
spec:
  mode: enforce
  selector: {node: true}
  for: 0s
  then:
    power_budget: {envelope_watts: envelope, min_watts_per_gpu: 200W}
YAML
agent budget "$WORK_DIR/budget.toml" "$WORK_DIR/policies-budget" --power.node-envelope-watts 3000
wait_until 15 at_least_calls "$WORK_DIR/budget.calls" '"return":0' 8 || fail "the budget was not applied to 8 GPUs"
sleep 4
curl -fsS "$AGENT_URL/metrics" >"$WORK_DIR/budget.prom"
python3 - "$WORK_DIR/budget.prom" <<'PY' || fail "node budget"
import re, sys
limits, power = {}, {}
for line in open(sys.argv[1]):
    m = re.match(r'ainode_gpu_power_limit_watts\{gpu="(\d+)".*limit="current".*\} (\S+)', line)
    if m: limits[int(m[1])] = float(m[2])
    m = re.match(r'ainode_gpu_power_watts\{gpu="(\d+)".*\} (\S+)', line)
    if m: power[int(m[1])] = float(m[2])
assert len(limits) == 8 and len(power) == 8, (limits, power)
print("limits", [round(limits[i]) for i in range(8)], "sum", round(sum(limits.values())),
      "power sum", round(sum(power.values())))
assert sum(limits.values()) <= 3000.5, limits
assert sum(power.values()) <= 3000.5, power
assert min(limits[i] for i in range(4)) > max(limits[i] for i in range(4, 8)) + 100, limits
assert min(limits.values()) >= 200, limits
PY
kill -TERM "$AGENT_PID"
echo "node budget: inside the envelope, busy GPUs keep more"
