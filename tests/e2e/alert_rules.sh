#!/usr/bin/env bash
# The alert rules of deploy/prometheus/rules, checked offline:
#   - `promtool check rules` is clean and the promtool unit tests pass
#     (each alert fires and resolves on time, stays quiet on healthy series);
#   - every ainode_* name in every expression is in docs/metrics.md, every
#     alert has severity, summary, description and a runbook that exists, and
#     a test where it fires and one where it stays quiet (tools/rules/check_rules.py);
#     that checker is shown to catch an unknown metric and a missing runbook;
#   - the PrometheusRule manifest and the Helm chart's copies agree with the
#     rule files (tools/rules/generate.py --check, and the groups compared as data).
source "$(dirname "$0")/lib.sh"
cd "$AINODE_SOURCE_DIR"
command -v promtool >/dev/null || fail "promtool not installed (make deps installs Debian's prometheus)"
rules=deploy/prometheus/rules

promtool check rules "$rules"/*.rules.yml >"$WORK_DIR/check.out" 2>&1 || { cat "$WORK_DIR/check.out"; fail "promtool check rules"; }
# promtool resolves rule_files relative to the test file.
(cd "$rules/tests" && promtool test rules ./*.yml) >"$WORK_DIR/test.out" 2>&1 ||
  { cat "$WORK_DIR/test.out"; fail "promtool test rules"; }
grep -q FAILED "$WORK_DIR/test.out" && { cat "$WORK_DIR/test.out"; fail "promtool test rules reported FAILED"; }

check_rules() { python3 tools/rules/check_rules.py "$1" docs/metrics.md "$2" "$rules/tests"; }
check_rules "$rules" docs/runbooks || fail "rules do not match docs/metrics.md, runbooks or tests"

# The checker itself: a rule on a metric ainode does not export, and an alert
# without a runbook, must both be reported.
mkdir -p "$WORK_DIR/bad/rules" "$WORK_DIR/bad/runbooks"
cat >"$WORK_DIR/bad/rules/bad.rules.yml" <<'YAML'
groups:
  - name: bad
    rules:
      - alert: AinodeGpuXidCritical
        expr: ainode_gpu_not_a_metric{job=~"ainode_gpu_up"} > 0 and ainode_gpu_up == 0
        labels: {severity: critical}
        annotations: {summary: s, description: d, runbook_url: docs/runbooks/AinodeGpuXidCritical.md}
YAML
if check_rules "$WORK_DIR/bad/rules" "$WORK_DIR/bad/runbooks" >"$WORK_DIR/bad.out"; then
  fail "check_rules.py accepted a rule on an unknown metric"
fi
grep -q "ainode_gpu_not_a_metric is not in docs/metrics.md" "$WORK_DIR/bad.out" || { cat "$WORK_DIR/bad.out"; fail "unknown metric not reported"; }
grep -q "runbook .*AinodeGpuXidCritical.md missing" "$WORK_DIR/bad.out" || { cat "$WORK_DIR/bad.out"; fail "missing runbook not reported"; }
# ainode_gpu_up inside a label value is not a metric use, ainode_gpu_up outside is a known one.
[ "$(grep -c 'is not in docs/metrics.md' "$WORK_DIR/bad.out")" = 1 ] || { cat "$WORK_DIR/bad.out"; fail "checker miscounted metric names"; }

python3 tools/rules/generate.py --check || fail "deploy/kubernetes/prometheusrule.yaml or the Helm chart's rules are stale: run make rules"
python3 - "$rules" <<'PY' || fail "PrometheusRule or Helm chart differ from the rule files"
import pathlib, re, sys, yaml
sources = sorted(pathlib.Path(sys.argv[1]).glob("*.rules.yml"))
groups = [g for s in sources for g in yaml.safe_load(s.read_text())["groups"]]
manifest = yaml.safe_load(open("deploy/kubernetes/prometheusrule.yaml"))
assert manifest["kind"] == "PrometheusRule", manifest["kind"]
assert manifest["spec"]["groups"] == groups, "deploy/kubernetes/prometheusrule.yaml groups differ"
assert "prometheusrule.yaml" in yaml.safe_load(open("deploy/kubernetes/kustomization.yaml"))["resources"]
chart = pathlib.Path("deploy/helm/ainode")
for s in sources:
    assert (chart / "rules" / s.name).read_bytes() == s.read_bytes(), f"chart copy of {s.name} differs"
values = yaml.safe_load((chart / "values.yaml").read_text())
assert values["prometheusRule"]["enabled"] is False, "prometheusRule must be off by default"
template = (chart / "templates/prometheusrule.yaml").read_text()
for needed in ("if .Values.prometheusRule.enabled", '.Files.Glob "rules/*.rules.yml"', "kind: PrometheusRule",
               ".groups"):
    assert needed in template, f"Helm template lacks {needed}"
# The job regex the template swaps must be the one the rules use.
assert all('job=~"ainode.*"' in s.read_text() for s in sources if "up{" in s.read_text())
assert values["prometheusRule"]["jobRegex"] == "ainode.*"
PY
echo "$(grep -c '^ *- alert:' "$rules"/*.rules.yml | awk -F: '{n+=$2} END {print n}') alerts: promtool clean, unit tests pass, manifests in sync"
