#pragma once
// Every event type the agent publishes: names are a contract with SSE
// clients, the TUI and alerting, so they are listed once, here, and
// ainode_events_total starts at 0 for each.
#include <array>
#include <string_view>

namespace ainode {

inline constexpr std::array<std::string_view, 32> kEventTypes{
    "gpu_xid",
    "gpu_throttle_start",
    "gpu_throttle_end",
    "gpu_ecc_errors",
    "gpu_row_remap",
    "gpu_lost",
    "gpu_recovered",
    "gpu_pcie_link_degraded",
    "gpu_pcie_link_restored",
    "collector_failed",
    "collector_recovered",
    "power_envelope_exceeded",
    "power_envelope_cleared",
    "degradation_changed",
    "config_reloaded",
    "control_action",
    "agent_started",
    "agent_stopping",
    "web_config_reloaded",
    "gpu_risk_changed",
    "pod_started",  // pod events: the kubelet's /pods, docs/kubernetes.md
    "pod_deleted",
    "container_restarted",
    "container_oom_killed",
    "pod_evicted",
    "pod_rescheduled",
    "rca_finding",
    "policy_action",
    "policy_restored",
    "policy_conflict",
    "policy_file_invalid",
    "events_lost",  // sent on a stream only, never published on the bus
};

}  // namespace ainode
