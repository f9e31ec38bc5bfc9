#include "health/node_power.hpp"

#include "app/family_lookup.hpp"

namespace ainode {

std::optional<NodePowerReading> node_power(std::span<const Family> families) {
  if (auto bmc = find_value(families, "ainode_bmc_power_watts", {{"reading", "current"}})) return NodePowerReading{"bmc", *bmc};

  if (const Family* hwmon = find_family(families, "ainode_hwmon_power_watts")) {
    // The chip id of an ACPI power meter is its ACPI device, ACPI000D:NN.
    for (const auto& sample : hwmon->samples) {
      if (sample.label_values[0].starts_with("ACPI000D")) return NodePowerReading{"acpi_power_meter", sample.value};
    }
  }

  double sum = 0;
  bool any = false;
  if (const Family* rapl = find_family(families, "ainode_cpu_package_power_watts")) {
    for (const auto& sample : rapl->samples) {
      // Only package zones: core/uncore/dram are inside the package domain
      // (or reported beside it) and psys contains it, so adding them would
      // count watts twice.
      if (sample.label_values[1] == "package") {
        sum += sample.value;
        any = true;
      }
    }
  }
  if (const Family* gpus = find_family(families, "ainode_gpu_power_watts")) {
    for (const auto& sample : gpus->samples) {
      sum += sample.value;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  return NodePowerReading{"components", sum};
}

double NodeEnergyIntegrator::add(double watts, std::chrono::steady_clock::time_point now) {
  if (last_) {
    double seconds = std::chrono::duration<double>(now - last_->second).count();
    if (seconds > 0) joules_ += 0.5 * (watts + last_->first) * seconds;
  }
  last_ = {watts, now};
  return joules_;
}

}  // namespace ainode
