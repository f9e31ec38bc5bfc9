#!/usr/bin/env python3
"""Writes deploy/grafana/*.json from tools/dashboards/dashboards.py.

dashboards.py is the one source: a metric rename is made there and every
dashboard follows. With --check nothing is written; exit 1 names each file
that is stale or left over (tests/e2e/grafana_dashboards.sh runs this).
Regenerate with `make dashboards`.
"""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from dashboards import DASHBOARDS  # noqa: E402
from generated_files import sync  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "deploy/grafana"


def rendered() -> dict:
    # Sorted keys and a trailing newline: the output depends on the source alone.
    return {OUT / f"{name}.json": json.dumps(build(), indent=2, sort_keys=True) + "\n"
            for name, build in DASHBOARDS.items()}


def main() -> int:
    wanted = rendered()
    extra = [p for p in OUT.glob("*.json") if p not in wanted]
    return sync(ROOT, wanted, extra, "dashboards", "--check" in sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
