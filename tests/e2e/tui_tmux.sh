#!/usr/bin/env bash
# `ainode tui` as a person sees it: the node twin's 8-GPU scenario (GPU 3's
# cooling degraded from the start), the TUI in a tmux session at 80x24, then
# 200x60. Visits every screen with send-keys and reads the panes: GPU names,
# the thermally throttled GPU flagged, GPU detail, the process filter, the
# diagnostics / AIOps / policies screens showing their data or the
# not-available line; stops the agent under the running TUI (it says so) and
# restarts it (it reconnects); q exits and restores the terminal. A few
# screens are compared with golden files, volatile fields masked:
#   UPDATE_GOLDEN=1 bash tests/e2e/tui_tmux.sh
source "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || fail "tmux is not installed (scripts/install-deps.sh installs it)"
TWIN="$AINODE_BUILD_DIR/twin/ainode-twin"
GOLDEN_DIR="$FIXTURES/golden/tui"
SESSION="ainode-tui-e2e-$$"
export TMUX_TMPDIR="$WORK_DIR"  # a private tmux server, never the developer's
trap 'tmux kill-server 2>/dev/null || true; cleanup' EXIT

# The demo scenario with its thermal fault on GPU 3 active from t = 0 and
# lasting, so the flag is on screen whatever the machine's speed.
sed -e 's/^from_seconds = 60/from_seconds = 0/' -e 's/^to_seconds = 240/to_seconds = 100000/' \
  -e 's/^severity = 0.4/severity = 0.8/' \
  "$AINODE_SOURCE_DIR/scenarios/h100x8.toml" >"$WORK_DIR/h100x8_hot.toml"
port=$(free_port)
URL="http://127.0.0.1:$port"
# The agent the twin starts keeps its buffer here, not in /var/lib/ainode.
export AINODE_STATE_DIR="$WORK_DIR/state"
runs=0
start_twin() {
  runs=$((runs + 1))
  "$TWIN" run "$WORK_DIR/h100x8_hot.toml" --listen "127.0.0.1:$port" --model-server "" --speed 10 \
    --out "$WORK_DIR/twin-$runs" >>"$WORK_DIR/twin.log" 2>&1 &
  twin_pid=$!
  BACKGROUND_PIDS+=("$twin_pid")
  wait_for_url "$URL/readyz" 30 || { cat "$WORK_DIR/twin.log" >&2; fail "the twin's agent did not start"; }
}
stop_twin() {
  kill -INT "$twin_pid"
  for _ in $(seq 1 100); do kill -0 "$twin_pid" 2>/dev/null || return 0; sleep 0.1; done
  fail "the twin did not stop"
}

pane() { tmux capture-pane -p -t "$SESSION"; }
# wait_for TEXT [seconds]: until the pane shows TEXT (a grep -E pattern).
wait_for() {
  local pattern=$1 limit=${2:-15}
  for _ in $(seq 1 $((limit * 5))); do
    pane >"$WORK_DIR/pane.txt"
    grep -Eq -- "$pattern" "$WORK_DIR/pane.txt" && return 0
    sleep 0.2
  done
  cat "$WORK_DIR/pane.txt" >&2
  fail "the pane does not show /$pattern/ within ${limit}s"
}
# Volatile fields masked: the port, the work directory, the uptime, digits,
# bars and sparklines.
mask() { sed -E -e "s/127\.0\.0\.1:$port/127.0.0.1:PORT/g" -e "s#$WORK_DIR#WORK_DIR#g" -e 's/  up [^ ]+/  up UPTIME/' -e 's/[0-9]/9/g' -e 's/[▁▂▃▄▅▆▇█▏▎▍▌▋▊▉]/*/g'; }
# golden NAME [LINES]: the pane (its first LINES lines) against the golden file.
golden() {
  local name=$1 lines=${2:-1000}
  pane | head -n "$lines" | mask >"$WORK_DIR/$name.txt"
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    sleep 1  # past any repaint in flight
    pane | head -n "$lines" | mask >"$WORK_DIR/$name.txt"
    cp "$WORK_DIR/$name.txt" "$GOLDEN_DIR/$name.txt"
    echo "updated $GOLDEN_DIR/$name.txt"
    return 0
  fi
  # A capture can land mid-repaint (right after a resize or a key): give the
  # screen a few seconds to settle on the golden before calling it different.
  for _ in $(seq 1 25); do
    diff -q "$GOLDEN_DIR/$name.txt" "$WORK_DIR/$name.txt" >/dev/null && return 0
    sleep 0.2
    pane | head -n "$lines" | mask >"$WORK_DIR/$name.txt"
  done
  diff -u "$GOLDEN_DIR/$name.txt" "$WORK_DIR/$name.txt" || fail "screen $name differs from $GOLDEN_DIR/$name.txt"
}

# Before any agent: the TUI says so and how to start one.
tmux -f /dev/null new-session -d -s "$SESSION" -x 80 -y 24 \
  "env LANG=C.UTF-8 TERM=xterm-256color '$AINODE_BINARY' tui --url $URL; echo TUI-EXITED rc=\$?; sleep 600"
wait_for "No ainode agent answers at $URL"
wait_for "systemctl start ainode"
wait_for "^  \(.+\)$"  # curl's reason, once the first attempt failed
golden no_agent_80x24

start_twin
# Screen 1: the eight GPUs by name, GPU 3 flagged as thermally throttled.
wait_for "live" 20
wait_for "^ 7 +H100 80GB HBM3"
[ "$(pane | grep -Ec '^ [0-7] +H100 80GB HBM3')" = 8 ] || { pane >&2; fail "not 8 GPU lines on the overview"; }
wait_for "^ 3 +H100 80GB HBM3 .*THERMAL" 60
pane | grep -E '^ 0 +H100' | grep -q THERMAL && fail "GPU 0 is flagged thermal"
wait_for "── Recent events"
wait_for "gpu_throttle_start"

tmux send-keys -t "$SESSION" '?'
wait_for "Help: Overview"
golden help_overview_80x24
tmux send-keys -t "$SESSION" x

# Screen 2: gauges and links; Enter opens GPU 3 in detail.
tmux send-keys -t "$SESSION" 2
wait_for "PCIe gen5 x16  NVLink 18/18 up"
tmux send-keys -t "$SESSION" Down Down Down Enter
wait_for "GPU 3: NVIDIA H100 80GB HBM3"
wait_for "uuid GPU-5a1d0003"
wait_for "flags .*THERMAL"
tmux send-keys -t "$SESSION" Escape
wait_for ">GPU 3"

# Screen 3: processes with their pods; / filters.
tmux send-keys -t "$SESSION" 3
wait_for "python3 train.py"
wait_for "4242"
tmux send-keys -t "$SESSION" / t r a i n Enter
wait_for "filter \"train\""
pane | grep -q "4242" && fail "the filter kept pid 4242"
tmux send-keys -t "$SESSION" s
wait_for "sorted by CPU"

tmux send-keys -t "$SESSION" 4
wait_for "^eth0 +up"
wait_for "mlx5_0/1 +ACTIVE"
tmux send-keys -t "$SESSION" 5
wait_for "node power [0-9]+W"
wait_for "^GPU 3 "
tmux send-keys -t "$SESSION" 6
wait_for "ml/trainer-0 +pytorch +7 GPUs: 0,1,2,3,4,5,6"
wait_for "allocated 7 of 8 GPUs"

# 7, 8, 9: their data once the other helpers' endpoints are merged, the
# not-available line on an agent without them; never an error or nothing.
tmux send-keys -t "$SESSION" 7
wait_for "Diagnostics: not available on this agent|overall (pass|warn|fail)" 60
if pane | grep -q "overall"; then wait_for "(pass|warn|fail) +(nvml|gpu\.)"; fi
tmux send-keys -t "$SESSION" 8
wait_for "root-cause analysis: not available on this agent|(OPEN|closed) +[a-z_]+ [0-9]+%|no open findings"
wait_for "failure risk: not available on this agent|GPU [0-7] .* (none|watch|drain|reset|rma)"
tmux send-keys -t "$SESSION" 9
wait_for "policies: not available on this agent|no profiles loaded|> ?[A-Za-z0-9_.-]+ +(off|dry_run|enforce)"
wait_for "COLLECTOR +STATE"
wait_for "^cpu +ok"
tmux send-keys -t "$SESSION" Tab
wait_for "1 Overview"
wait_for "^ 3 +H100"

# 200x60: wider bars, every GPU block of screen 2 on one page.
tmux resize-window -t "$SESSION" -x 200 -y 60
tmux send-keys -t "$SESSION" 2
wait_for "GPU 7 H100 80GB HBM3"
wait_for "MIG on, 2 GPU instances"
[ "$(pane | awk '{ if (length($0) > max) max = length($0) } END { print max }')" -gt 150 ] ||
  fail "the screen did not use the 200 columns"
tmux send-keys -t "$SESSION" 1
wait_for "^ 7 +H100"
golden_overview_lines=$(pane | grep -c "H100")
[ "$golden_overview_lines" = 8 ] || fail "overview at 200x60 shows $golden_overview_lines GPU lines"
tmux resize-window -t "$SESSION" -x 80 -y 24
tmux send-keys -t "$SESSION" 6
wait_for "allocated 7 of 8 GPUs"
# The first lines only: pod events (from the pod-events helper's kubelet
# watcher) may come and go below them.
golden kubernetes_80x24 6

# The agent goes away under the TUI, then comes back.
stop_twin
wait_for "AGENT LOST, reconnecting" 10
start_twin
wait_for "live" 20
wait_for "allocated 7 of 8 GPUs"
tmux send-keys -t "$SESSION" 1
wait_for "^ 3 +H100 80GB HBM3"

# Monochrome ASCII (NO_COLOR, --ascii) and a 16-colour terminal, read with
# their escape sequences (capture-pane -e).
tmux new-session -d -s "$SESSION-mono" -x 80 -y 24 \
  "env LANG=C.UTF-8 TERM=xterm-256color NO_COLOR=1 '$AINODE_BINARY' tui --ascii --url $URL"
tmux new-session -d -s "$SESSION-16" -x 80 -y 24 "env LANG=C.UTF-8 TERM=xterm '$AINODE_BINARY' tui --url $URL"
for _ in $(seq 1 50); do
  tmux capture-pane -p -e -t "$SESSION-mono" >"$WORK_DIR/mono.txt"
  tmux capture-pane -p -e -t "$SESSION-16" >"$WORK_DIR/16.txt"
  grep -q "THERMAL" "$WORK_DIR/mono.txt" && grep -q "THERMAL" "$WORK_DIR/16.txt" && break
  sleep 0.2
done
grep -q "^ 3 *H100 80GB HBM3 .*THERMAL" <(sed 's/\x1b\[[0-9;]*m//g' "$WORK_DIR/mono.txt") || fail "monochrome: no THERMAL GPU 3"
grep -qP '\x1b\[[0-9;]*3[0-7](;[0-9]+)*m' "$WORK_DIR/mono.txt" && fail "NO_COLOR: the pane has colours"
grep -qP '[^\x00-\x7f]' "$WORK_DIR/mono.txt" && fail "--ascii: the pane has non-ASCII characters"
grep -q "##" "$WORK_DIR/mono.txt" || fail "--ascii: no ASCII bars"
grep -qP '\x1b\[[0-9;]*3[1-6]m' "$WORK_DIR/16.txt" || fail "16 colours: no basic colours"
grep -qP '38;5;' "$WORK_DIR/16.txt" && fail "16 colours: 256-colour sequences on an 8-colour terminal"
tmux send-keys -t "$SESSION-mono" q
tmux send-keys -t "$SESSION-16" q

# q: the TUI exits 0 and leaves the alternate screen.
tmux send-keys -t "$SESSION" q
wait_for "TUI-EXITED rc=0" 5
[ "$(tmux display -p -t "$SESSION" '#{alternate_on}')" = 0 ] || fail "the terminal was left in the alternate screen"
echo "ainode tui: every screen at 80x24 and 200x60, GPU 3 flagged THERMAL, agent restart survived, clean exit"
