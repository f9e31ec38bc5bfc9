// The simulated NVML's set calls and faults by cause, through the agent's
// own loader (dlopen of build/nvml_sim/libnvidia-ml.so.1), as the policy
// engine will call them. Simulated time is stepped with a clock file.
#include <gtest/gtest.h>

#include "twin/simulated_nvml_session.hpp"

using namespace ainode;

namespace {

using SimulatedSetCalls = ainode::testing::SimulatedNvmlSession;

const char* kBusyH100 = "[[gpus]]\nmodel = \"H100-SXM5-80GB\"\nworkload = \"constant\"\nutilization = 0.9\n";

}  // namespace

TEST_F(SimulatedSetCalls, TheLoaderFindsEverySetCall) {
  start("", kBusyH100);
  const NvmlApi& a = api();
  for (const void* entry :
       {reinterpret_cast<const void*>(a.set_power_limit), reinterpret_cast<const void*>(a.set_gpu_locked_clocks),
        reinterpret_cast<const void*>(a.reset_gpu_locked_clocks), reinterpret_cast<const void*>(a.set_memory_locked_clocks),
        reinterpret_cast<const void*>(a.reset_memory_locked_clocks),
        reinterpret_cast<const void*>(a.set_applications_clocks),
        reinterpret_cast<const void*>(a.reset_applications_clocks), reinterpret_cast<const void*>(a.applications_clock),
        reinterpret_cast<const void*>(a.supported_memory_clocks),
        reinterpret_cast<const void*>(a.supported_graphics_clocks)}) {
    EXPECT_NE(entry, nullptr);
  }
}

TEST_F(SimulatedSetCalls, APowerLimitBoundsPowerAndLowersClocks) {
  start("", kBusyH100);
  at(10);
  EXPECT_EQ(power_mw(), 668500u) << "70 + 665 * 0.9 W, under the 700 W default";
  EXPECT_EQ(clock_mhz(), 1980u);
  unsigned min = 0, max = 0, limit = 0;
  ASSERT_EQ(api().power_limit_constraints(gpu_, &min, &max), NVML_SUCCESS);
  EXPECT_EQ(api().set_power_limit(gpu_, min - 1), NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(api().set_power_limit(gpu_, max + 1), NVML_ERROR_INVALID_ARGUMENT);
  ASSERT_EQ(api().set_power_limit(gpu_, 400000), NVML_SUCCESS);
  at(11);  // one simulated second later
  EXPECT_LE(power_mw(), 400000u);
  EXPECT_LT(clock_mhz(), 1980u);
  EXPECT_TRUE(reasons() & nvmlClocksEventReasonSwPowerCap);
  ASSERT_EQ(api().power_limit(gpu_, &limit), NVML_SUCCESS);
  EXPECT_EQ(limit, 400000u);
  ASSERT_EQ(api().enforced_power_limit(gpu_, &limit), NVML_SUCCESS);
  EXPECT_EQ(limit, 400000u);
  ASSERT_EQ(api().default_power_limit(gpu_, &limit), NVML_SUCCESS);
  EXPECT_EQ(limit, 700000u) << "the default does not move";
  // Back to the default: full clocks again.
  ASSERT_EQ(api().set_power_limit(gpu_, 700000), NVML_SUCCESS);
  at(12);
  EXPECT_EQ(clock_mhz(), 1980u);
  EXPECT_EQ(reasons(), 0u);
}

TEST_F(SimulatedSetCalls, StateReplaysWhenTimeStepsBack) {
  start("", kBusyH100);
  at(20);
  ASSERT_EQ(api().set_power_limit(gpu_, 300000), NVML_SUCCESS);
  at(30);
  unsigned capped = power_mw();
  at(5);
  EXPECT_EQ(power_mw(), 668500u) << "before the call was made";
  at(30);
  EXPECT_EQ(power_mw(), capped) << "and the same after it, replayed";
}

TEST_F(SimulatedSetCalls, LockedAndApplicationsClocks) {
  start("", kBusyH100);
  at(1);
  EXPECT_EQ(api().set_gpu_locked_clocks(gpu_, 1500, 1200), NVML_ERROR_INVALID_ARGUMENT) << "min over max";
  EXPECT_EQ(api().set_gpu_locked_clocks(gpu_, 1200, 2500), NVML_ERROR_INVALID_ARGUMENT) << "over the maximum";
  ASSERT_EQ(api().set_gpu_locked_clocks(gpu_, 1200, 1410), NVML_SUCCESS);
  at(2);
  EXPECT_EQ(clock_mhz(), 1410u);
  EXPECT_LT(power_mw(), 668500u);
  ASSERT_EQ(api().reset_gpu_locked_clocks(gpu_), NVML_SUCCESS);
  at(3);
  EXPECT_EQ(clock_mhz(), 1980u);

  unsigned count = 0;
  EXPECT_EQ(api().supported_memory_clocks(gpu_, &count, nullptr), NVML_ERROR_INSUFFICIENT_SIZE);
  ASSERT_EQ(count, 1u);
  unsigned memory = 0;
  ASSERT_EQ(api().supported_memory_clocks(gpu_, &count, &memory), NVML_SUCCESS);
  EXPECT_EQ(memory, 2619u);
  count = 0;
  EXPECT_EQ(api().supported_graphics_clocks(gpu_, memory, &count, nullptr), NVML_ERROR_INSUFFICIENT_SIZE);
  std::vector<unsigned> graphics(count);
  ASSERT_EQ(api().supported_graphics_clocks(gpu_, memory, &count, graphics.data()), NVML_SUCCESS);
  EXPECT_EQ(graphics.front(), 1980u);
  EXPECT_EQ(api().supported_graphics_clocks(gpu_, 1234, &count, graphics.data()), NVML_ERROR_NOT_FOUND);

  EXPECT_EQ(api().set_applications_clocks(gpu_, 1234, 1500), NVML_ERROR_INVALID_ARGUMENT) << "no such memory clock";
  EXPECT_EQ(api().set_applications_clocks(gpu_, memory, 1501), NVML_ERROR_INVALID_ARGUMENT) << "not a supported bin";
  ASSERT_EQ(api().set_applications_clocks(gpu_, memory, 1500), NVML_SUCCESS);
  at(4);
  EXPECT_EQ(clock_mhz(), 1500u);
  EXPECT_TRUE(reasons() & nvmlClocksEventReasonApplicationsClocksSetting);
  unsigned app = 0;
  ASSERT_EQ(api().applications_clock(gpu_, NVML_CLOCK_GRAPHICS, &app), NVML_SUCCESS);
  EXPECT_EQ(app, 1500u);
  ASSERT_EQ(api().reset_applications_clocks(gpu_), NVML_SUCCESS);

  EXPECT_EQ(api().set_memory_locked_clocks(gpu_, 3000, 2000), NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(api().set_memory_locked_clocks(gpu_, 100, 200), NVML_ERROR_INVALID_ARGUMENT) << "holds no memory clock";
  EXPECT_EQ(api().set_memory_locked_clocks(gpu_, 2000, 2619), NVML_SUCCESS);
  EXPECT_EQ(api().reset_memory_locked_clocks(gpu_), NVML_SUCCESS);
}

TEST_F(SimulatedSetCalls, EveryCallIsLoggedWithItsArgumentsAndResult) {
  start("", kBusyH100);
  at(7.5);
  ASSERT_EQ(api().set_power_limit(gpu_, 450000), NVML_SUCCESS);
  ASSERT_EQ(api().set_power_limit(gpu_, 1), NVML_ERROR_INVALID_ARGUMENT);
  ASSERT_EQ(api().set_gpu_locked_clocks(gpu_, 900, 1800), NVML_SUCCESS);
  auto lines = log_lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], R"({"time":7.500,"gpu":0,"call":"nvmlDeviceSetPowerManagementLimit","arguments":{"limit":450000},"return":0})");
  EXPECT_EQ(lines[1], R"({"time":7.500,"gpu":0,"call":"nvmlDeviceSetPowerManagementLimit","arguments":{"limit":1},"return":2})");
  EXPECT_EQ(lines[2],
            R"({"time":7.500,"gpu":0,"call":"nvmlDeviceSetGpuLockedClocks","arguments":{"minGpuClockMHz":900,"maxGpuClockMHz":1800},"return":0})");
}

TEST_F(SimulatedSetCalls, ACallerWhoIsNotRootHasNoPermission) {
  start("root = false", kBusyH100);
  at(1);
  EXPECT_EQ(api().set_power_limit(gpu_, 400000), NVML_ERROR_NO_PERMISSION);
  EXPECT_EQ(api().set_gpu_locked_clocks(gpu_, 1200, 1410), NVML_ERROR_NO_PERMISSION);
  EXPECT_EQ(api().reset_applications_clocks(gpu_), NVML_ERROR_NO_PERMISSION);
  unsigned limit = 0;
  ASSERT_EQ(api().power_limit(gpu_, &limit), NVML_SUCCESS);
  EXPECT_EQ(limit, 700000u) << "nothing changed";
  auto lines = log_lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find("\"return\":4"), std::string::npos) << lines[0];
}
