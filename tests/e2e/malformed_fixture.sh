#!/usr/bin/env bash
# Garbage in one fixture file fails only the collector that reads it: that
# collector is counted and visible in /v1/status, and every other line of
# /metrics is exactly what the intact fixture tree gives.
source "$(dirname "$0")/lib.sh"

cp -r "$FIXTURES" "$WORK_DIR/fixtures"
broken="$WORK_DIR/fixtures"
printf 'MemTotal:       lots kB\n\x00\xff\xfe garbage\n' >"$broken/proc/meminfo"

start_agent intact --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs" \
  --collect.interval 1h $(no_gpu_flag)
intact_url=$AGENT_URL
READY_PATH=/metrics start_agent broken --path.procfs "$broken/proc" --path.sysfs "$broken/sys" --path.rootfs "$broken/rootfs" \
  --collect.interval 1h $(no_gpu_flag)
broken_url=$AGENT_URL
# memory is a core collector: the agent serves what it has but is not ready.
ready=$(curl -s -o /dev/null -w '%{http_code}' "$broken_url/readyz")
[ "$ready" = 503 ] || fail "/readyz answered $ready with the memory collector failing"

curl -fsS "$broken_url/metrics" >"$WORK_DIR/broken.prom"
grep -qx 'ainode_collector_success{collector="memory"} 0' "$WORK_DIR/broken.prom" || fail "memory collector not reported as failed"
# Two failed reads by the first snapshot: the unpublished first reading (taken
# so that rates are in the first snapshot) and the first cycle.
grep -qx 'ainode_collector_errors_total{collector="memory"} 2' "$WORK_DIR/broken.prom" || fail "memory failure not counted"
grep -q '^ainode_memory_' "$WORK_DIR/broken.prom" && fail "failed collector still exported samples"

# Everything not from the memory collector (and not a derived or timing
# value) must be identical to the intact run.
filter() { normalize_metrics | grep -v -E '^(# (HELP|TYPE) )?ainode_(memory_|swap_|collector_[a-z_]+\{collector="memory"\}|health_score)'; }
curl -fsS "$intact_url/metrics" | filter >"$WORK_DIR/intact.filtered"
filter <"$WORK_DIR/broken.prom" >"$WORK_DIR/broken.filtered"
diff -u "$WORK_DIR/intact.filtered" "$WORK_DIR/broken.filtered" || fail "other collectors' output changed"

curl -fsS "$broken_url/v1/status" | python3 -c '
import json, sys
status = json.load(sys.stdin)
memory = [c for c in status["collectors"] if c["name"] == "memory"][0]
assert memory["success"] is False, memory
assert memory["last_error"], memory
others = [c for c in status["collectors"] if c["name"] != "memory" and not c["success"]]
assert not others, others
print("status shows memory error:", memory["last_error"])
'
echo "malformed meminfo failed only the memory collector"
