#pragma once
// The readings physics_labels() needs, taken from the simulated NVML itself
// (the physics the replay's agent sees, not a second model of it): each GPU
// under a throttle fault, once a second of scenario time.
#include <filesystem>
#include <vector>

#include "twin/physics_labels.hpp"

namespace ainode::twin {

// Labels the physics gives `scenario` (throws std::runtime_error when the
// simulator cannot load it). `work_dir` holds the clock file.
std::vector<Label> labels_from_physics(const std::filesystem::path& scenario, const std::filesystem::path& nvml_sim,
                                       const std::filesystem::path& work_dir);

// The [[label]] tables for `labels`, as a scenario file carries them.
std::string labels_toml(const std::vector<Label>& labels);

}  // namespace ainode::twin
