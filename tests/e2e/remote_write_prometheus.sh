#!/usr/bin/env bash
# remote_write into a real Prometheus (Debian's, --web.enable-remote-write-receiver)
# across a 60 s receiver outage during which the agent is killed with -9 and
# restarted. Afterwards Prometheus must hold exactly the cycles the agent
# collected (its buffer database lists them): every one, once, with the
# agent's own timestamps and the external label. This is the case Prometheus'
# agent mode fails (prometheus#13542: a restart during an outage loses the backlog).
source "$(dirname "$0")/lib.sh"
command -v prometheus >/dev/null || fail "prometheus not installed (make deps)"

prom_port=$(free_port)
PROM="http://127.0.0.1:$prom_port"
printf 'global:\n  scrape_interval: 15s\n' >"$WORK_DIR/prometheus.yml"
start_prometheus() {
  prometheus --config.file="$WORK_DIR/prometheus.yml" --storage.tsdb.path="$WORK_DIR/tsdb" \
    --web.enable-remote-write-receiver --web.listen-address="127.0.0.1:$prom_port" >>"$WORK_DIR/prometheus.log" 2>&1 &
  PROM_PID=$!
  BACKGROUND_PIDS+=($PROM_PID)
  wait_for_url "$PROM/-/ready" 60 || { tail -20 "$WORK_DIR/prometheus.log" >&2; fail "Prometheus did not start"; }
}
start_prometheus

cat >"$WORK_DIR/ainode.toml" <<TOML
[remote_write]
min_backoff = "100ms"
max_backoff = "2s"

[[remote_write.url]]
url = "$PROM/api/v1/write"
external_labels = { node = "e2e-node" }
TOML
agent_flags=(--config "$WORK_DIR/ainode.toml" --state.dir "$WORK_DIR/state" --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys"
  --path.rootfs "$FIXTURES/rootfs" --kubelet.pod-resources-socket "$WORK_DIR/no-kubelet.sock"
  --collect.interval 1s $(no_gpu_flag))
start_agent first "${agent_flags[@]}"
first_pid=${BACKGROUND_PIDS[-1]}
agent_port=${AGENT_URL##*:}

count_in_prometheus() {
  curl -fsS --get "$PROM/api/v1/query" --data-urlencode 'query=count_over_time(ainode_snapshot_timestamp_seconds{node="e2e-node"}[1h])' |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)'
}
for _ in $(seq 1 100); do
  [ "$(count_in_prometheus)" -ge 3 ] && break
  sleep 0.2
done
[ "$(count_in_prometheus)" -ge 3 ] || { tail -20 "$WORK_DIR/first.log" >&2; fail "no samples reached Prometheus"; }
echo "samples arriving; stopping the receiver for 60 s"

outage_start=$(date +%s)
kill "$PROM_PID"
wait "$PROM_PID" 2>/dev/null || true
sleep 20
echo "kill -9 of the agent during the outage, then a restart on the same state directory"
kill -9 "$first_pid"
wait "$first_pid" 2>/dev/null || true
# Same port, so the helper's URL stays valid.
"$AINODE_BINARY" --web.listen-address "127.0.0.1:$agent_port" "${agent_flags[@]}" >"$WORK_DIR/second.log" 2>&1 &
BACKGROUND_PIDS+=($!)
second_pid=$!
wait_for_url "$AGENT_URL/readyz" || { cat "$WORK_DIR/second.log" >&2; fail "restarted agent not ready"; }
grep -q "resuming after cycle" "$WORK_DIR/second.log" || fail "restarted agent did not resume from its saved position"
sleep $((60 - ($(date +%s) - outage_start)))
pending=$(curl -fsS "$AGENT_URL/v1/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["remote_write"][0]["pending_samples"])')
[ "$pending" -gt 0 ] || fail "no backlog pending after the outage (pending_samples=$pending)"
echo "receiver back after $(($(date +%s) - outage_start)) s with $pending samples pending"
start_prometheus

caught_up() {
  curl -fsS "$AGENT_URL/v1/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["remote_write"][0]["pending_samples"])'
}
for _ in $(seq 1 150); do
  [ "$(caught_up)" = 0 ] && break
  sleep 0.2
done
[ "$(caught_up)" = 0 ] || { tail -20 "$WORK_DIR/second.log" >&2; fail "backlog not replayed within 30 s"; }
# Stop collecting so the buffer and Prometheus can be compared at rest.
kill "$second_pid"
wait "$second_pid" 2>/dev/null || true

curl -fsS --get "$PROM/api/v1/query" --data-urlencode 'query=ainode_snapshot_timestamp_seconds{node="e2e-node"}[1h]' \
  >"$WORK_DIR/prometheus.json"
python3 - "$WORK_DIR/state/buffer.db" "$WORK_DIR/prometheus.json" <<'PY'
import json, sqlite3, sys
cycles = [row[0] for row in sqlite3.connect(sys.argv[1]).execute("SELECT taken_at_ms FROM cycles ORDER BY seq")]
result = json.load(open(sys.argv[2]))["data"]["result"]
if len(result) != 1:
    sys.exit(f"FAIL: expected one series, got {len(result)}: {[r['metric'] for r in result]}")
points = [(round(float(t) * 1000), float(v)) for t, v in result[0]["values"]]
stamps = [t for t, _ in points]
if len(set(stamps)) != len(stamps):
    sys.exit("FAIL: duplicate timestamps in Prometheus")
for t, v in points:
    if abs(v * 1000 - t) > 1:
        sys.exit(f"FAIL: sample at {t} carries snapshot time {v}: not the agent's timestamp")
missing = sorted(set(cycles) - set(stamps))
extra = sorted(set(stamps) - set(cycles))
if missing or extra:
    sys.exit(f"FAIL: {len(missing)} cycles missing in Prometheus {missing[:5]}, {len(extra)} not in the buffer {extra[:5]}")
gaps = [b - a for a, b in zip(stamps, stamps[1:]) if b - a > 1500]
print(f"Prometheus holds all {len(cycles)} cycles the agent collected, once each, with its timestamps; "
      f"gaps over 1.5 s: {gaps} ms (the kill -9 and restart only)")
if len(gaps) > 1:
    sys.exit("FAIL: more than the one gap of the agent's own downtime")
PY
