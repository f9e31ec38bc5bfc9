#!/usr/bin/env bash
# The Dockerfile, checked without a registry (tools/dockerfile/check_dockerfile.py):
# its stages start from debian:12, install only packages Debian 12 has, copy
# only files the repository has (and .dockerignore lets through), the build
# stage has every package CMakeLists.txt requires and the runtime stage every
# library the agent links or opens at run time. The checker is shown to catch a misspelt package,
# a runtime library left out, a missing file and a path no stage produces.
# When a Docker daemon answers and has debian:12-slim, the image is built
# and run as well; otherwise that step says why it is skipped.
source "$(dirname "$0")/lib.sh"
cd "$AINODE_SOURCE_DIR"
check() { python3 tools/dockerfile/check_dockerfile.py "$1" . "$AINODE_BINARY"; }

set +e
check Dockerfile >"$WORK_DIR/check.out"
status=$?
set -e
cat "$WORK_DIR/check.out"
[ "$status" = 77 ] && exit 0
[ "$status" = 0 ] || fail "the Dockerfile does not check out"

sed -e 's/libspdlog-dev /libspdlog-devv /' -e 's/ libsqlite3-0 / /' \
  -e 's|^COPY deploy/ainode.toml|COPY deploy/missing.toml|' -e 's|/build/ainode /usr/bin/ainode|/build/ainode-other /usr/bin/ainode|' \
  Dockerfile >"$WORK_DIR/Dockerfile.bad"
if check "$WORK_DIR/Dockerfile.bad" >"$WORK_DIR/bad.out"; then fail "the checker accepted a broken Dockerfile"; fi
for expected in "package libspdlog-devv is not in Debian 12" "lacks libsqlite3-0 (opened at run time" \
  "COPY deploy/missing.toml: no such file" "no RUN of stage build produces /build/ainode-other"; do
  grep -qF "$expected" "$WORK_DIR/bad.out" || { cat "$WORK_DIR/bad.out"; fail "not reported: $expected"; }
done

if ! docker_info=$(docker info --format '{{.ServerVersion}}' 2>&1); then
  echo "skip docker build: no Docker daemon answers here ($(grep -m1 . <<<"$docker_info"))"
elif ! docker image inspect debian:12-slim >/dev/null 2>&1; then
  echo "skip docker build: debian:12-slim is not in the local image store and no registry can be reached"
else
  docker build -q -t "ainode-e2e:$$" . >"$WORK_DIR/docker.log" 2>&1 || { cat "$WORK_DIR/docker.log"; fail "docker build"; }
  docker run --rm "ainode-e2e:$$" --version || fail "the image's ainode does not run"
  docker image rm "ainode-e2e:$$" >/dev/null
fi
echo "Dockerfile: stages, packages, copies and libraries check out; broken copies are caught"
