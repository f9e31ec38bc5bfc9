// The twin's GPU physics on its own: power capping, the thermal model,
// thermal slowdown and shutdown, throttle reason bits, delivered work.
#include <gtest/gtest.h>

#include <cmath>

#include "gpu/nvml/nvml_abi.hpp"
#include "twin/gpu_physics.hpp"

using namespace ainode::twin;

namespace {

const GpuPhysicsModel kH100{};  // the defaults are the H100 SXM figures

GpuState run(double seconds, double demand, const GpuSettings& s = {}, const GpuEffects& e = {},
             const GpuPhysicsModel& m = kH100) {
  GpuState st = initial_state(m, demand, s, e);
  auto steps = std::lround(seconds / kPhysicsStepSeconds);
  for (long i = 0; i < steps; ++i) step(st, m, demand, s, e, kPhysicsStepSeconds);
  return st;
}

}  // namespace

TEST(GpuPhysics, UnderItsLimitAGpuRunsAtFullClocks) {
  GpuState st = run(5, 0.9);
  EXPECT_DOUBLE_EQ(st.graphics_mhz, 1980);
  EXPECT_NEAR(st.power_w, 70 + 665 * 0.9, 1e-9);
  EXPECT_EQ(st.reasons, 0u);
  EXPECT_DOUBLE_EQ(st.delivered, 0.9);
}

TEST(GpuPhysics, DemandOverTheDefaultLimitIsCapped) {
  // Full demand draws 735 W at full clocks: more than the 700 W limit.
  GpuState st = run(1, 1.0);
  EXPECT_LE(st.power_w, 700.0);
  EXPECT_GT(st.power_w, 690.0) << "the controller uses the headroom it has";
  EXPECT_LT(st.graphics_mhz, 1980);
  EXPECT_TRUE(st.reasons & nvmlClocksEventReasonSwPowerCap);
  EXPECT_LT(st.delivered, 1.0) << "work done falls with the clock";
}

TEST(GpuPhysics, ALowerCapLowersPowerAndClocksWithinASecond) {
  GpuState st = initial_state(kH100, 0.9, {}, {});
  double before_mhz = st.graphics_mhz;
  double before_delivered = st.delivered;
  GpuSettings capped;
  capped.power_limit_mw = 400000;
  for (int i = 0; i < 10; ++i) step(st, kH100, 0.9, capped, {}, kPhysicsStepSeconds);
  EXPECT_LE(st.power_w, 400.0);
  EXPECT_LT(st.graphics_mhz, before_mhz);
  EXPECT_LT(st.delivered, before_delivered);
  EXPECT_EQ(st.reasons, nvmlClocksEventReasonSwPowerCap);
  EXPECT_EQ(std::fmod(st.graphics_mhz, 15.0), 0.0) << "clocks move in 15 MHz bins";
}

TEST(GpuPhysics, AnExternalCapBindsBelowTheSetLimitButNeverUnderTheMinimum) {
  GpuEffects e;
  e.external_limit_w = 350;
  EXPECT_DOUBLE_EQ(enforced_limit_w(kH100, {}, e), 350);
  e.external_limit_w = 50;
  EXPECT_DOUBLE_EQ(enforced_limit_w(kH100, {}, e), 200) << "bounded by the minimum limit";
  GpuSettings s;
  s.power_limit_mw = 300000;
  e.external_limit_w = 500;
  EXPECT_DOUBLE_EQ(enforced_limit_w(kH100, s, e), 300);
}

TEST(GpuPhysics, TemperatureReachesItsSteadyStateWithTheTimeConstant) {
  // Start idle-cool, then load: the die follows a first-order lag.
  GpuState st = initial_state(kH100, 0.0, {}, {});
  double start = st.temperature_c;
  double steady = kH100.ambient_c + kH100.thermal_resistance_c_per_w * (70 + 665 * 0.6);
  for (int i = 0; i < 300; ++i) step(st, kH100, 0.6, {}, {}, kPhysicsStepSeconds);  // one time constant
  EXPECT_NEAR(st.temperature_c, steady - (steady - start) * std::exp(-1.0), 0.05);
  for (int i = 0; i < 3000; ++i) step(st, kH100, 0.6, {}, {}, kPhysicsStepSeconds);  // ten more
  EXPECT_NEAR(st.temperature_c, steady, 0.01);
  EXPECT_EQ(st.reasons, 0u) << "steady under gpu_max_c: no thermal reason";
}

TEST(GpuPhysics, DegradedCoolingHoldsTheDieAtItsTargetBySlowingClocks) {
  GpuEffects hot;
  hot.thermal_resistance_factor = 2.5;  // full load would settle near 140 C
  GpuState st = run(600, 0.9, {}, hot);
  EXPECT_FALSE(st.lost);
  EXPECT_NEAR(st.temperature_c, kH100.gpu_max_c, 1.5);
  EXPECT_TRUE(st.reasons & nvmlClocksEventReasonSwThermalSlowdown);
  EXPECT_LT(st.graphics_mhz, 1980 * 0.8);
  EXPECT_LT(st.delivered, 0.9 * 0.8);
}

TEST(GpuPhysics, PastTheSlowdownThresholdTheHardwareHalvesTheClock) {
  GpuEffects hot;
  hot.ambient_rise_c = 40;  // inlet at 65 C: the die passes 87 C before the controller catches it
  GpuState st = initial_state(kH100, 0.9, {}, {});
  bool saw_hw_thermal = false;
  for (int i = 0; i < 600 && !saw_hw_thermal; ++i) {
    step(st, kH100, 0.9, {}, hot, kPhysicsStepSeconds);
    if (st.reasons & nvmlClocksThrottleReasonHwThermalSlowdown) {
      saw_hw_thermal = true;
      EXPECT_GE(st.temperature_c, kH100.slowdown_c);
      EXPECT_LE(st.graphics_mhz, 990);
    }
  }
  EXPECT_TRUE(saw_hw_thermal);
}

TEST(GpuPhysics, AtTheShutdownThresholdTheGpuIsLost) {
  GpuEffects failed;
  failed.thermal_resistance_factor = 20;  // no cooling left: even the minimum clock overheats
  GpuState st = run(600, 0.9, {}, failed);
  EXPECT_TRUE(st.lost);
  GpuState frozen = st;
  step(st, kH100, 0.9, {}, failed, kPhysicsStepSeconds);
  EXPECT_EQ(st.energy_j, frozen.energy_j) << "a lost GPU draws and counts nothing";
}

TEST(GpuPhysics, ReasonBitsMatchTheState) {
  EXPECT_EQ(run(1, 0.0).reasons, nvmlClocksEventReasonGpuIdle);
  EXPECT_DOUBLE_EQ(run(1, 0.0).graphics_mhz, kH100.idle_graphics_mhz);
  GpuEffects slow;
  slow.hw_slowdown_factor = 0.5;
  GpuState st = run(1, 0.5, {}, slow);
  EXPECT_EQ(st.reasons, nvmlClocksThrottleReasonHwSlowdown);
  EXPECT_DOUBLE_EQ(st.graphics_mhz, 990);
  GpuEffects brake;
  brake.power_brake = true;
  EXPECT_EQ(run(1, 0.5, {}, brake).reasons,
            nvmlClocksThrottleReasonHwPowerBrakeSlowdown | nvmlClocksThrottleReasonHwSlowdown);
  GpuSettings app;
  app.applications_graphics_mhz = 1500;
  st = run(1, 0.5, app);
  EXPECT_EQ(st.reasons, nvmlClocksEventReasonApplicationsClocksSetting);
  EXPECT_DOUBLE_EQ(st.graphics_mhz, 1500);
}

TEST(GpuPhysics, LockedClocksBoundTheClock) {
  GpuSettings locked;
  locked.locked_graphics_min_mhz = 1200;
  locked.locked_graphics_max_mhz = 1410;
  GpuState st = run(1, 0.8, locked);
  EXPECT_DOUBLE_EQ(st.graphics_mhz, 1410);
  EXPECT_LT(st.power_w, 70 + 665 * 0.8) << "a lower clock draws less";
  EXPECT_DOUBLE_EQ(run(1, 0.0, locked).graphics_mhz, 1200) << "the lock's minimum holds even idle";
}

TEST(GpuPhysics, EnergyAndWorkAreTheIntegralsOfPowerAndDelivery) {
  GpuState st = run(10, 0.5);
  EXPECT_NEAR(st.energy_j, 10 * (70 + 665 * 0.5), 1e-6);
  EXPECT_NEAR(st.work, 10 * 0.5, 1e-9);
}

TEST(GpuPhysics, SupportedClocksAreBinsFromTheMaximumDown) {
  auto clocks = supported_graphics_clocks(kH100);
  ASSERT_FALSE(clocks.empty());
  EXPECT_EQ(clocks.front(), 1980u);
  EXPECT_EQ(clocks.back(), 210u);
  EXPECT_EQ(clocks.size(), (1980u - 210u) / 15u + 1u);
  EXPECT_EQ(supported_memory_clocks(kH100), std::vector<unsigned>{2619});
}
