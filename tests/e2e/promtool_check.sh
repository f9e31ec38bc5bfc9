#!/usr/bin/env bash
# `promtool check metrics` must be clean on the fixture output and on the
# output for this machine's real /proc and /sys.
source "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || fail "promtool not installed (make deps installs Debian's prometheus)"

check() {
  local name=$1 url=$2
  curl -fsS "$url" >"$WORK_DIR/$name.prom"
  [ -s "$WORK_DIR/$name.prom" ] || fail "$name: empty /metrics"
  if ! promtool check metrics <"$WORK_DIR/$name.prom" >"$WORK_DIR/$name.lint" 2>&1; then
    cat "$WORK_DIR/$name.lint" >&2
    fail "$name: promtool check metrics reported problems"
  fi
  echo "$name: promtool clean ($(grep -vc '^#' "$WORK_DIR/$name.prom") samples)"
}

# shellcheck disable=SC2046
start_agent fixture $(fixture_flags)
check fixture "$AGENT_URL/metrics"

start_agent host --collect.interval 1s
check host "$AGENT_URL/metrics"
