#pragma once
// GPU failure risk: transparent rules over one GPU's current reading and its
// history, each citing NVIDIA's (or DCGM's) guidance in docs/risk.md. Pure,
// so the labelled scenarios and unit tests drive it without threads.
//
// Each rule that fires is a reason with a weight in 0..1 and the action it
// asks for; the risk is 1 - prod(1 - weight) (more evidence never lowers
// it) and the action is the most demanding one among the reasons.
#include <string>
#include <vector>

#include "aiops/risk_action.hpp"
#include "aiops/risk_history.hpp"
#include "gpu/gpu_view.hpp"

namespace ainode {

struct RiskReason {
  std::string reason;  // one of kRiskReasons
  std::string detail;  // the evidence, readable
  double weight = 0;
  RiskAction action = RiskAction::none;
};

struct RiskAssessment {
  double value = 0;
  RiskAction action = RiskAction::none;
  std::vector<RiskReason> reasons;  // heaviest first
};

// Every reason a rule can give (the label values of
// ainode_gpu_failure_risk_reason, a bounded set).
inline constexpr const char* kRiskReasons[] = {
    "row_remap_failure",  "row_remap_pending",     "remapped_rows_uncorrectable", "row_remap_banks_low",
    "row_remap_banks_exhausted", "retired_pages",
    "retired_pages_pending", "uncorrected_ecc_new", "uncorrected_ecc_lifetime", "corrected_ecc_rate",
    "xid_reset_gpu",      "xid_reboot_node",       "xid_nvidia_workflow",        "xid_contact_support",
    "xid_restart_application", "xid_informational", "xid_application",          "gpu_lost",
    "thermal_stress",     "thermal_limit_touched", "hw_slowdown",           "pcie_replays",               "pcie_link_degraded",
    "nvlink_errors",      "nvlink_down",
};

RiskAssessment assess_risk(const GpuView& gpu, const GpuRiskHistory& history, GpuRiskHistory::Clock::time_point now);

}  // namespace ainode
