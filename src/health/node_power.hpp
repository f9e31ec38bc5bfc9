#pragma once
// Whole-node power from the best source present, integrated into energy.
//
// Sources, best first:
//   "bmc"              ainode_bmc_power_watts{reading="current"} (IPMI DCMI, the bmc collector)
//   "acpi_power_meter" hwmon power of an ACPI power meter chip (whole system)
//   "components"       sum of RAPL package power (CPU packages, DRAM is inside
//                      the package domain on most servers) and GPU power
// The energy counter integrates the chosen power over time (trapezoid between
// cycles), without truncation, and keeps growing across source changes.
#include <chrono>
#include <optional>
#include <span>
#include <string>

#include "core/metric.hpp"

namespace ainode {

struct NodePowerReading {
  std::string source;
  double watts = 0;
};

// Picks the best source in `families`; nullopt when there is none.
std::optional<NodePowerReading> node_power(std::span<const Family> families);

class NodeEnergyIntegrator {
 public:
  // Returns the energy so far (joules); the first call starts at 0.
  double add(double watts, std::chrono::steady_clock::time_point now);

 private:
  std::optional<std::pair<double, std::chrono::steady_clock::time_point>> last_;
  double joules_ = 0;
};

}  // namespace ainode
