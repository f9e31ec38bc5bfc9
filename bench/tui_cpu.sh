#!/usr/bin/env bash
# CPU of `ainode tui` per refresh on the node twin's 8-GPU scenario at the
# twin's 1 s cycle (goal, issue 13: < 2% of a core). The TUI runs in a tmux
# session (200x60, UTF-8, 256 colours) on each measured screen for
# BENCH_TUI_SECONDS (default 30); its utime + stime come from /proc.
# Prints a Markdown table. nvtop is not measured next to it when it is not
# installed (Debian 12 ships it in contrib).
#   bench/tui_cpu.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
SECONDS_PER_SCREEN=${1:-${BENCH_TUI_SECONDS:-30}}
TMP=$(mktemp -d)
export TMUX_TMPDIR=$TMP AINODE_STATE_DIR=$TMP/state
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$BUILD/twin/ainode-twin" run scenarios/h100x8.toml --listen "127.0.0.1:$port" --model-server "" --out "$TMP/twin" \
  >"$TMP/twin.log" 2>&1 &
twin=$!
trap 'tmux kill-server 2>/dev/null || true; kill -INT $twin 2>/dev/null || true; wait $twin 2>/dev/null || true; rm -rf "$TMP"' EXIT
until curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; do sleep 0.2; done
ticks=$(getconf CLK_TCK)
cpu_seconds() { awk -v t="$ticks" '{ print ($14 + $15) / t }' "/proc/$1/stat"; }

echo "| screen | seconds | TUI CPU seconds | % of one core | ms CPU per refresh (1 s cycle) | RSS |"
echo "|---|---|---|---|---|---|"
for screen in 1 2 3 8; do
  tmux -f /dev/null new-session -d -s bench -x 200 -y 60 \
    "exec env LANG=C.UTF-8 TERM=xterm-256color $BUILD/ainode tui --url http://127.0.0.1:$port --screen $screen"
  pid=$(tmux display -p -t bench '#{pane_pid}')
  sleep 3  # connected, first frames drawn
  before=$(cpu_seconds "$pid")
  sleep "$SECONDS_PER_SCREEN"
  after=$(cpu_seconds "$pid")
  rss=$(awk '/VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$pid/status")
  tmux send-keys -t bench q
  sleep 1
  tmux kill-server 2>/dev/null || true
  python3 - "$screen" "$SECONDS_PER_SCREEN" "$before" "$after" "$rss" <<'PY'
import sys
screen, seconds, before, after, rss = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
used = after - before
print(f"| {screen} | {seconds:.0f} | {used:.2f} | {used / seconds * 100:.2f}% | {used / seconds * 1000:.1f} | {rss} |")
PY
done
if command -v nvtop >/dev/null; then
  echo "nvtop is installed: run it with LD_LIBRARY_PATH=$BUILD/nvml_sim next to this for a comparison"
else
  echo "nvtop: not installed (Debian 12 ships it in contrib; this host's apt sources have main only), not compared"
fi
