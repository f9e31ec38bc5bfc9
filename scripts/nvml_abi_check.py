#!/usr/bin/env python3
"""Checks src/gpu/nvml/nvml_abi.hpp against NVIDIA's own nvml.h.

ainode and its NVML simulator declare the NVML subset they use themselves
(no CUDA toolkit at build time). This script proves those declarations match
the real header where one exists (e.g. a CUDA installation on a GPU machine):

1. compiles a probe against our header that prints, for every struct we
   declare, its size and every field's offset, and every constant's value;
2. compiles those facts as static_asserts against the real nvml.h.

Usage: nvml_abi_check.py PATH/TO/nvml.h [--compiler g++]
Exit 0 when every layout and constant agrees; otherwise the compiler's
messages name each mismatch.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUR_HEADER = os.path.join(ROOT, "src", "gpu", "nvml", "nvml_abi.hpp")

# Where our name stands for another in nvml.h, and why.
RENAMED = {
    # The 24-byte entry the _v2/_v3 running-process calls fill (see the
    # comment in nvml_abi.hpp); nvml.h calls that layout nvmlProcessInfo_v2_t.
    "nvmlProcessInfo_t": "nvmlProcessInfo_v2_t",
}


def structs(text):
    """(name, [field, ...]) for every `typedef struct|union { ... } name;`."""
    for match in re.finditer(r"typedef\s+(?:struct|union)\s*\{(.*?)\}\s*(\w+)\s*;", text, re.S):
        body, name = match.group(1), match.group(2)
        fields = []
        for declaration in body.split(";"):
            declaration = re.sub(r"//.*", "", declaration).strip()
            if not declaration:
                continue
            # "unsigned int a, b[4]" -> a, b: the first declarator follows the type.
            parts = [p.strip() for p in declaration.split(",")]
            fields.append(re.findall(r"(\w+)\s*(?:\[[^\]]*\])?$", parts[0])[0])
            fields.extend(re.match(r"(\w+)", p).group(1) for p in parts[1:])
        yield name, fields


def constants(text):
    names = re.findall(r"inline constexpr [\w ]+? (\w+) = ", text)
    for block in re.findall(r"enum[^{;]*\{(.*?)\}", text, re.S):
        names += re.findall(r"(\w+)\s*=", block)
    return [n for n in names if n.startswith(("NVML_", "nvml"))]


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stdout.write(result.stdout + result.stderr)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("nvml_h")
    parser.add_argument("--compiler", default="g++")
    args = parser.parse_args()
    text = open(OUR_HEADER).read()
    found_structs, found_constants = list(structs(text)), constants(text)
    with tempfile.TemporaryDirectory() as work:
        probe = os.path.join(work, "probe.cpp")
        with open(probe, "w") as out:
            out.write('#include <cstddef>\n#include <cstdio>\n#include "gpu/nvml/nvml_abi.hpp"\nint main() {\n')
            for name, fields in found_structs:
                real = RENAMED.get(name, name)
                out.write(f'  std::printf("static_assert(sizeof({real}) == %zu, \\"size of {real}\\");\\n", sizeof({name}));\n')
                for field in fields:
                    out.write(f'  std::printf("static_assert(offsetof({real}, {field}) == %zu, \\"{real}.{field}\\");\\n",'
                              f' offsetof({name}, {field}));\n')
            for name in found_constants:
                out.write(f'  std::printf("static_assert((unsigned long long)({name}) == %lluULL, \\"{name}\\");\\n",'
                          f' (unsigned long long)({name}));\n')
            out.write("}\n")
        binary = os.path.join(work, "probe")
        if run([args.compiler, "-std=c++20", "-I", os.path.join(ROOT, "src"), probe, "-o", binary]).returncode:
            return 2
        facts = subprocess.run([binary], capture_output=True, text=True, check=True).stdout
        check = os.path.join(work, "check.cpp")
        with open(check, "w") as out:
            out.write(f'#include <cstddef>\n#include "{os.path.abspath(args.nvml_h)}"\n{facts}')
        result = run([args.compiler, "-std=c++17", "-fsyntax-only", "-fmax-errors=0", check])
        checked = facts.count("static_assert")
        print(f"{len(found_structs)} structs, {len(found_constants)} constants, {checked} facts checked against "
              f"{args.nvml_h}: {'all agree' if result.returncode == 0 else 'MISMATCHES above'}")
        return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
