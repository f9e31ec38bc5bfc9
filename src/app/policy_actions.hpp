#pragma once
// The policy engine's place in the agent: its options from the
// configuration, and its control routes POST /v1/control/policies/{name}/mode
// and POST /v1/control/policies/reload (authenticated and audited by the
// control API like every other action).
#include "config/config.hpp"
#include "control/control_api.hpp"
#include "core/host_fs.hpp"
#include "policy/policy_controller.hpp"

namespace ainode {

PolicyControllerOptions policy_controller_options(const Config& config, const HostFs& fs, const std::string& state_dir);

void register_policy_control_actions(ControlApi& api, PolicyController& policies);

}  // namespace ainode
