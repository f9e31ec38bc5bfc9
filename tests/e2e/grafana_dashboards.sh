#!/usr/bin/env bash
# The Grafana dashboards of deploy/grafana, checked offline:
#   - they are what tools/dashboards/generate.py makes of dashboards.py (the
#     one source), byte for byte;
#   - they type-check against Grafana's published schema (@grafana/schema:
#     the dashboard model and each panel plugin's options), and the validator
#     is shown to reject an unknown key and a value outside an enum;
#   - ids, grid, the datasource variable on every panel and query, the
#     template variables, and every metric name against docs/metrics.md
#     (tools/dashboards/check_dashboards.py), which is shown to catch an
#     unknown metric and a hard-coded datasource.
# That every query returns data is tests/e2e/grafana_dashboards_data.sh.
source "$(dirname "$0")/lib.sh"
cd "$AINODE_SOURCE_DIR"
validator=tools/grafana-validate
[ -d "$validator/node_modules/@grafana/schema" ] || fail "$validator/node_modules missing: run make deps"

python3 tools/dashboards/generate.py --check || fail "deploy/grafana is stale: run make dashboards"
node "$validator/validate.mjs" deploy/grafana/*.json >"$WORK_DIR/schema.out" 2>&1 ||
  { cat "$WORK_DIR/schema.out"; fail "dashboards do not match Grafana's schema"; }
python3 tools/dashboards/check_dashboards.py deploy/grafana docs/metrics.md >"$WORK_DIR/check.out" ||
  { cat "$WORK_DIR/check.out"; fail "dashboard structure or metric names"; }
cat "$WORK_DIR/check.out"

# Broken copies: each checker must say what is wrong.
mkdir -p "$WORK_DIR/bad"
python3 - deploy/grafana/ainode-gpu.json "$WORK_DIR/bad/ainode-gpu.json" <<'PY'
import json, sys
dashboard = json.load(open(sys.argv[1]))
panels = [p for p in dashboard["panels"] if p["type"] != "row"]
panels[0]["options"]["graphMode"] = "sparkline"          # not a BigValueGraphMode
panels[1]["fieldConfig"]["defaults"]["untis"] = "watt"   # not a FieldConfig key
panels[2]["datasource"] = {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}
panels[3]["targets"][0]["expr"] = "ainode_gpu_not_a_metric"
json.dump(dashboard, open(sys.argv[2], "w"))
PY
if node "$validator/validate.mjs" "$WORK_DIR/bad/ainode-gpu.json" >"$WORK_DIR/bad-schema.out" 2>&1; then
  fail "the schema check accepted a broken dashboard"
fi
grep -q "'\"sparkline\"' is not assignable" "$WORK_DIR/bad-schema.out" || { cat "$WORK_DIR/bad-schema.out"; fail "bad enum value not reported"; }
grep -q "'\"untis\"' does not exist" "$WORK_DIR/bad-schema.out" || { cat "$WORK_DIR/bad-schema.out"; fail "unknown key not reported"; }
if python3 tools/dashboards/check_dashboards.py "$WORK_DIR/bad" docs/metrics.md >"$WORK_DIR/bad-check.out"; then
  fail "check_dashboards.py accepted a broken dashboard"
fi
grep -q 'datasource is not ${datasource}' "$WORK_DIR/bad-check.out" || { cat "$WORK_DIR/bad-check.out"; fail "hard-coded datasource not reported"; }
grep -q 'ainode_gpu_not_a_metric is not in docs/metrics.md' "$WORK_DIR/bad-check.out" ||
  { cat "$WORK_DIR/bad-check.out"; fail "unknown metric not reported"; }
echo "dashboards: $(grep -c 'match the @grafana/schema' "$WORK_DIR/schema.out") match Grafana's schema, generated, structure clean"
