#pragma once
#include "config/config.hpp"

namespace ainode {

// Configures the default spdlog logger (stderr) for level and format.
void setup_logging(const LogConfig& config);

}  // namespace ainode
