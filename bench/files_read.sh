#!/usr/bin/env bash
# Prints the files, directories and statfs targets one run of a command
# touches, as the kernel saw them (strace), one per line in the format of
# bench_read_floor: "F path", "D path" or "S path". Paths under /proc, /sys
# and the extra prefixes given in FLOOR_PREFIXES (colon-separated) count.
#   files_read.sh COMMAND [ARGS...]
set -euo pipefail
trace_dir=$(mktemp -d)
trap 'rm -rf "$trace_dir"' EXIT
# -ff: one trace file per thread, so no call is split into
# "unfinished"/"resumed" halves that the parser below would miss.
strace -ff -qq -e trace=openat,statfs -o "$trace_dir/trace" "$@" >/dev/null
cat "$trace_dir"/trace.* | python3 -c '
import os, re, sys
prefixes = ("/proc/", "/sys/") + tuple(p for p in os.environ.get("FLOOR_PREFIXES", "").split(":") if p)
seen = {}
for line in sys.stdin:
    m = re.search(r"openat\(AT_FDCWD, \"([^\"]+)\", ([A-Z_|]+)[^)]*\) = (-?\d+)", line)
    if m and int(m.group(3)) >= 0 and m.group(1).startswith(prefixes):
        seen[m.group(1)] = "D" if "O_DIRECTORY" in m.group(2) else "F"
        continue
    m = re.search(r"statfs\(\"([^\"]+)\", .*\) = 0", line)
    if m:
        seen[m.group(1)] = "S"
for path, kind in seen.items():
    print(kind, path)
'
