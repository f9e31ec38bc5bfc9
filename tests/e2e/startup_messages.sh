#!/usr/bin/env bash
# What a first run says in its log: a missing integration is said once, at
# info when it is simply absent (no NVIDIA driver, not a Kubernetes node) and
# as a warning when it was configured; variables read by the simulated NVML
# are not called ignored.
source "$(dirname "$0")/lib.sh"

host_flags=(--path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs"
  --collect.interval 200ms --collect.disable-defaults --collector.gpu --collector.kubelet)

# Configured, and missing: warnings, each said once over several cycles.
AINODE_NVML_SIM_SCENARIO="$AINODE_SOURCE_DIR/scenarios/h100x8.toml" start_agent configured "${host_flags[@]}" \
  --gpu.nvml-library "$WORK_DIR/missing/libnvidia-ml.so.1" \
  --kubelet.pod-resources-socket "$WORK_DIR/missing/kubelet.sock"
sleep 1.5
log="$WORK_DIR/configured.log"
[ "$(grep -c 'warning collector gpu: NVML not available' "$log")" -eq 1 ] || { cat "$log"; fail "NVML warning not said once"; }
[ "$(grep -c "warning collector kubelet: kubelet: List: UNAVAILABLE: no socket at $WORK_DIR/missing/kubelet.sock" "$log")" -eq 1 ] ||
  { cat "$log"; fail "kubelet warning not said once"; }
grep -q 'AINODE_NVML_SIM_SCENARIO' "$log" && { cat "$log"; fail "the simulator's variable was reported"; }

# Absent where it is looked for by default: said once at info. Only where
# this machine really has no kubelet socket and no NVML.
if [ ! -e /var/lib/kubelet/pod-resources/kubelet.sock ] && ! ldconfig -p | grep -q 'libnvidia-ml.so.1 '; then
  start_agent absent "${host_flags[@]}"
  sleep 1
  log="$WORK_DIR/absent.log"
  [ "$(grep -c 'info collector gpu: NVML not available' "$log")" -eq 1 ] || { cat "$log"; fail "NVML info not said once"; }
  [ "$(grep -c 'info collector kubelet: kubelet: List: UNAVAILABLE: no socket at /var/lib/kubelet' "$log")" -eq 1 ] ||
    { cat "$log"; fail "kubelet info not said once"; }
else
  echo "skipped the default-location checks: this machine has a kubelet socket or NVML"
fi
echo "start-up messages checks passed"
