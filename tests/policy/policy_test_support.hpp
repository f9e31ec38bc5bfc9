#pragma once
// Hand-made GPUs and profiles for the policy engine's tests.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "policy/policy_evaluator.hpp"
#include "policy/profile_parser.hpp"

namespace ainode::testing {

// An H100-like GPU: 200-700 W limits, at its default.
inline PolicyGpu h100(unsigned index, double utilization, double limit = 700) {
  PolicyGpu gpu;
  gpu.index = index;
  gpu.uuid = "GPU-" + std::to_string(index);
  gpu.model = "NVIDIA H100 80GB HBM3";
  gpu.signals.utilization_ratio = utilization;
  gpu.signals.power_watts = 70 + 630 * utilization;
  gpu.current_limit_watts = limit;
  gpu.default_limit_watts = 700;
  gpu.min_limit_watts = 200;
  gpu.max_limit_watts = 700;
  return gpu;
}

inline std::vector<EfficiencyProfile> profiles_from(const std::string& yaml, const std::string& file = "test.yaml") {
  auto result = parse_profile(yaml, file);
  EXPECT_TRUE(result.ok()) << (result.errors.empty() ? "" : format_profile_error(result.errors.front()));
  return result.profiles;
}

// The canonical profile with short times: 10s window, 20s for, 30s cooldown.
inline std::string canonical(const std::string& mode = "enforce", const std::string& extra = "") {
  return "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata:\n  name: max-250w-when-light\nspec:\n"
         "  mode: " + mode + "\n  selector:\n    gpus: all\n  when:\n    - signal: gpu.utilization\n"
         "      window: 10s\n      avg_below: 0.5\n  for: 20s\n  cooldown: 30s\n" + extra +
         "  then:\n    power_limit: 250W\n";
}

inline std::chrono::system_clock::time_point at_second(int s) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000 + s));
}

}  // namespace ainode::testing
