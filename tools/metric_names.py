"""Metric names in PromQL, and the names ainode documents: shared by the
checkers of the alert rules (tools/rules) and the dashboards (tools/dashboards).
"""
import pathlib
import re

# String literals (label values, regexes) are not metric names: a matcher
# like job=~"ainode.*" must not count.
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
METRIC = re.compile(r"(?<![A-Za-z0-9_:])ainode_[A-Za-z0-9_:]*")
DOC_METRIC = re.compile(r"^\| `(ainode_[a-z0-9_]+)` \|", re.MULTILINE)
AWAITED = pathlib.Path(__file__).resolve().parent / "awaited_metrics.txt"


def metric_names(expr: str) -> set:
    """The ainode_* metric names an expression reads."""
    return set(METRIC.findall(STRING.sub('""', expr)))


def documented_metrics(metrics_md) -> set:
    """The metrics of docs/metrics.md (generated from the agent's catalogue)."""
    return set(DOC_METRIC.findall(pathlib.Path(metrics_md).read_text()))


def awaited_metrics() -> set:
    """Names promised to the dashboards and rules by work not yet in this tree."""
    names = set()
    for line in AWAITED.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(line)
    return names


class MetricCheck:
    """Names an expression reads that the catalogue lacks: awaited ones are
    remembered (and printed by print_awaited), the others returned."""

    def __init__(self, metrics_md):
        self.metrics_md = metrics_md
        self.known = documented_metrics(metrics_md)
        self.awaited = awaited_metrics() - self.known
        self.arrived = awaited_metrics() & self.known
        self.awaited_used = set()

    def unknown(self, expr) -> list:
        missing = metric_names(expr) - self.known
        self.awaited_used |= missing & self.awaited
        return sorted(missing - self.awaited)

    def print_awaited(self):
        for metric in sorted(self.awaited_used):
            print(f"awaited: {metric} is not in {self.metrics_md} yet (tools/awaited_metrics.txt)")
        for metric in sorted(self.arrived):
            print(f"arrived: {metric} is in {self.metrics_md}: delete its line from tools/awaited_metrics.txt")

