"""Writing generated copies, or checking that they are current: shared by
tools/rules/generate.py and tools/dashboards/generate.py."""
import sys


def sync(root, wanted, leftovers, make_target, check) -> int:
    """wanted: path -> text. leftovers: generated files whose source is gone.
    With check, names each stale or left-over file on stderr and returns 1
    if there is any; otherwise writes wanted and removes leftovers."""
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text() != text] + list(leftovers)
    if check:
        for path in stale:
            print(f"stale: {path.relative_to(root)} (run make {make_target})", file=sys.stderr)
        return 1 if stale else 0
    for path in leftovers:
        path.unlink()
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return 0
