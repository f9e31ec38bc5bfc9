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
from dashboards import DASHBOARDS  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "deploy/grafana"


def rendered() -> dict:
    # Sorted keys and a trailing newline: the output depends on the source alone.
    return {OUT / f"{name}.json": json.dumps(build(), indent=2, sort_keys=True) + "\n"
            for name, build in DASHBOARDS.items()}


def main() -> int:
    wanted = rendered()
    extra = [p for p in OUT.glob("*.json") if p not in wanted]
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text() != text] + extra
    if "--check" in sys.argv[1:]:
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)} (run make dashboards)", file=sys.stderr)
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for path in extra:
        path.unlink()
    for path, text in wanted.items():
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
