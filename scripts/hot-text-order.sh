#!/usr/bin/env bash
# Regenerates cmake/hot-text.order, the list of functions that the linker
# places first in ainode's .text (issue 15).
#
# Why: the kernel maps a binary's text 64 KiB at a time around each page
# fault (fault-around), so one hot function in a window of cold ones (CLI
# commands, the TUI, error paths) makes the whole window resident. Of the
# 4.8 MB of text, a default agent runs about 1.6 MB; placed together, only
# those pages are touched and RSS follows the code actually run.
#
# How: run the agent under callgrind, in the default configuration and on
# the 8-GPU twin with its kubelet; once start-up is over (the agent gives
# its start-up code pages back 30 s in, core/code_pages.hpp) zero the
# counters, drive a minute of cycles and scrapes (plain, gzip, JSON, the
# event stream), and list every function of the ainode binary that executed
# in that minute, hottest first. Code only start-up runs is left out, so it
# lands after the steady-state run of pages and, once given back, stays out
# of RSS. A name that
# no longer exists is ignored by the linker, and a new function missing from
# the list is placed after the listed ones, so a stale list costs memory,
# never correctness.
#
# Usage: scripts/hot-text-order.sh BUILD_DIR   (needs valgrind; ~3 minutes)
set -euo pipefail
BUILD=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'pkill -P $$ 2>/dev/null || true; [ -n "${KEEP_PROFILES:-}" ] || rm -rf "$TMP"' EXIT

port=$((20000 + RANDOM % 20000))

drive() {  # $1: base URL; a minute of what Prometheus and people ask for
  local url=$1 i
  for i in $(seq 1 60); do
    curl -fsS -o /dev/null "$url/metrics" || true
    curl -fsS -o /dev/null -H 'Accept-Encoding: gzip' "$url/metrics" || true
    if (( i % 10 == 0 )); then
      for path in /v1/status /v1/gpus /v1/pods /v1/rca /v1/policies /v1/events/recent /readyz; do
        curl -fsS -o /dev/null "$url$path" || true
      done
      timeout 2 curl -fsS -N -o /dev/null "$url/v1/events" || true
    fi
    sleep 1
  done
}

# The agent under callgrind, as a binary the twin can start too.
cat >"$TMP/ainode-profiled" <<WRAP
#!/bin/sh
exec valgrind --tool=callgrind --demangle=no --dump-instr=no \\
  --callgrind-out-file="\${CALLGRIND_OUT:?}" "$BUILD/ainode" "\$@" 2>"\$CALLGRIND_OUT.log"
WRAP
chmod +x "$TMP/ainode-profiled"

profile() {  # $1: output file; the rest: how to start the agent
  export CALLGRIND_OUT=$1; shift
  "$@" >"$CALLGRIND_OUT.out" 2>&1 &
  local pid=$!
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "$url/readyz" && break; sleep 1; done
  sleep 40
  callgrind_control --zero >/dev/null
  drive "$url"
  pkill -INT -f "callgrind-out-file=$CALLGRIND_OUT" || true
  kill -INT "$pid" 2>/dev/null || true; wait "$pid" || true
}

profile "$TMP/default.cg" "$TMP/ainode-profiled" --web.listen-address "127.0.0.1:$port" \
  --log.level warn --state.dir "$TMP/state"
port=$((port + 1))
AINODE_STATE_DIR="$TMP/twin-state" profile "$TMP/twin.cg" "$BUILD/twin/ainode-twin" run \
  "$SRC/scenarios/h100x8.toml" --listen "127.0.0.1:$port" --out "$TMP/twin" --model-server "" \
  --agent "$TMP/ainode-profiled"

python3 "$SRC/scripts/hot_text_order.py" "$BUILD/ainode" "$TMP/default.cg" "$TMP/twin.cg" >"$SRC/cmake/hot-text.order"
wc -l "$SRC/cmake/hot-text.order"
