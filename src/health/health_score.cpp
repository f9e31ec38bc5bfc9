#include "health/health_score.hpp"

#include <algorithm>

namespace ainode {

namespace {
constexpr double kCpuWeight = 0.3;
constexpr double kMemoryWeight = 0.4;
constexpr double kPressureWeight = 0.3;
constexpr double kFullMemoryHeadroom = 0.25;
constexpr double kNoPressureHeadroom = 0.5;

double clamp01(double value) { return std::clamp(value, 0.0, 1.0); }
}  // namespace

std::optional<double> health_score(const HealthInputs& inputs) {
  double weighted = 0;
  double weights = 0;
  if (inputs.cpu_utilization_ratio) {
    weighted += kCpuWeight * (1.0 - clamp01(*inputs.cpu_utilization_ratio));
    weights += kCpuWeight;
  }
  if (inputs.memory_total_bytes && inputs.memory_available_bytes && *inputs.memory_total_bytes > 0) {
    double available_ratio = *inputs.memory_available_bytes / *inputs.memory_total_bytes;
    weighted += kMemoryWeight * clamp01(available_ratio / kFullMemoryHeadroom);
    weights += kMemoryWeight;
  }
  if (inputs.worst_pressure_some_ratio) {
    weighted += kPressureWeight * (1.0 - clamp01(*inputs.worst_pressure_some_ratio / kNoPressureHeadroom));
    weights += kPressureWeight;
  }
  if (weights == 0) return std::nullopt;
  return 10.0 * weighted / weights;
}

}  // namespace ainode
