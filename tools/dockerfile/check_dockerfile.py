#!/usr/bin/env python3
"""Checks the Dockerfile without a registry (images cannot be pulled here).

Usage: check_dockerfile.py DOCKERFILE SOURCE_DIR BINARY

On a Debian 12 host, whose apt indexes are the packages debian:12-slim
installs from:
- every stage starts from debian:12 (or an earlier stage);
- every package of every `apt-get install` exists in Debian 12;
- every file a stage COPYs from the context exists in the repository and is
  not excluded by .dockerignore, and `COPY .` leaves build trees and
  node_modules out; a `COPY --from=STAGE PATH` names an earlier stage whose
  RUN lines produce PATH;
- the build stage installs what CMakeLists.txt requires: the package owning
  each pkg-config module of pkg_check_modules and each program of
  find_program(... REQUIRED) is among the stage's packages or their
  dependencies (apt-cache depends --recurse);
- the runtime stage installs, with their dependencies, the package owning
  each shared library BINARY (the agent as built) links directly (NEEDED),
  and the packages of the libraries it opens at run time (src/dynlib), which
  CMakeLists.txt names in CPACK_DEBIAN_PACKAGE_DEPENDS and _RECOMMENDS;
- the file the final stage's ENTRYPOINT runs, and the --config of its CMD,
  are copied into it.
Exit 0 clean, 1 with one line per problem, 77 (skipped, with the reason)
when the host is not Debian 12 or has no apt indexes.
"""
import fnmatch
import json
import pathlib
import re
import shlex
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from check_report import report  # noqa: E402

BASE = re.compile(r"^debian:12(\b|-)")


def instructions(text):
    """(line number, keyword, arguments) with continuations joined."""
    out, pending, start = [], "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued RUN
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        pending += stripped
        keyword, _, arguments = pending.partition(" ")
        out.append((start, keyword.upper(), arguments.strip()))
        pending = ""
    return out


def stages(text):
    result = []
    for number, keyword, arguments in instructions(text):
        if keyword == "FROM":
            words = arguments.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            result.append({"line": number, "base": words[0], "name": name, "runs": [], "copies": [],
                           "packages": [], "entrypoint": None, "cmd": None})
        elif not result:
            continue
        elif keyword == "RUN":
            result[-1]["runs"].append(arguments)
            result[-1]["packages"] += apt_packages(arguments)
        elif keyword == "COPY":
            words = shlex.split(arguments)
            source_stage = next((w.split("=", 1)[1] for w in words if w.startswith("--from=")), None)
            paths = [w for w in words if not w.startswith("--")]
            result[-1]["copies"].append({"line": number, "from": source_stage, "sources": paths[:-1],
                                         "destination": paths[-1]})
        elif keyword in ("ENTRYPOINT", "CMD"):
            result[-1][keyword.lower()] = json.loads(arguments) if arguments.startswith("[") else shlex.split(arguments)
    return result


def apt_packages(run):
    packages = []
    for command in re.split(r"&&|;", run):
        words = command.split()
        if "apt-get" in words and "install" in words:
            packages += [w for w in words[words.index("install") + 1:] if not w.startswith("-")]
    return packages


def dockerignore(source_dir):
    path = source_dir / ".dockerignore"
    if not path.exists():
        return []
    return [line.strip().rstrip("/") for line in path.read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def ignored(relative, patterns):
    parts = pathlib.PurePosixPath(relative).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatch(prefix, pattern) for pattern in patterns for prefix in prefixes)


def run(*command):
    return subprocess.run(command, capture_output=True, text=True)


def closure(packages):
    """The packages apt installs for these: themselves and their dependencies."""
    answer = run("apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                 "--no-breaks", "--no-replaces", "--no-enhances", *packages)
    return {line.strip() for line in answer.stdout.splitlines() if line and not line.startswith(" ")}


def spellings(path):
    """path as dpkg may have recorded it: itself or its target, with or without /usr."""
    out = {str(path), str(pathlib.Path(path).resolve())}
    for candidate in list(out):
        if candidate.startswith("/usr/lib/") or candidate.startswith("/usr/bin/"):
            out.add(candidate[4:])
        elif candidate.startswith("/lib/") or candidate.startswith("/bin/"):
            out.add("/usr" + candidate)
    return out


def owners(paths):
    """path -> the Debian package that ships it (None when none does); one dpkg call."""
    wanted = {path: spellings(path) for path in paths if path}
    every = sorted(set().union(*wanted.values())) if wanted else []
    shipped = {}
    if every:
        for line in run("dpkg", "-S", *every).stdout.splitlines():
            package, _, where = line.partition(": ")
            if where and "diversion" not in package:
                shipped[where.strip()] = package.split(":", 1)[0].split(",")[0].strip()
    return {path: next((shipped[c] for c in sorted(spelled) if c in shipped), None)
            for path, spelled in wanted.items()}


def missing_packages(packages):
    """The packages apt has no candidate for; one apt-cache call."""
    if not packages:
        return []
    found, name = set(), None
    for line in run("apt-cache", "policy", *packages).stdout.splitlines():
        if line and not line.startswith(" "):
            name = line.rstrip(":").split(":", 1)[0]
        elif line.strip().startswith("Candidate:") and "(none)" not in line and name:
            found.add(name)
    return [p for p in packages if p not in found]


def needed_libraries(binary):
    dynamic = run("readelf", "-d", binary).stdout
    names = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
    resolved = {}
    for line in run("ldd", binary).stdout.splitlines():
        match = re.match(r"\s*(\S+) => (\S+)", line)
        if match:
            resolved[match.group(1)] = match.group(2)
        # The dynamic loader, NEEDED by a binary with a static libgcc
        # (_dl_find_object), is listed by its path alone.
        loader = re.match(r"\s*(/\S+) \(0x", line)
        if loader:
            resolved[loader.group(1).rsplit("/", 1)[-1]] = loader.group(1)
    return [(name, resolved.get(name)) for name in names]


def cmake_requirements(source_dir):
    text = (source_dir / "CMakeLists.txt").read_text()
    modules = [m for group in re.findall(r"pkg_check_modules\(\w+ REQUIRED IMPORTED_TARGET ([^)]+)\)", text)
               for m in group.split()]
    programs = re.findall(r"find_program\(\w+ (\S+) REQUIRED\)", text)
    return modules, programs


def opened_at_run_time(source_dir):
    """The Debian packages CMakeLists.txt declares for dlopened libraries."""
    text = (source_dir / "CMakeLists.txt").read_text()
    packages = []
    for field in ("DEPENDS", "RECOMMENDS"):
        match = re.search(rf'set\(CPACK_DEBIAN_PACKAGE_{field} "([^"]*)"\)', text)
        if match:
            packages += [p.strip().split()[0] for p in match.group(1).split(",") if p.strip()]
    return packages


def pc_file(module):
    answer = run("pkg-config", "--variable=pcfiledir", module)
    return f"{answer.stdout.strip()}/{module}.pc" if answer.returncode == 0 else None


def main(dockerfile, source_dir, binary) -> int:
    source_dir = pathlib.Path(source_dir)
    release = pathlib.Path("/etc/os-release").read_text() if pathlib.Path("/etc/os-release").exists() else ""
    if "VERSION_CODENAME=bookworm" not in release:
        print("skip: this host is not Debian 12, so its apt indexes are not the image's")
        return 77
    if run("apt-cache", "show", "--no-all-versions", "apt").returncode != 0:
        print("skip: no apt indexes on this host (run apt-get update)")
        return 77
    problems = []
    all_stages = stages(pathlib.Path(dockerfile).read_text())
    if len(all_stages) < 2:
        problems.append(f"{dockerfile}: expected a build stage and a runtime stage")
    patterns = dockerignore(source_dir)
    names = []
    for stage in all_stages:
        where = f"{dockerfile}:{stage['line']}"
        if stage["base"] not in names and not BASE.match(stage["base"]):
            problems.append(f"{where}: FROM {stage['base']} is neither debian:12 nor an earlier stage")
        for package in missing_packages(stage["packages"]):
            problems.append(f"{where}: package {package} is not in Debian 12")
        for copy in stage["copies"]:
            here = f"{dockerfile}:{copy['line']}"
            if copy["from"]:
                earlier = next((s for s in all_stages[: all_stages.index(stage)] if s["name"] == copy["from"]), None)
                if earlier is None:
                    problems.append(f"{here}: COPY --from={copy['from']} names no earlier stage")
                    continue
                for source in copy["sources"]:
                    if not any(source in r for r in earlier["runs"]):
                        problems.append(f"{here}: no RUN of stage {copy['from']} produces {source}")
                continue
            for source in copy["sources"]:
                if source == ".":
                    for needed in ("build", "tools/k8s-validate/node_modules", "tools/grafana-validate/node_modules"):
                        if not ignored(needed, patterns):
                            problems.append(f"{here}: COPY . sends {needed}/ (add it to .dockerignore)")
                    continue
                matches = list(source_dir.glob(source))
                if not matches:
                    problems.append(f"{here}: COPY {source}: no such file in the repository")
                elif ignored(source, patterns):
                    problems.append(f"{here}: COPY {source}: excluded by .dockerignore")
        names.append(stage["name"])

    if len(all_stages) >= 2:
        build, runtime = all_stages[0], all_stages[-1]
        build_closure = closure(build["packages"])
        modules, programs = cmake_requirements(source_dir)
        required = [(f"pkg-config module {m}", pc_file(m)) for m in modules]
        required += [(f"program {p}", run("sh", "-c", f"command -v {shlex.quote(p)}").stdout.strip()) for p in programs]
        runtime_closure = closure(runtime["packages"])
        libraries = [(f"library {name}", path) for name, path in needed_libraries(binary)]
        shipped = owners([path for _, path in required + libraries])
        for (what, path), stage, packages in [(r, build, build_closure) for r in required] + \
                                             [(r, runtime, runtime_closure) for r in libraries]:
            package = shipped.get(path) if path else None
            if package is None:
                problems.append(f"no Debian package on this host ships {what} ({path or 'not found'})")
            elif package not in packages:
                problems.append(f"{dockerfile}:{stage['line']}: stage {stage['name'] or stage['base']} lacks "
                                f"{package} ({what})")
        for package in opened_at_run_time(source_dir):
            if package not in runtime_closure:
                problems.append(f"{dockerfile}:{runtime['line']}: stage {runtime['name'] or runtime['base']} lacks "
                                f"{package} (opened at run time; CMakeLists.txt's package dependencies)")
        destinations = {c["destination"] for c in runtime["copies"]}
        entrypoint = (runtime["entrypoint"] or [None])[0]
        if entrypoint not in destinations:
            problems.append(f"{dockerfile}: ENTRYPOINT {entrypoint} is not copied into the final stage")
        cmd = runtime["cmd"] or []
        if "--config" in cmd and cmd[cmd.index("--config") + 1] not in destinations:
            problems.append(f"{dockerfile}: CMD's --config file is not copied into the final stage")

    packages = sum(len(s["packages"]) for s in all_stages)
    return report(problems, f"{dockerfile}: {len(all_stages)} stages, {packages} Debian 12 packages, copies and "
                            "linked libraries covered")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
