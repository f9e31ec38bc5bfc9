#!/usr/bin/env python3
"""Runs every query of the dashboards against a Prometheus that scraped ainode.

Usage: run_queries.py PROMETHEUS_URL CATALOGUE_MD VARIABLES_JSON DASHBOARD.json...

CATALOGUE_MD is `ainode catalogue` of the build under test; VARIABLES_JSON
maps each template variable to the value to substitute ({"cluster": "e2e",
"node": "twin", "gpu": ".*", "__rate_interval": "30s", ...}).

Each query (panel target, and a query variable's label_values as Grafana runs
it) must evaluate without error and return at least one series, and so must
every metric selector inside it on its own: a mistyped label in a matcher
cannot hide behind an `or vector(0)`. A query reading a metric that the build
under test does not export is skipped with the reason printed, and only when
that metric is awaited (tools/awaited_metrics.txt); any other is a failure.
Exit 1 on any failure.
"""
import json
import pathlib
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from metric_names import awaited_metrics, documented_metrics, metric_names  # noqa: E402
from queries import dashboard_queries, selectors, substitute  # noqa: E402


def instant(prometheus, expr):
    """(series count, error text or None)."""
    url = f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = json.load(response)
    except urllib.error.HTTPError as error:
        body = json.load(error)
    if body.get("status") != "success":
        return 0, f'{body.get("errorType")}: {body.get("error")}'
    result = body["data"]["result"]
    return (len(result) if isinstance(result, list) else 1), None


def main(prometheus, catalogue_md, variables_json, *files) -> int:
    exported = documented_metrics(catalogue_md)
    awaited = awaited_metrics()
    values = json.loads(pathlib.Path(variables_json).read_text())
    failures, ran, skipped = [], 0, 0
    for path in files:
        dashboard = json.loads(pathlib.Path(path).read_text())
        for where, raw in dashboard_queries(dashboard):
            where = f"{pathlib.Path(path).name}: {where}"
            absent = metric_names(raw) - exported
            if absent:
                unexpected = absent - awaited
                if unexpected:
                    failures.append(f"{where}: {', '.join(sorted(unexpected))} not exported by this build")
                else:
                    skipped += 1
                    print(f"skip: {where}: {', '.join(sorted(absent))} not exported by this build (awaited)")
                continue
            expr = substitute(raw, values)
            ran += 1
            series, error = instant(prometheus, expr)
            if error:
                failures.append(f"{where}: {error}\n    query: {expr}")
                continue
            if series == 0:
                failures.append(f"{where}: no data\n    query: {expr}")
            for selector in selectors(expr):
                if instant(prometheus, selector)[0] == 0:
                    failures.append(f"{where}: selector {selector} matches no series")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{ran} queries run, {len(failures)} failed, {skipped} skipped (awaited metrics)")
    return 1 if failures or ran == 0 else 0


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
