#pragma once
// The physics of one simulated GPU, advanced in small steps of scenario
// time: demand and clocks set power, the power limit bounds it (clocks drop,
// SW power cap), power heats the die through a first-order thermal model,
// heat slows the clocks (SW/HW thermal slowdown) and at the shutdown
// threshold the GPU is lost. Pure: no time source, no globals.
#include <limits>
#include <vector>

namespace ainode::twin {

struct GpuPhysicsModel {
  double idle_w = 70;            // board power with nothing running
  double full_w = 735;           // power at full demand and maximum clocks, before any cap
  double default_limit_w = 700;  // the board's default (and maximum) power limit
  double min_limit_w = 200;
  unsigned max_graphics_mhz = 1980, min_graphics_mhz = 210, idle_graphics_mhz = 345, max_memory_mhz = 2619;
  double ambient_c = 25;                    // inlet air
  double thermal_resistance_c_per_w = 0.064;  // die over inlet per watt at steady state
  double thermal_time_constant_s = 30;
  double gpu_max_c = 85, slowdown_c = 87, shutdown_c = 92;
  bool has_fan = false;
};

// What NVML set calls changed; 0 means "not set, the default applies".
struct GpuSettings {
  unsigned power_limit_mw = 0;
  unsigned locked_graphics_min_mhz = 0, locked_graphics_max_mhz = 0;
  unsigned locked_memory_min_mhz = 0, locked_memory_max_mhz = 0;
  unsigned applications_graphics_mhz = 0, applications_memory_mhz = 0;
};

// What the scenario's faults do to the GPU at one instant.
struct GpuEffects {
  double external_limit_w = std::numeric_limits<double>::infinity();  // an out-of-band cap (BMC, rack manager)
  double thermal_resistance_factor = 1;  // degraded cooling, failed fan
  double ambient_rise_c = 0;             // hot inlet air
  double fan_factor = 1;                 // share of the fan still turning
  double hw_slowdown_factor = 1;         // clock multiplier while HW slowdown is asserted (< 1 asserts it)
  bool power_brake = false;              // the external power brake signal
  unsigned long long forced_reasons = 0; // reason bits forced by a legacy [[throttle]] entry
  double forced_clock_fraction = 1;      // and the share of the maximum clock it holds
};

struct GpuState {
  double t = 0;
  double demand = 0;        // what the workload asks for, 0..1
  double delivered = 0;     // work done relative to full demand at maximum clocks, 0..1
  double graphics_mhz = 0, memory_mhz = 0;
  double thermal_ceiling_mhz = 0;  // the SW thermal controller's clock ceiling
  double power_w = 0, temperature_c = 0, fan_ratio = 0;
  unsigned long long reasons = 0;  // NVML clocks event reason bits
  double energy_j = 0;             // integral of power_w
  double work = 0;                 // integral of delivered (seconds of full-rate work)
  bool lost = false;               // reached the shutdown threshold: off the bus until reset
};

inline constexpr double kPhysicsStepSeconds = 0.1;

double enforced_limit_w(const GpuPhysicsModel& m, const GpuSettings& s, const GpuEffects& e);
// The state at t = 0 with the workload already running: temperature at its
// steady state for that load.
GpuState initial_state(const GpuPhysicsModel& m, double demand, const GpuSettings& s, const GpuEffects& e);
// Advances `state` by dt seconds under `demand`.
void step(GpuState& state, const GpuPhysicsModel& m, double demand, const GpuSettings& s, const GpuEffects& e,
          double dt);

// The clocks a driver offers, highest first: graphics in 15 MHz bins from
// the maximum down to the minimum; memory has one clock on HBM boards.
std::vector<unsigned> supported_graphics_clocks(const GpuPhysicsModel& m);
std::vector<unsigned> supported_memory_clocks(const GpuPhysicsModel& m);

}  // namespace ainode::twin
