#pragma once
#include <vector>

#include "app/config_reloader.hpp"
#include "config/settings.hpp"

namespace ainode {

// Runs the agent until SIGINT/SIGTERM; SIGHUP reloads through `loader`.
// Returns the process exit status (2 for configuration errors found at
// start, 1 when it cannot listen).
int run_agent(const Config& config, const std::vector<Setting>& settings, ConfigReloader::Loader loader);

}  // namespace ainode
