#!/usr/bin/env python3
"""Prints the functions of BINARY that ran in the given callgrind profiles,
one mangled name a line: the linker's --symbol-ordering-file (see
scripts/hot-text-order.sh for why). Those of the first profile come first,
hottest (self cost) first, then those only a later profile ran: a default
agent then touches one compact run of pages, and an agent with GPUs and a
kubelet the run just after it."""
import re
import subprocess
import sys
from collections import defaultdict

binary, profiles = sys.argv[1], sys.argv[2:]
NAMED = re.compile(r"^(c?)(ob|fn)=\((\d+)\)(?: (.*))?$")


def self_costs(path, cost):
    names = {"ob": {}, "fn": {}}
    obj = fn = None
    after_calls = False
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        m = NAMED.match(line)
        if m:
            called, kind, ident, name = m.groups()
            if name:
                names[kind][ident] = name
            if not called:
                if kind == "ob":
                    obj = names["ob"][ident]
                else:
                    fn = names["fn"][ident]
            continue
        if line.startswith("calls="):
            after_calls = True
            continue
        if line[:1].isdigit() or line[:1] in "+-*":
            parts = line.split()
            if not after_calls and obj and obj.endswith("/ainode") and fn and len(parts) > 1:
                cost[fn.split("'")[0]] += int(parts[1])
            after_calls = False


costs = []
for profile in profiles:
    costs.append(defaultdict(int))
    self_costs(profile, costs[-1])
symbols = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True,
                         check=True).stdout
defined = {line.split()[-1] for line in symbols.splitlines() if len(line.split()) == 3}
printed = set()
for cost in costs:
    for name, _ in sorted(cost.items(), key=lambda kv: (-kv[1], kv[0])):
        if name in defined and name not in printed:
            printed.add(name)
            print(name)
