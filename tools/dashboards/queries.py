"""The PromQL of a dashboard: every panel target and template variable, the
vector selectors inside each, and the substitution of Grafana's variables.
"""
import re

from metric_names import STRING

# A metric name (outside a string literal) and its optional {matchers}; only
# ainode's own series and the series Prometheus records per scrape target.
SELECTOR = re.compile(
    STRING.pattern + r'|(?<![A-Za-z0-9_:])((?:ainode|scrape)_[A-Za-z0-9_:]*)(\{(?:' + STRING.pattern + r'|[^}"\'`])*\})?')
LABEL_VALUES = re.compile(r"^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)$", re.DOTALL)
VARIABLE = re.compile(r"\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))")


def all_panels(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def variable_query(variable):
    query = variable.get("query")
    return query.get("query", "") if isinstance(query, dict) else query or ""


def dashboard_queries(dashboard):
    """(where, PromQL) for every target and query variable; a variable's
    label_values(selector, label) becomes the query Grafana runs for it."""
    out = []
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        text = variable_query(variable)
        match = LABEL_VALUES.match(text.strip())
        expr = f"count by ({match.group(2)}) ({match.group(1)})" if match else text
        out.append((f"variable ${variable['name']}", expr))
    for panel in all_panels(dashboard):
        for entry in panel.get("targets", []):
            out.append((f'panel {panel.get("id")} "{panel.get("title")}" {entry.get("refId")}', entry.get("expr", "")))
    return out


def selectors(expr):
    """The metric selectors (name plus matchers) an expression reads."""
    return [m.group(1) + (m.group(2) or "") for m in SELECTOR.finditer(expr) if m.group(1)]


def substitute(expr, values):
    """Replaces $name and ${name} by values[name]; KeyError names an unknown one."""
    return VARIABLE.sub(lambda m: values[m.group(1) or m.group(2)], expr)


def variables_used(expr):
    return {m.group(1) or m.group(2) for m in VARIABLE.finditer(expr)}
