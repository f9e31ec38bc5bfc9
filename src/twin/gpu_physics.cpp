#include "twin/gpu_physics.hpp"

#include <algorithm>
#include <cmath>

#include "gpu/nvml/nvml_abi.hpp"

namespace ainode::twin {

namespace {

constexpr double kClockBinMhz = 15;
constexpr double kIdleDemand = 0.05;
// The SW thermal controller: how fast it lowers the clock ceiling per degree
// over the target, and raises it again once 2 °C under.
constexpr double kThermalGainMhzPerCelsiusSecond = 60;
constexpr double kThermalRecoveryMhzPerSecond = 100;

// Dynamic power grows with frequency times voltage squared; over the DVFS
// range that is close to the square of the clock (a simplification).
double power_at(const GpuPhysicsModel& m, double demand, double mhz) {
  double ratio = mhz / m.max_graphics_mhz;
  return m.idle_w + (m.full_w - m.idle_w) * demand * ratio * ratio;
}

double bin_down(double mhz) { return std::floor(mhz / kClockBinMhz) * kClockBinMhz; }

double memory_clock(const GpuPhysicsModel& m, const GpuSettings& s) {
  double mhz = m.max_memory_mhz;
  if (s.applications_memory_mhz != 0) mhz = std::min<double>(mhz, s.applications_memory_mhz);
  if (s.locked_memory_max_mhz != 0) mhz = std::min<double>(mhz, s.locked_memory_max_mhz);
  return mhz;
}

// Chooses the graphics clock and the reasons holding it down, given the
// current temperature; returns the power drawn at that clock.
double settle_clocks(GpuState& st, const GpuPhysicsModel& m, double demand, const GpuSettings& s, const GpuEffects& e) {
  unsigned long long reasons = e.forced_reasons;
  double ceiling = m.max_graphics_mhz;
  if (s.applications_graphics_mhz != 0) {
    ceiling = std::min<double>(ceiling, s.applications_graphics_mhz);
    reasons |= nvmlClocksEventReasonApplicationsClocksSetting;
  }
  if (s.locked_graphics_max_mhz != 0) ceiling = std::min<double>(ceiling, s.locked_graphics_max_mhz);
  if (e.forced_clock_fraction < 1) ceiling = std::min(ceiling, bin_down(m.max_graphics_mhz * e.forced_clock_fraction));
  if (st.thermal_ceiling_mhz < ceiling) {
    ceiling = st.thermal_ceiling_mhz;
    reasons |= nvmlClocksEventReasonSwThermalSlowdown;
  }
  if (e.hw_slowdown_factor < 1) {
    ceiling = bin_down(ceiling * e.hw_slowdown_factor);
    reasons |= nvmlClocksThrottleReasonHwSlowdown;
  }
  if (e.power_brake) {
    ceiling = std::min<double>(ceiling, m.min_graphics_mhz * 2);
    reasons |= nvmlClocksThrottleReasonHwPowerBrakeSlowdown | nvmlClocksThrottleReasonHwSlowdown;
  }
  // HW thermal slowdown: past the slowdown threshold the hardware halves the clock.
  if (st.temperature_c >= m.slowdown_c) {
    ceiling = bin_down(ceiling / 2);
    reasons |= nvmlClocksThrottleReasonHwThermalSlowdown;
  }
  double clock;
  if (demand < kIdleDemand) {
    clock = std::max<double>(m.idle_graphics_mhz, s.locked_graphics_min_mhz);
    reasons |= nvmlClocksEventReasonGpuIdle;
  } else {
    clock = ceiling;
  }
  clock = std::clamp(clock, static_cast<double>(m.min_graphics_mhz), std::max(ceiling, double(m.min_graphics_mhz)));
  double limit = enforced_limit_w(m, s, e);
  if (power_at(m, demand, clock) > limit && demand > 0) {
    // The power controller lowers the clock until the board fits its limit.
    double fit = m.max_graphics_mhz * std::sqrt(std::max(0.0, (limit - m.idle_w) / ((m.full_w - m.idle_w) * demand)));
    clock = std::max<double>(m.min_graphics_mhz, bin_down(std::min(fit, clock)));
    reasons |= nvmlClocksEventReasonSwPowerCap;
  }
  st.graphics_mhz = clock;
  st.memory_mhz = memory_clock(m, s);
  st.reasons = reasons;
  st.demand = demand;
  st.delivered = demand * clock / m.max_graphics_mhz;
  return power_at(m, demand, clock);
}

double steady_temperature(const GpuPhysicsModel& m, const GpuEffects& e, double power) {
  return m.ambient_c + e.ambient_rise_c + m.thermal_resistance_c_per_w * e.thermal_resistance_factor * power;
}

}  // namespace

double enforced_limit_w(const GpuPhysicsModel& m, const GpuSettings& s, const GpuEffects& e) {
  double limit = s.power_limit_mw != 0 ? s.power_limit_mw / 1000.0 : m.default_limit_w;
  return std::min(limit, std::max(e.external_limit_w, m.min_limit_w));
}

GpuState initial_state(const GpuPhysicsModel& m, double demand, const GpuSettings& s, const GpuEffects& e) {
  GpuState st;
  st.thermal_ceiling_mhz = m.max_graphics_mhz;
  st.temperature_c = m.ambient_c;
  st.power_w = settle_clocks(st, m, demand, s, e);
  st.temperature_c = std::min(steady_temperature(m, e, st.power_w), m.gpu_max_c - 1);
  st.power_w = settle_clocks(st, m, demand, s, e);
  st.fan_ratio = m.has_fan ? 0.3 : 0;
  return st;
}

void step(GpuState& st, const GpuPhysicsModel& m, double demand, const GpuSettings& s, const GpuEffects& e,
          double dt) {
  st.t += dt;
  if (st.lost) return;  // no power, no readings: the GPU is off the bus
  // First-order thermal model: the die relaxes towards the steady
  // temperature of the power it drew over the last step, with the model's
  // time constant.
  double target = steady_temperature(m, e, st.power_w);
  st.temperature_c += (target - st.temperature_c) * (1 - std::exp(-dt / m.thermal_time_constant_s));
  if (st.temperature_c >= m.shutdown_c) {
    st.lost = true;
    st.power_w = st.delivered = st.demand = st.graphics_mhz = st.memory_mhz = 0;
    return;
  }
  // The SW thermal controller holds the die at gpu_max_c.
  if (st.temperature_c > m.gpu_max_c) {
    st.thermal_ceiling_mhz -= kThermalGainMhzPerCelsiusSecond * (st.temperature_c - m.gpu_max_c) * dt;
  } else if (st.temperature_c < m.gpu_max_c - 2) {
    st.thermal_ceiling_mhz += kThermalRecoveryMhzPerSecond * dt;
  }
  st.thermal_ceiling_mhz = std::clamp(st.thermal_ceiling_mhz, double(m.min_graphics_mhz), double(m.max_graphics_mhz));
  // Clocks and reasons follow the temperature now reported.
  st.power_w = settle_clocks(st, m, demand, s, e);
  if (m.has_fan) {
    // The fan curve rises from 30% at 40 °C to 100% at the target, times what still turns.
    double curve = std::clamp(0.3 + 0.7 * (st.temperature_c - 40) / (m.gpu_max_c - 40), 0.3, 1.0);
    st.fan_ratio = curve * e.fan_factor;
  }
  st.energy_j += st.power_w * dt;
  st.work += st.delivered * dt;
}

std::vector<unsigned> supported_graphics_clocks(const GpuPhysicsModel& m) {
  std::vector<unsigned> out;
  for (double mhz = m.max_graphics_mhz; mhz >= m.min_graphics_mhz; mhz -= kClockBinMhz) out.push_back(unsigned(mhz));
  return out;
}

std::vector<unsigned> supported_memory_clocks(const GpuPhysicsModel& m) { return {m.max_memory_mhz}; }

}  // namespace ainode::twin
