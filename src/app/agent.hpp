#pragma once
#include "config/config.hpp"

namespace ainode {

// Runs the agent until SIGINT or SIGTERM; returns the process exit code.
int run_agent(const Config& config);

}  // namespace ainode
