#!/usr/bin/env bash
# Tokens per joule end to end on the node twin: the inference scenario
# (8 simulated H100s, a vLLM-shaped model server counting the GPUs' delivered
# work as tokens), the agent scraping that server as the pod holding the GPUs.
# ainode's tokens per joule must be within 2% of the truth computed from the
# twin's state file (every GPU's progress_total and energy_joules) over the
# same stretch of time. The twin is simulated: this checks the join (scrape
# times, the energy timeline between the 30 s energy-counter reads, the pod's
# GPUs), not any real GPU.
#
# With the argument "discovered" (model_efficiency_discovered.sh) no endpoint
# is configured: the agent finds the server through the twin kubelet's /pods,
# where the pod is annotated ainode.io/metrics-port with 127.0.0.1 as its
# podIP. Without it the endpoint is configured with the same URL, which wins
# over the discovered one (not scraped twice).
mode=${1:-configured}
source "$(dirname "$0")/lib.sh"
TWIN="$AINODE_BUILD_DIR/twin/ainode-twin"
SCENARIO="$AINODE_SOURCE_DIR/tests/scenarios/none_inference.toml"
port=$(free_port)
model_port=$(free_port)
kubelet_port=$(free_port)
endpoint="http://127.0.0.1:$model_port/metrics"
if [ "$mode" = discovered ]; then
  endpoints="# none: discovered through the kubelet"
  discovered_expected=1
else
  endpoints="endpoints = [{ url = \"$endpoint\", pod = \"ml/trainer-0\" }]"
  discovered_expected=0
fi
cat >"$WORK_DIR/ainode.toml" <<TOML
[state]
dir = "$WORK_DIR/state"

[app]
window = "40s"
$endpoints
TOML
# The twin's agent inherits the environment: AINODE_CONFIG names its configuration.
AINODE_CONFIG="$WORK_DIR/ainode.toml" "$TWIN" run "$SCENARIO" --listen "127.0.0.1:$port" \
  --model-server "127.0.0.1:$model_port" --kubelet-listen "127.0.0.1:$kubelet_port" --speed 1 --out "$WORK_DIR/twin" >"$WORK_DIR/twin.log" 2>&1 &
BACKGROUND_PIDS+=("$!")
wait_for_url "http://127.0.0.1:$port/readyz" 20 || { cat "$WORK_DIR/twin.log" >&2; fail "the twin's agent did not start"; }

scrape() { curl -fsS "http://127.0.0.1:$port/metrics" >"$WORK_DIR/m.prom"; }
metric() { grep -E "^$1" "$WORK_DIR/m.prom" | head -1 | awk '{print $NF}'; }
# The truth: tokens and energy of all GPUs (the pod holds all 8), from the twin's state.
truth() { python3 -c 'import json,sys; g=json.load(open(sys.argv[1]))["gpus"]; print(sum(x["progress_total"] for x in g), sum(x["energy_joules"] for x in g))' "$WORK_DIR/twin/gpu_state.json"; }
tokens_series='ainode_model_tokens_total\{model="sim-model",server="vllm",namespace="ml",pod="trainer-0",[^}]*type="generation"\}'
energy_series='ainode_model_energy_joules_total\{model="sim-model",[^}]*energy_source="gpu"\}'

shares() { grep -c '^ainode_model_gpu_energy_share_ratio{' "$WORK_DIR/m.prom" || true; }
# Ready once the pod's GPUs carry its labels (PodResources) and the join charges them.
for _ in $(seq 1 100); do
  scrape
  [ "$(shares)" = 8 ] && break
  sleep 0.2
done
[ -n "$(metric "$energy_series")" ] || { cat "$WORK_DIR/m.prom" | grep -E "ainode_(app|model)" >&2; fail "no energy attributed to the model on its GPUs"; }
[ "$(metric 'ainode_app_endpoint_up\{')" = 1 ] || fail "the model server is not up"
[ "$(shares)" = 8 ] || { grep -E "ainode_(app|model)" "$WORK_DIR/m.prom" >&2; fail "the model is not charged all 8 GPUs of its pod"; }
[ "$(grep -c '^ainode_app_endpoint_up{' "$WORK_DIR/m.prom")" = 1 ] || fail "the model server is scraped more than once"
[ "$(metric 'ainode_app_discovered_endpoints ')" = "$discovered_expected" ] ||
  fail "expected $discovered_expected discovered endpoint(s) ($mode)"
grep -q "^ainode_app_endpoint_up{endpoint=\"$endpoint\"} 1" "$WORK_DIR/m.prom" || fail "not scraping $endpoint"


sleep 2
scrape
read -r true_tokens_a true_energy_a < <(truth)
tokens_a=$(metric "$tokens_series")
energy_a=$(metric "$energy_series")
sleep 42
scrape
read -r true_tokens_b true_energy_b < <(truth)
tokens_b=$(metric "$tokens_series")
energy_b=$(metric "$energy_series")
gauge=$(metric 'ainode_model_tokens_per_joule\{model="sim-model",[^}]*energy_source="gpu"\}')
[ -n "$gauge" ] || fail "no ainode_model_tokens_per_joule after a whole window"

python3 - "$tokens_a" "$energy_a" "$tokens_b" "$energy_b" "$true_tokens_a" "$true_energy_a" "$true_tokens_b" \
  "$true_energy_b" "$gauge" <<'PY' || fail "tokens per joule off the truth"
import sys
ta, ea, tb, eb, tta, tea, ttb, teb, gauge = map(float, sys.argv[1:])
truth = (ttb - tta) / (teb - tea)
counters = (tb - ta) / (eb - ea)
print(f"truth {truth:.4f} tokens/J over {teb - tea:.0f} J; ainode counters {counters:.4f}, "
      f"ainode_model_tokens_per_joule {gauge:.4f}")
bad = [name for name, value in (("counters", counters), ("gauge", gauge)) if abs(value / truth - 1) > 0.02]
if bad:
    print("more than 2% off:", ", ".join(bad))
    sys.exit(1)
PY

# This collector's and the join's families pass promtool (the rest of the page is promtool_check.sh's).
if command -v promtool >/dev/null; then
  grep -E '^(# (HELP|TYPE) )?ainode_(model|app)_' "$WORK_DIR/m.prom" >"$WORK_DIR/app.prom"
  promtool check metrics <"$WORK_DIR/app.prom" >"$WORK_DIR/lint" 2>&1 || { cat "$WORK_DIR/lint" >&2; fail "promtool"; }
fi
echo "model efficiency ($mode endpoint): within 2% of the twin's truth"
