#!/usr/bin/env python3
"""Checks the alert rules against what ainode really exports and documents.

Usage: check_rules.py RULES_DIR METRICS_MD RUNBOOKS_DIR TESTS_DIR

- every ainode_* name in every expression is a metric of docs/metrics.md
  (which is generated from the catalogue), so no rule watches a metric that
  does not exist; a name of tools/awaited_metrics.txt (the automation half's,
  merged separately) that is not there yet is printed as awaited instead;
- every alert has labels.severity (critical, warning or info), annotations
  summary, description and runbook_url = docs/runbooks/<alert>.md, and that
  runbook exists; no runbook is left without its alert;
- every alert has a promtool test in which it fires and one in which it is
  expected quiet.
Prints one line per problem and exits 1 if there is any.
"""
import pathlib
import sys

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from check_report import report  # noqa: E402
from metric_names import MetricCheck  # noqa: E402

SEVERITIES = {"critical", "warning", "info"}


def main(rules_dir, metrics_md, runbooks_dir, tests_dir) -> int:
    problems = []
    metrics = MetricCheck(metrics_md)
    if not metrics.known:
        problems.append(f"{metrics_md}: no metric names found")
    alerts = {}
    for path in sorted(pathlib.Path(rules_dir).glob("*.rules.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                name = rule.get("alert") or rule.get("record")
                where = f"{path.name}: {name}"
                for metric in metrics.unknown(rule["expr"]):
                    problems.append(f"{where}: {metric} is not in {metrics_md}")
                if "alert" not in rule:
                    continue
                if name in alerts:
                    problems.append(f"{where}: alert defined twice")
                alerts[name] = where
                severity = rule.get("labels", {}).get("severity")
                if severity not in SEVERITIES:
                    problems.append(f"{where}: severity {severity!r} is not one of {sorted(SEVERITIES)}")
                annotations = rule.get("annotations", {})
                for key in ("summary", "description", "runbook_url"):
                    if not annotations.get(key):
                        problems.append(f"{where}: no {key} annotation")
                expected_url = f"docs/runbooks/{name}.md"
                if annotations.get("runbook_url") != expected_url:
                    problems.append(f"{where}: runbook_url is not {expected_url}")
                runbook = pathlib.Path(runbooks_dir) / f"{name}.md"
                if not runbook.is_file() or not runbook.read_text().strip():
                    problems.append(f"{where}: runbook {runbook} missing or empty")
    if not alerts:
        problems.append(f"{rules_dir}: no alerts found")
    for runbook in sorted(pathlib.Path(runbooks_dir).glob("*.md")):
        if runbook.stem not in alerts and runbook.name != "README.md":
            problems.append(f"{runbook}: no alert of that name")

    fires, quiet = set(), set()
    for path in sorted(pathlib.Path(tests_dir).glob("*.yml")):
        for test in yaml.safe_load(path.read_text()).get("tests", []):
            for case in test.get("alert_rule_test", []):
                (fires if case.get("exp_alerts") else quiet).add(case["alertname"])
    for name, where in sorted(alerts.items()):
        if name not in fires:
            problems.append(f"{where}: no promtool test in which it fires")
        if name not in quiet:
            problems.append(f"{where}: no promtool test in which it stays quiet")

    metrics.print_awaited()
    return report(problems, f"{len(alerts)} alerts: metrics documented, runbooks present, each tested firing and quiet")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
