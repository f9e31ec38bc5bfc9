#!/usr/bin/env bash
# SIGTERM and SIGINT stop the agent promptly and cleanly at any moment:
# during start-up, between the first reading and the first cycle, while
# Prometheus-style scrapes, an SSE client and the web config watch are
# busy. Every round must exit within 5 s with status 0 and say so in its
# log (before the signals are taken over, during flag parsing, the default
# action ends it with 143, which is prompt too). A hang here is what keeps
# `systemctl stop` waiting and the policy engine from putting its settings
# back (docs/policies.md).
source "$(dirname "$0")/lib.sh"
: "${NVML_SIM_LIBRARY:=$AINODE_BUILD_DIR/nvml_sim/libnvidia-ml.so.1}"

touch "$WORK_DIR/web.yml"  # an empty web config: watched once a second, no TLS
round=0
slowest=0
for delay in 0 0.05 0.2 0.45 0.5 0.55 0.8 1.0 1.3 2.0 2.5 3.1; do
  round=$((round + 1))
  signal=TERM
  [ $((round % 3)) = 0 ] && signal=INT
  port=$(free_port)
  log="$WORK_DIR/agent-$round.log"
  AINODE_NVML_SIM_SCENARIO="$FIXTURES/nvml/golden.toml" "$AINODE_BINARY" --web.listen-address "127.0.0.1:$port" \
    --state.dir "$WORK_DIR/state-$round" --web.config.file "$WORK_DIR/web.yml" \
    --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs" \
    --kubelet.pod-resources-socket "$FIXTURES/rootfs/var/lib/kubelet/pod-resources/kubelet.sock" \
    --gpu.nvml-library "$NVML_SIM_LIBRARY" --collect.interval 250ms >"$log" 2>&1 &
  agent=$!
  url="http://127.0.0.1:$port"
  # Clients that keep the server busy until the agent goes: a scrape loop
  # with keep-alive and an event stream.
  (while kill -0 "$agent" 2>/dev/null; do
    curl -s -o /dev/null -o /dev/null "$url/metrics" "$url/metrics" 2>/dev/null || true
    sleep 0.05
  done) &
  scraper=$!
  (sleep 0.3; curl -sN -o /dev/null "$url/v1/events" 2>/dev/null) &
  streamer=$!
  BACKGROUND_PIDS+=("$scraper" "$streamer")
  sleep "$delay"
  kill -"$signal" "$agent"
  waited=0
  while kill -0 "$agent" 2>/dev/null && [ "$waited" -lt 50 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$agent" 2>/dev/null; then
    gdb -p "$agent" -batch -ex 'thread apply all bt' 2>/dev/null | grep -E '^#|^Thread' | head -80 >&2 || true
    kill -KILL "$agent"
    tail -5 "$log" >&2
    fail "round $round: SIG$signal after ${delay}s: the agent did not exit within 5 s"
  fi
  [ "$waited" -gt "$slowest" ] && slowest=$waited
  status=0
  wait "$agent" || status=$?
  if grep -q "starting;" "$log"; then
    [ "$status" = 0 ] || { tail -5 "$log" >&2; fail "round $round (SIG$signal after ${delay}s): exit status $status"; }
    grep -q "shutting down" "$log" || { tail -5 "$log" >&2; fail "round $round: no 'shutting down' in the log"; }
  else
    [ "$status" = 0 ] || [ "$status" = 130 ] || [ "$status" = 143 ] ||
      fail "round $round: signalled during flag parsing, exit status $status"
  fi
  echo "round $round: SIG$signal after ${delay}s, exit $status, $((waited * 100)) ms"
done
echo "shutdown: $round rounds, SIGTERM/SIGINT from 0 to 3.1 s after start, every agent exited within 5 s (slowest $((slowest * 100)) ms, in 100 ms steps)"
