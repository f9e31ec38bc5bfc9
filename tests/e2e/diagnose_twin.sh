#!/usr/bin/env bash
# `ainode diagnose` against the node twin: on a healthy scenario every NVML
# and GPU check passes; an uncorrected-ECC scenario fails gpu.ecc and
# gpu.row_remap on the faulted GPU only, a trained-down PCIe link fails
# gpu.pcie_width there, each with exit status 2; with no agent it says so
# and exits 2. The GPUs' failure risk shows in /v1/gpus and /metrics.
source "$(dirname "$0")/lib.sh"
TWIN="$AINODE_BUILD_DIR/twin/ainode-twin"

# run_twin SCENARIO: starts it at 30x and sets URL.
run_twin() {
  local name=$1 port
  port=$(free_port)
  "$TWIN" run "$AINODE_SOURCE_DIR/tests/scenarios/$name.toml" --listen "127.0.0.1:$port" --model-server "" \
    --speed 30 --out "$WORK_DIR/$name" >"$WORK_DIR/$name.log" 2>&1 &
  TWIN_PID=$!
  BACKGROUND_PIDS+=("$TWIN_PID")
  URL="http://127.0.0.1:$port"
  wait_for_url "$URL/readyz" 20 || { cat "$WORK_DIR/$name.log" >&2; fail "the twin's agent did not start ($name)"; }
}
stop_twin() {
  kill -INT "$TWIN_PID"
  wait "$TWIN_PID" 2>/dev/null || true
}
# wait_scenario NAME SECONDS: until the twin's clock passes SECONDS.
wait_scenario() {
  for _ in $(seq 1 200); do
    awk "BEGIN{exit !($(cat "$WORK_DIR/$1/clock") >= $2)}" && return 0
    sleep 0.1
  done
  fail "$1: scenario time did not reach $2 s"
}
# status_of REPORT NAME SUBJECT_PREFIX: the status of that check.
status_of() {
  python3 - "$@" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
found = [c["status"] for c in report["checks"] if c["name"] == sys.argv[2] and c["subject"].startswith(sys.argv[3])]
print(",".join(sorted(set(found))) if found else "absent")
PY
}
diagnose() { # diagnose NAME: JSON report in $WORK_DIR/NAME.json, exit status in $WORK_DIR/NAME.rc
  set +e
  "$AINODE_BINARY" diagnose --url "$URL" --json >"$WORK_DIR/$1.json" 2>"$WORK_DIR/$1.err"
  echo $? >"$WORK_DIR/$1.rc"
  set -e
}

# Healthy: every NVML and GPU check passes (the host checks read this
# machine's clock and the fixture tree, so they are not judged here).
run_twin none_training
wait_scenario none_training 40
diagnose healthy
[ "$(status_of "$WORK_DIR/healthy.json" nvml "")" = pass ] || { cat "$WORK_DIR/healthy.json"; fail "nvml does not pass"; }
python3 - "$WORK_DIR/healthy.json" <<'PY' || fail "a GPU check does not pass on the healthy scenario"
import json, sys
report = json.load(open(sys.argv[1]))
gpu = [c for c in report["checks"] if c["name"].startswith("gpu.")]
bad = [c for c in gpu if c["status"] != "pass"]
for c in bad: print(c, file=sys.stderr)
names = {c["name"] for c in gpu}
need = {"gpu.ecc", "gpu.row_remap", "gpu.xid", "gpu.throttle", "gpu.pcie_width", "gpu.nvlink", "gpu.temperature_margin"}
if need - names: print("missing checks:", need - names, file=sys.stderr)
sys.exit(1 if bad or need - names or report["duration_seconds"] > 2 else 0)
PY
"$AINODE_BINARY" diagnose --url "$URL" >"$WORK_DIR/healthy.txt" 2>&1 || true
grep -q "^ok    gpu.pcie_width" "$WORK_DIR/healthy.txt" || { cat "$WORK_DIR/healthy.txt"; fail "no readable report"; }
curl -fsS "$URL/v1/gpus" >"$WORK_DIR/gpus.json"
python3 -c 'import json,sys; g=json.load(open(sys.argv[1]))["gpus"]; sys.exit(0 if g and all(x["risk"]["action"]=="none" and x["risk"]["value"]==0 for x in g) else 1)' \
  "$WORK_DIR/gpus.json" || { cat "$WORK_DIR/gpus.json"; fail "healthy GPUs carry a risk"; }
stop_twin

# Uncorrected ECC on GPU 6 from t = 60 s: gpu.ecc and gpu.row_remap fail there, nowhere else.
run_twin ecc_errors_severe
wait_scenario ecc_errors_severe 90
sleep 2  # a collection cycle after the fault
diagnose ecc
[ "$(cat "$WORK_DIR/ecc.rc")" = 2 ] || { cat "$WORK_DIR/ecc.json"; fail "diagnose exit $(cat "$WORK_DIR/ecc.rc"), not 2"; }
[ "$(status_of "$WORK_DIR/ecc.json" gpu.ecc "GPU 6 ")" = fail ] || { cat "$WORK_DIR/ecc.json"; fail "gpu.ecc does not fail on GPU 6"; }
[ "$(status_of "$WORK_DIR/ecc.json" gpu.row_remap "GPU 6 ")" = fail ] || fail "gpu.row_remap does not fail on GPU 6"
[ "$(status_of "$WORK_DIR/ecc.json" gpu.ecc "GPU 2 ")" = pass ] || fail "gpu.ecc fails on the healthy GPU 2"
curl -fsS "$URL/metrics" >"$WORK_DIR/ecc.prom"
grep -qE '^ainode_gpu_failure_risk_action\{gpu="6",uuid="[^"]+",action="rma"\} 1' "$WORK_DIR/ecc.prom" ||
  { grep ainode_gpu_failure_risk "$WORK_DIR/ecc.prom"; fail "GPU 6's recommended action is not rma (its row remap failed)"; }
grep -q '"uuid"' <<<"$(curl -fsS "$URL/v1/events/recent?types=gpu_risk_changed")" || fail "no gpu_risk_changed event"
stop_twin

# A PCIe link trained down on GPU 3 from t = 30 s.
run_twin pcie_link_degraded_severe
wait_scenario pcie_link_degraded_severe 50
sleep 2
diagnose pcie
[ "$(cat "$WORK_DIR/pcie.rc")" = 2 ] || fail "diagnose exit $(cat "$WORK_DIR/pcie.rc"), not 2"
[ "$(status_of "$WORK_DIR/pcie.json" gpu.pcie_width "GPU 3 ")" = fail ] || { cat "$WORK_DIR/pcie.json"; fail "gpu.pcie_width does not fail on GPU 3"; }
[ "$(status_of "$WORK_DIR/pcie.json" gpu.pcie_width "GPU 0 ")" = pass ] || fail "gpu.pcie_width fails on GPU 0"
stop_twin

# No agent: said, exit 2.
set +e
"$AINODE_BINARY" diagnose --url "http://127.0.0.1:$(free_port)" >"$WORK_DIR/none.out" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || fail "diagnose without an agent exits $rc, not 2"
grep -q "no agent answered" "$WORK_DIR/none.out" || { cat "$WORK_DIR/none.out"; fail "diagnose without an agent does not say so"; }
echo "diagnose: healthy twin passes every GPU check; ECC fails gpu.ecc/gpu.row_remap on GPU 6 (risk rma); PCIe fails gpu.pcie_width on GPU 3; no agent exits 2"
