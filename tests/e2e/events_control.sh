#!/usr/bin/env bash
# The event stream and the control API as a user meets them, on the real
# binary: a simulated GPU throttles and reports XID 79, a collector fails and
# recovers, and each change arrives once on GET /v1/events (curl and
# `ainode events`); resuming with Last-Event-ID gets exactly the missed
# events; the control API takes loopback calls, checks the bearer token,
# picks up a rotated token on reload, keeps the previous configuration when
# the new one is invalid, survives SIGHUP, refuses to act when the audit log
# cannot be written, and `ainode audit` prints every call.
source "$(dirname "$0")/lib.sh"

cd "$WORK_DIR"
cp -r "$FIXTURES/proc" proc
echo 0 >clock
printf 'first-token-0123456789abcdef\n' >token
port=$(free_port)
url="http://127.0.0.1:$port"
cat >ainode.toml <<TOML
[control]
token_file = "$WORK_DIR/token"
TOML
AINODE_NVML_SIM_SCENARIO="$FIXTURES/nvml/events_e2e.toml" AINODE_NVML_SIM_CLOCK_FILE="$WORK_DIR/clock" \
  "$AINODE_BINARY" --config ainode.toml --web.listen-address "127.0.0.1:$port" --collect.interval 200ms \
  --path.procfs proc --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs" \
  --gpu.nvml-library "$NVML_SIM_LIBRARY" --state.dir "$WORK_DIR/state" >agent.log 2>&1 &
agent=$!
BACKGROUND_PIDS+=("$agent")
wait_for_url "$url/readyz" || { cat agent.log; fail "agent did not start"; }

"$AINODE_BINARY" events --url "$url" --json >events.jsonl 2>events.err &
BACKGROUND_PIDS+=($!)
curl -sN "$url/v1/events?types=gpu_xid,gpu_throttle_start,gpu_throttle_end" >filtered.sse &
BACKGROUND_PIDS+=($!)
sleep 1

# Simulated time: throttle on, XID, throttle off; a collector breaks and mends.
echo 12 >clock; sleep 0.6
echo 16 >clock; sleep 0.6
echo 25 >clock; sleep 0.6
cp proc/loadavg loadavg.good
echo "this is not a loadavg" >proc/loadavg; sleep 0.6
cp loadavg.good proc/loadavg; sleep 0.8

has_event() {  # type [JSON substring]; the stream may be a moment behind
  for _ in $(seq 20); do
    grep "\"type\":\"$1\"" events.jsonl | grep -q -- "${2:-}" && return 0
    sleep 0.1
  done
  return 1
}
has_event gpu_throttle_start '"reason":"hw_thermal"' || { cat events.jsonl; fail "no gpu_throttle_start hw_thermal"; }
has_event gpu_xid '"xid":79' || fail "no gpu_xid 79"
has_event gpu_xid '"action":"reboot_node"' || fail "XID 79 lacks NVIDIA's recommended action"
has_event gpu_throttle_end '"reason":"hw_thermal"' || fail "no gpu_throttle_end"
has_event collector_failed '"collector":"loadavg"' || fail "no collector_failed for loadavg"
has_event collector_recovered '"collector":"loadavg"' || fail "no collector_recovered for loadavg"
[ "$(grep -c '"type":"gpu_throttle_start"' events.jsonl)" -eq 1 ] || fail "throttle start sent more than once"
[ "$(grep -c '"type":"gpu_xid"' events.jsonl)" -eq 1 ] || fail "XID sent more than once"

# Server-side filter: only the three GPU types reached the filtered stream.
grep '^event: ' filtered.sse | sort -u >filtered.types
diff <(printf 'event: gpu_throttle_end\nevent: gpu_throttle_start\nevent: gpu_xid\n') filtered.types ||
  fail "filtered stream carried other types"

# Resume: from the id of the throttle start, exactly the events after it.
start_id=$(grep '"type":"gpu_throttle_start"' events.jsonl | sed 's/^{"id":\([0-9]*\).*/\1/')
curl -s --max-time 1 -N -H "Last-Event-ID: $start_id" "$url/v1/events" >resumed.sse || true
grep '^id: ' resumed.sse | cut -d' ' -f2 >resumed.ids
curl -fsS "$url/v1/events/recent" | python3 -c '
import json, sys
after = int(sys.argv[1])
for e in json.load(sys.stdin)["events"]:
    if e["id"] > after: print(e["id"])' "$start_id" >expected.ids
head -n "$(wc -l <resumed.ids)" expected.ids | diff - resumed.ids || fail "resume did not replay exactly the missed events"
[ "$(wc -l <resumed.ids)" -ge 4 ] || fail "resume replayed too little"

# Control: loopback is enough by default; a wrong token is refused anyway.
curl -fsS "$url/v1/control/whoami" | grep -q '"method": "loopback"' || fail "loopback whoami"
curl -fsS -H "Authorization: Bearer first-token-0123456789abcdef" "$url/v1/control/whoami" |
  grep -q '"method": "token"' || fail "token whoami"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong" "$url/v1/control/whoami")
[ "$code" = 401 ] || fail "wrong token got $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/v1/control/reload")
[ "$code" = 405 ] || fail "GET reload got $code"

# Token rotation takes effect on reload.
printf 'second-token-0123456789abcdef\n' >token
curl -fsS -X POST "$url/v1/control/reload" >reload.json || fail "reload"
grep -q '"result": "ok"' reload.json || { cat reload.json; fail "reload did not apply"; }
grep -q 'control.token_file' reload.json && fail "the token file's path did not change, only its content"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer first-token-0123456789abcdef" "$url/v1/control/whoami")
[ "$code" = 401 ] || fail "old token still accepted after rotation ($code)"
curl -fsS -H "Authorization: Bearer second-token-0123456789abcdef" "$url/v1/control/whoami" >/dev/null ||
  fail "rotated token refused"

# An invalid configuration at reload keeps the running one and says why.
cp ainode.toml ainode.toml.good
printf '[control]\nallow_remote = "perhaps"\n' >ainode.toml
code=$(curl -s -o bad.json -w '%{http_code}' -X POST "$url/v1/control/reload")
[ "$code" = 422 ] || fail "bad config reload got $code"
grep -q 'control.allow_remote' bad.json || { cat bad.json; fail "reload error does not name the key"; }
grep -q 'ainode.toml:2' bad.json || { cat bad.json; fail "reload error does not name the file and line"; }
cp ainode.toml.good ainode.toml
curl -fsS "$url/v1/control/whoami" >/dev/null || fail "agent not answering after a bad reload"

# A key that needs a restart is said, not silently ignored.
printf '[control]\ntoken_file = "%s"\n[processes]\ntop_n = 3\n' "$WORK_DIR/token" >ainode.toml
curl -fsS -X POST "$url/v1/control/reload" | grep -q '"processes.top_n"' || fail "restart_required not reported"
cp ainode.toml.good ainode.toml

# SIGHUP reloads and does not kill the agent.
kill -HUP "$agent"
sleep 0.5
kill -0 "$agent" 2>/dev/null || fail "SIGHUP killed the agent"
curl -fsS "$url/healthz" >/dev/null || fail "agent not serving after SIGHUP"
has_event config_reloaded || fail "no config_reloaded event"
has_event control_action '"action":"reload"' || { cat events.jsonl events.err; fail "no control_action event"; }

# The audit trail: every call above, readable.
"$AINODE_BINARY" audit --file state/audit.log >audit.txt || fail "ainode audit"
grep -q 'whoami' audit.txt || fail "whoami not audited"
grep -c 'refused' audit.txt | grep -q '^[2-9]' || { cat audit.txt; fail "refusals not audited"; }
grep -q 'agent SIGHUP' audit.txt || { cat audit.txt; fail "SIGHUP reload not audited"; }
"$AINODE_BINARY" audit --file state/audit.log --since 1h --json | python3 -c '
import json, sys
for line in sys.stdin: json.loads(line)' || fail "audit --json is not JSON lines"
# Into a file first: grep -q quitting at the first match would fail curl's
# write (exit 23) under pipefail once /metrics outgrows a pipe buffer.
curl -fsS "$url/metrics" >metrics.prom || fail "GET /metrics"
grep -q '^ainode_audit_records_total [1-9]' metrics.prom || fail "audit records not counted"
grep -q '^ainode_events_total{type="gpu_xid"} 1' metrics.prom || fail "events not counted"

# A full disk: the action is refused (503), the agent goes on.
port2=$(free_port)
"$AINODE_BINARY" --web.listen-address "127.0.0.1:$port2" --collect.interval 1s --no-collector.gpu \
  --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs" \
  --control.audit-log /dev/full >agent2.log 2>&1 &
BACKGROUND_PIDS+=($!)
wait_for_url "http://127.0.0.1:$port2/readyz" || fail "second agent did not start"
code=$(curl -s -o full.json -w '%{http_code}' -X POST "http://127.0.0.1:$port2/v1/control/reload")
[ "$code" = 503 ] || fail "reload with a full audit disk got $code"
grep -q 'No space left on device' full.json || { cat full.json; fail "full-disk refusal does not say why"; }
sleep 1.2  # counters reach /metrics with the next snapshot
curl -fsS "http://127.0.0.1:$port2/metrics" >metrics2.prom || fail "GET /metrics from the second agent"
grep -q '^ainode_audit_write_errors_total [1-9]' metrics2.prom || fail "audit write errors not counted"
echo "events and control: ok"
