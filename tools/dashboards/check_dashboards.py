#!/usr/bin/env python3
"""Structural checks of deploy/grafana/*.json that Grafana's schema cannot express.

Usage: check_dashboards.py DASHBOARD_DIR METRICS_MD

- uids and titles unique across dashboards, panel ids unique in each;
- the datasource is a variable everywhere: a `datasource` variable of type
  datasource (Prometheus), and every panel, target and query variable points
  at ${datasource}; cluster and node variables on every dashboard, gpu where
  a query uses it, and no query uses a variable that is not defined;
- every panel on the 24-column grid, none overlapping; every target has an
  expression and a refId unique in its panel;
- every ainode_* name in every query is in docs/metrics.md (the catalogue),
  or in tools/awaited_metrics.txt, printed as awaited.
Prints one line per problem and exits 1 if there is any.
"""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from check_report import report  # noqa: E402
from metric_names import MetricCheck  # noqa: E402
from queries import all_panels, dashboard_queries, variables_used  # noqa: E402

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
# Grafana's own variables, always defined.
BUILTIN = {"__rate_interval", "__interval", "__range", "__range_s", "__interval_ms"}
REQUIRED_VARIABLES = ("datasource", "cluster", "node")


def check_variables(name, dashboard, problems):
    variables = {v["name"]: v for v in dashboard.get("templating", {}).get("list", [])}
    for required in REQUIRED_VARIABLES:
        if required not in variables:
            problems.append(f"{name}: no ${required} variable")
    source = variables.get("datasource")
    if source and (source.get("type") != "datasource" or source.get("query") != "prometheus"):
        problems.append(f"{name}: $datasource is not a Prometheus datasource variable")
    for variable in variables.values():
        if variable.get("type") == "query" and variable.get("datasource") != DATASOURCE:
            problems.append(f"{name}: variable ${variable['name']} does not query ${{datasource}}")
    defined = set(variables) | BUILTIN
    for where, expr in dashboard_queries(dashboard):
        for used in sorted(variables_used(expr) - defined):
            problems.append(f"{name}: {where} uses ${used}, which is not defined")


def check_panels(name, dashboard, problems):
    ids, cells = set(), {}
    for panel in all_panels(dashboard):
        where = f'{name}: panel {panel.get("id")} "{panel.get("title")}"'
        if not isinstance(panel.get("id"), int) or panel["id"] in ids:
            problems.append(f"{where}: id missing or not unique")
        ids.add(panel.get("id"))
        grid = panel.get("gridPos", {})
        x, y, w, h = (grid.get(k) for k in ("x", "y", "w", "h"))
        if None in (x, y, w, h) or x < 0 or w <= 0 or h <= 0 or x + w > 24:
            problems.append(f"{where}: gridPos {grid} is off the 24-column grid")
            continue
        for cell in ((cx, cy) for cx in range(x, x + w) for cy in range(y, y + h)):
            if cell in cells:
                problems.append(f"{where}: overlaps panel {cells[cell]}")
                break
            cells[cell] = panel["id"]
        if panel.get("type") == "row":
            continue
        if not panel.get("title"):
            problems.append(f"{where}: no title")
        if panel.get("datasource") != DATASOURCE:
            problems.append(f"{where}: datasource is not ${{datasource}}")
        targets = panel.get("targets") or []
        if not targets:
            problems.append(f"{where}: no query")
        refs = [t.get("refId") for t in targets]
        if len(set(refs)) != len(refs) or None in refs:
            problems.append(f"{where}: refIds {refs} missing or repeated")
        for entry in targets:
            if entry.get("datasource") != DATASOURCE:
                problems.append(f"{where} {entry.get('refId')}: datasource is not ${{datasource}}")
            if not entry.get("expr", "").strip():
                problems.append(f"{where} {entry.get('refId')}: empty expression")


def main(dashboard_dir, metrics_md) -> int:
    problems = []
    metrics = MetricCheck(metrics_md)
    uids, titles, panels = {}, {}, 0
    files = sorted(pathlib.Path(dashboard_dir).glob("*.json"))
    if not files:
        problems.append(f"{dashboard_dir}: no dashboards")
    for path in files:
        try:
            dashboard = json.loads(path.read_text())
        except json.JSONDecodeError as error:
            problems.append(f"{path.name}: line {error.lineno}: {error.msg}")
            continue
        name = path.name
        for key, seen in (("uid", uids), ("title", titles)):
            value = dashboard.get(key)
            if not value or value in seen:
                problems.append(f"{name}: {key} {value!r} missing or also in {seen.get(value)}")
            seen[value] = name
        check_variables(name, dashboard, problems)
        check_panels(name, dashboard, problems)
        for where, expr in dashboard_queries(dashboard):
            for metric in metrics.unknown(expr):
                problems.append(f"{name}: {where}: {metric} is not in {metrics_md}")
        panels += sum(1 for p in all_panels(dashboard) if p.get("type") != "row")
    metrics.print_awaited()
    return report(problems, f"{len(files)} dashboards, {panels} panels: ids, grid, datasource variable and "
                            "metric names check out")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
