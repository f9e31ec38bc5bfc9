#!/usr/bin/env bash
# The GPU collector end to end: the agent loads the simulated NVML
# (build/nvml_sim/libnvidia-ml.so.1) with a frozen-time scenario and its
# /metrics is diffed with a golden file; promtool must be clean on it.
# Regenerate after an intended change with:
#   UPDATE_GOLDEN=1 bash tests/e2e/golden_gpu_metrics.sh
source "$(dirname "$0")/lib.sh"
: "${NVML_SIM_LIBRARY:=$AINODE_BUILD_DIR/nvml_sim/libnvidia-ml.so.1}"
GOLDEN="$FIXTURES/golden/gpu_metrics.prom"

# Events are delivered by the event thread; they must show up before the
# snapshot is taken, so collect every 500 ms and take a later one.
AINODE_NVML_SIM_SCENARIO="$FIXTURES/nvml/golden.toml" start_agent gpu \
  --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs" \
  --collect.disable-defaults --collector.gpu --gpu.nvml-library "$NVML_SIM_LIBRARY" --collect.interval 500ms
for _ in $(seq 1 40); do
  curl -fsS "$AGENT_URL/metrics" >"$WORK_DIR/raw.prom"
  # Both timed events of the scenario (XID at 10 s, double-bit ECC at 20 s)
  # must have reached the snapshot.
  grep -q '^ainode_gpu_xid_errors_total' "$WORK_DIR/raw.prom" &&
    grep -q 'type="double_bit_ecc"' "$WORK_DIR/raw.prom" && break
  sleep 0.25
done
grep -q 'driver_version="sim-' "$WORK_DIR/raw.prom" || fail "simulator not loaded"
promtool check metrics <"$WORK_DIR/raw.prom" || fail "promtool check metrics"
# The snapshot compared is a later one, so series derived across cycles
# (node energy, degradation deltas, buffer contents) depend on how many cycles ran: those are
# covered by unit tests and left out here.
normalize_metrics <"$WORK_DIR/raw.prom" |
  sed -E -e 's/^(ainode_gpu_last_xid_timestamp_seconds\{[^}]*\}) .*/\1 <varies>/' \
    -e 's/^(ainode_node_energy_joules_total) .*/\1 <varies>/' |
  grep -v -E '^(# (HELP|TYPE) )?ainode_(degradation|buffer)_' >"$WORK_DIR/actual.prom"
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
  cp "$WORK_DIR/actual.prom" "$GOLDEN"
  echo "updated $GOLDEN"
  exit 0
fi
diff -u "$GOLDEN" "$WORK_DIR/actual.prom" || fail "GPU /metrics differs from $GOLDEN (UPDATE_GOLDEN=1 to accept)"
echo "golden GPU /metrics matches ($(grep -c '^ainode_gpu' "$GOLDEN") GPU samples), promtool clean"
