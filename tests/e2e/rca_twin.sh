#!/usr/bin/env bash
# Root-cause analysis in the running agent: the twin caps GPU 4's power from
# outside at t = 30 s (tests/scenarios/power_cap_severe.toml, 5x speed); GET
# /v1/rca must name power_cap on GPU 4 with its evidence, /metrics must count
# it and the event bus must carry the rca_finding.
source "$(dirname "$0")/lib.sh"
TWIN="$AINODE_BUILD_DIR/twin/ainode-twin"
SCENARIO="$AINODE_SOURCE_DIR/tests/scenarios/power_cap_severe.toml"
port=$(free_port)
"$TWIN" run "$SCENARIO" --listen "127.0.0.1:$port" --model-server "" --speed 5 --out "$WORK_DIR/twin" \
  >"$WORK_DIR/twin.log" 2>&1 &
BACKGROUND_PIDS+=($!)
URL="http://127.0.0.1:$port"
wait_for_url "$URL/readyz" 20 || { cat "$WORK_DIR/twin.log" >&2; fail "the twin's agent did not start"; }
for _ in $(seq 1 300); do
  curl -fsS "$URL/v1/rca" >"$WORK_DIR/rca.json"
  python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["findings"]; sys.exit(0 if f else 1)' "$WORK_DIR/rca.json" && break
  sleep 0.1
done
python3 - "$WORK_DIR/rca.json" <<'PY' || fail "GET /v1/rca: $(cat "$WORK_DIR/rca.json")"
import json, sys
findings = json.load(open(sys.argv[1]))["findings"]
assert findings, "no finding"
f = findings[0]
keys = {"id", "cause", "confidence", "gpu", "uuid", "namespace", "pod", "start", "end", "evidence", "alternatives", "action", "state"}
assert set(f) == keys, sorted(f)
assert f["cause"] == "power_cap" and f["gpu"] == 4 and f["state"] == "open" and f["end"] is None, f
assert 0 < f["confidence"] <= 1, f["confidence"]
assert any(e["signal"] == "gpu.power_limit_watts.enforced" and e["value"] < e["baseline"] for e in f["evidence"]), f["evidence"]
assert "external" in f["action"], f["action"]
PY
# The metrics of a cycle are rendered before RCA reads that cycle: the next snapshot counts the finding.
for _ in $(seq 1 50); do
  curl -fsS "$URL/metrics" >"$WORK_DIR/m.prom"
  grep -q '^ainode_rca_findings_total{cause="power_cap"} 1' "$WORK_DIR/m.prom" && break
  sleep 0.1
done
grep -q '^ainode_rca_findings_total{cause="power_cap"} 1' "$WORK_DIR/m.prom" || fail "ainode_rca_findings_total does not count it"
grep -q '^ainode_rca_open_findings{cause="power_cap",gpu="4"} 1' "$WORK_DIR/m.prom" || fail "no open finding on GPU 4"
grep -q '"type":"rca_finding"' <<<"$(curl -fsS "$URL/v1/events/recent")" || fail "no rca_finding event"
echo "rca: power_cap on GPU 4 found, counted and published"
