#pragma once
// The one line the footer shows after a control request (diagnostics, a
// policy mode): done, refused (with the agent's reason: which right is
// missing), not available on this agent, or failed and why. Pure.
#include <string>

#include "client/agent_client.hpp"

namespace ainode::tui {

std::string describe_control_outcome(const std::string& what, const HttpResult& result);

}  // namespace ainode::tui
