#pragma once
// POST /v1/control/diagnose: read-only, so the control API lets loopback
// callers in without a token; audited like whoami (one "response" record).
#include "aiops/risk_tracker.hpp"
#include "app/snapshot_store.hpp"
#include "control/control_api.hpp"
#include "gpu/kernel_xid_follower.hpp"

namespace ainode {

void register_diagnose_action(ControlApi& api, const SnapshotStore& store, const RiskTracker& risk,
                              const KernelXidFollower& kernel_log);

}  // namespace ainode
