#!/usr/bin/env bash
# remote_write against a receiver that answers 500, then 429 with
# Retry-After: 2, then 400, then 204 (tests/e2e/remote_write_receiver.py):
# the agent sends the spec's headers, retries the 500 after a short backoff,
# waits the 429's Retry-After, drops the 400's batch (counted), and moves on.
source "$(dirname "$0")/lib.sh"

port=$(free_port)
python3 "$(dirname "$0")/remote_write_receiver.py" "$port" "$WORK_DIR/requests.jsonl" 500 429:2 400 &
BACKGROUND_PIDS+=($!)
for _ in $(seq 1 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.1)" 2>/dev/null && break
  sleep 0.1
done

start_agent errors --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs" \
  --kubelet.pod-resources-socket "$WORK_DIR/no-kubelet.sock" --collect.interval 1s $(no_gpu_flag) \
  --state.dir "$WORK_DIR/state" --remote-write.url "http://127.0.0.1:$port/api/v1/write" \
  --remote-write.min-backoff 200ms --remote-write.max-backoff 1s --remote-write.max-samples-per-send 100000

for _ in $(seq 1 100); do
  [ "$(grep -c '"status": 204' "$WORK_DIR/requests.jsonl" 2>/dev/null)" -ge 2 ] && break
  sleep 0.1
done
python3 - "$WORK_DIR/requests.jsonl" <<'PY'
import json, sys
requests = [json.loads(line) for line in open(sys.argv[1])]
statuses = [r["status"] for r in requests]
if statuses[:5] != [500, 429, 400, 204, 204]:
    sys.exit(f"FAIL: answers in order {statuses}")
for r in requests:
    h = r["headers"]
    expected = {"content-encoding": "snappy", "content-type": "application/x-protobuf",
                "x-prometheus-remote-write-version": "0.1.0"}
    for name, value in expected.items():
        if h.get(name) != value:
            sys.exit(f"FAIL: header {name}={h.get(name)!r}, expected {value!r}")
    if not h.get("user-agent", "").startswith("ainode/"):
        sys.exit(f"FAIL: user-agent {h.get('user-agent')!r}")
    if r["bytes"] == 0:
        sys.exit("FAIL: empty body")
t = [r["time"] for r in requests]
if not t[1] - t[0] < 1.5:
    sys.exit(f"FAIL: retry after the 500 took {t[1] - t[0]:.2f} s (backoff 200 ms..1 s)")
if not t[2] - t[1] >= 1.9:
    sys.exit(f"FAIL: Retry-After: 2 not honoured ({t[2] - t[1]:.2f} s)")
print(f"answers {statuses[:5]}; retry after 500 in {t[1]-t[0]:.2f} s, after 429 in {t[2]-t[1]:.2f} s; headers per spec")
PY
url="http://127.0.0.1:$port/api/v1/write"
# The counters are read at the start of each cycle: wait for one after the 204s.
for _ in $(seq 1 50); do
  metrics=$(curl -fsS "$AGENT_URL/metrics")
  grep -q "^ainode_remote_write_samples_sent_total{url=\"$url\"} [1-9]" <<<"$metrics" && break
  sleep 0.1
done
retries=$(grep "^ainode_remote_write_retries_total{url=\"$url\"}" <<<"$metrics" | awk '{print $2}')
dropped=$(grep "^ainode_remote_write_samples_dropped_total{url=\"$url\",reason=\"http_400\"}" <<<"$metrics" | awk '{print $2}')
sent=$(grep "^ainode_remote_write_samples_sent_total{url=\"$url\"}" <<<"$metrics" | awk '{print $2}')
[ "$retries" = 2 ] || fail "ainode_remote_write_retries_total=$retries, expected 2"
[ -n "$dropped" ] && [ "$dropped" -gt 0 ] || fail "no samples counted as dropped for the 400 (got '$dropped')"
[ -n "$sent" ] && [ "$sent" -gt 0 ] || fail "nothing counted as sent"
echo "retries_total=$retries dropped{http_400}=$dropped sent=$sent"
