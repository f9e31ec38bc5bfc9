#include "policy/profile.hpp"

namespace ainode {

std::string_view to_string(PolicyMode mode) {
  switch (mode) {
    case PolicyMode::off: return "off";
    case PolicyMode::dry_run: return "dry_run";
    case PolicyMode::enforce: return "enforce";
  }
  return "?";
}

std::string_view to_string(PolicySignal signal) {
  switch (signal) {
    case PolicySignal::gpu_utilization: return "gpu.utilization";
    case PolicySignal::gpu_memory_utilization: return "gpu.memory_utilization";
    case PolicySignal::gpu_memory_used: return "gpu.memory_used";
    case PolicySignal::gpu_temperature: return "gpu.temperature";
    case PolicySignal::gpu_power: return "gpu.power";
    case PolicySignal::node_power: return "node.power";
    case PolicySignal::time_of_day: return "time_of_day";
    case PolicySignal::no_workload: return "no_workload";
  }
  return "?";
}

std::string format_profile_error(const ProfileError& error) {
  std::string text = error.file;
  if (error.line > 0) text += ":" + std::to_string(error.line);
  text += ": ";
  if (!error.key.empty()) text += error.key + ": ";
  return text + error.message;
}

}  // namespace ainode
