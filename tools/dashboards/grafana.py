"""Builders for Grafana's dashboard JSON model (schemaVersion 39).

Plain functions returning plain dicts, so tools/dashboards/dashboards.py reads
as a list of panels and their PromQL, and every dashboard shares one layout,
one set of template variables and one datasource reference.
"""

SCHEMA_VERSION = 39
# Every query goes through the datasource variable: a dashboard imported into
# a Grafana whose Prometheus has another uid still works.
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
# The labels the shipped scrape configs set (deploy/prometheus/*.yml and the
# ServiceMonitor relabel the target's node name into `node`; `cluster` is a
# target or external label).
NODE = 'job=~"ainode.*",cluster=~"$cluster",node=~"$node"'
GPU = NODE + ',gpu=~"$gpu"'


def _query_variable(name, label, query, multi=True):
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DATASOURCE,
        "query": {"query": query, "refId": f"{name}-variable"},
        "refresh": 2,  # on time range change: a new node shows up without a reload
        "sort": 3,  # numerically: GPU 10 after GPU 9
        "multi": multi,
        "includeAll": True,
        # A regex that also matches an absent label: a Prometheus without a
        # cluster label still shows every series.
        "allValue": ".*",
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "options": [],
        "hide": 0,
    }


def variables(gpu=False):
    """datasource, cluster, node and (on GPU dashboards) gpu."""
    result = [
        {
            "name": "datasource",
            "label": "Data source",
            "type": "datasource",
            "query": "prometheus",
            "options": [],
            "refresh": 1,
            "regex": "",
            "hide": 0,
        },
        _query_variable("cluster", "Cluster", 'label_values(ainode_build_info{job=~"ainode.*"}, cluster)'),
        _query_variable("node", "Node", 'label_values(ainode_build_info{job=~"ainode.*",cluster=~"$cluster"}, node)'),
    ]
    if gpu:
        result.append(_query_variable("gpu", "GPU", f"label_values(ainode_gpu_info{{{NODE}}}, gpu)"))
    return result


def target(expr, legend="", instant=False):
    return {"expr": expr, "legend": legend, "instant": instant}


def _targets(queries):
    out = []
    for index, query in enumerate(queries):
        entry = {
            "datasource": DATASOURCE,
            "refId": chr(ord("A") + index),
            "expr": query["expr"],
            "legendFormat": query["legend"] or "__auto",
            "range": not query["instant"],
            "instant": query["instant"],
        }
        out.append(entry)
    return out


def _normalise(queries):
    """One expression, an (expr, legend) pair, one target, or a list of those."""
    if isinstance(queries, dict):
        return [queries]
    if isinstance(queries, str):
        return [target(queries)]
    if isinstance(queries, tuple):
        return [target(*queries)]
    return [q if isinstance(q, dict) else target(*q) for q in queries]


def _field_defaults(unit, minimum, maximum, thresholds, custom, mappings):
    defaults = {"unit": unit, "custom": custom, "mappings": mappings or []}
    if minimum is not None:
        defaults["min"] = minimum
    if maximum is not None:
        defaults["max"] = maximum
    steps = [{"color": "green", "value": None}]
    steps += [{"color": color, "value": value} for value, color in (thresholds or [])]
    defaults["thresholds"] = {"mode": "absolute", "steps": steps}
    defaults["color"] = {"mode": "thresholds" if thresholds else "palette-classic"}
    return defaults


def _panel(kind, title, description, queries, unit, width, height, options, custom,
           minimum=None, maximum=None, thresholds=None, mappings=None):
    return {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "targets": _targets(_normalise(queries)),
        "fieldConfig": {
            "defaults": _field_defaults(unit, minimum, maximum, thresholds, custom, mappings),
            "overrides": [],
        },
        "options": options,
        "gridPos": {"w": width, "h": height},
    }


def timeseries(title, description, queries, unit="short", width=12, height=8, stack=False,
               minimum=None, maximum=None, thresholds=None):
    custom = {
        "drawStyle": "line",
        "lineWidth": 1,
        "fillOpacity": 10 if stack else 0,
        "showPoints": "never",
        "spanNulls": False,
        "stacking": {"mode": "normal" if stack else "none", "group": "A"},
        "axisPlacement": "auto",
        "axisSoftMin": 0,
        "thresholdsStyle": {"mode": "line" if thresholds else "off"},
    }
    options = {
        "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True, "calcs": []},
        "tooltip": {"mode": "multi", "sort": "desc"},
    }
    return _panel("timeseries", title, description, queries, unit, width, height, options, custom,
                  minimum, maximum, thresholds)


def stat(title, description, queries, unit="short", width=6, height=4, thresholds=None, mappings=None):
    options = {
        "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
        "orientation": "auto",
        "colorMode": "value",
        "graphMode": "area",
        "justifyMode": "auto",
        "textMode": "auto",
        "wideLayout": True,
        "showPercentChange": False,
    }
    return _panel("stat", title, description, queries, unit, width, height, options, {},
                  thresholds=thresholds, mappings=mappings)


def state_timeline(title, description, queries, width=24, height=8, mappings=None, thresholds=None):
    custom = {"lineWidth": 0, "fillOpacity": 80}
    options = {
        "mergeValues": True,
        "showValue": "never",
        "alignValue": "left",
        "rowHeight": 0.9,
        "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
        "tooltip": {"mode": "single", "sort": "none"},
    }
    return _panel("state-timeline", title, description, queries, "short", width, height, options, custom,
                  thresholds=thresholds, mappings=mappings)


def table(title, description, queries, unit="short", width=12, height=8, sort_by=None):
    queries = [dict(q, instant=True) for q in _normalise(queries)]
    options = {"showHeader": True, "cellHeight": "sm"}
    if sort_by:
        options["sortBy"] = [{"displayName": sort_by, "desc": True}]
    panel = _panel("table", title, description, queries, unit, width, height, options,
                   {"align": "auto", "cellOptions": {"type": "auto"}})
    for entry in panel["targets"]:
        entry["format"] = "table"
    # One row per series with a column per query (merge), named after the
    # query's legend, without the Time column nobody wants.
    names = {f"Value #{entry['refId']}": query["legend"] for entry, query in zip(panel["targets"], queries)}
    if len(queries) == 1:  # Grafana names a lone query's column plain "Value"
        names = {"Value": queries[0]["legend"]}
    panel["transformations"] = [
        {"id": "merge", "options": {}},
        {"id": "organize", "options": {"excludeByName": {"Time": True}, "renameByName": names}},
    ]
    return panel


def bargauge(title, description, queries, unit="short", width=12, height=8, minimum=None, maximum=None,
             thresholds=None):
    queries = [dict(q, instant=True) for q in _normalise(queries)]
    options = {
        "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
        "orientation": "horizontal",
        "displayMode": "gradient",
        "valueMode": "color",
        "showUnfilled": True,
        "namePlacement": "auto",
        "sizing": "auto",
        "minVizHeight": 16,
        "minVizWidth": 8,
        "maxVizHeight": 300,
    }
    return _panel("bargauge", title, description, queries, unit, width, height, options, {},
                  minimum, maximum, thresholds)


def row(title):
    return {"type": "row", "title": title, "collapsed": False, "panels": [], "gridPos": {"w": 24, "h": 1}}


def _layout(panels):
    """Flows panels left to right in a 24-column grid; a row starts a new line."""
    x = y = line_height = 0
    for panel_id, panel in enumerate(panels, start=1):
        grid = panel["gridPos"]
        if panel["type"] == "row" or x + grid["w"] > 24:
            y += line_height
            x = line_height = 0
        grid["x"], grid["y"] = x, y
        panel["id"] = panel_id
        x += grid["w"]
        line_height = max(line_height, grid["h"])
        if panel["type"] == "row":
            y += grid["h"]
            x = line_height = 0
    return panels


def dashboard(uid, title, description, panels, gpu=False, tags=()):
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["ainode", *tags],
        "editable": True,
        "fiscalYearStartMonth": 0,
        "graphTooltip": 1,  # shared crosshair
        "id": None,
        "links": [
            {
                "title": "ainode dashboards",
                "type": "dashboards",
                "tags": ["ainode"],
                "asDropdown": True,
                "includeVars": True,
                "keepTime": True,
                "icon": "external link",
                "targetBlank": False,
                "tooltip": "",
                "url": "",
            }
        ],
        "annotations": {
            "list": [
                {
                    "builtIn": 1,
                    "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                    "enable": True,
                    "hide": True,
                    "iconColor": "rgba(0, 211, 255, 1)",
                    "name": "Annotations & Alerts",
                    "type": "dashboard",
                }
            ]
        },
        "panels": _layout(panels),
        "refresh": "30s",
        "schemaVersion": SCHEMA_VERSION,
        "templating": {"list": variables(gpu)},
        "time": {"from": "now-6h", "to": "now"},
        "timepicker": {},
        "timezone": "",
        "version": 1,
        "weekStart": "",
    }
