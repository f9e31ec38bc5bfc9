// How often the sampler asks NVML for what: static facts once, calls that
// block in the driver at most once per slow_read_interval, the rest every
// cycle. Checked on the simulated libnvidia-ml.so.1 with its clock driven
// from a file, so readings move between cycles.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "collector_test_support.hpp"
#include "gpu/nvml/nvml_library.hpp"
#include "gpu/nvml/nvml_sampler.hpp"

using namespace ainode;
using namespace std::chrono_literals;

namespace {

class NvmlSamplerCadence : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("AINODE_NVML_SIM_SCENARIO", ainode::testing::fixture_path("nvml/golden.toml").c_str(), 1);
    set_time(100);
    ASSERT_TRUE(library_.loaded()) << library_.error();
    ASSERT_EQ(library_.api().init(), NVML_SUCCESS);
  }
  void TearDown() override {
    library_.api().shutdown();
    unsetenv("AINODE_NVML_SIM_CLOCK_FILE");
    std::filesystem::remove(clock_file_);
  }
  void set_time(double seconds) {
    std::ofstream(clock_file_) << seconds;
    setenv("AINODE_NVML_SIM_CLOCK_FILE", clock_file_.c_str(), 1);
  }
  std::vector<GpuReading> sample(NvmlSampler& sampler) { return sampler.sample(ainode::testing::fixture_fs()); }
  static std::uint64_t calls(const NvmlSampler& sampler, const std::string& name) {
    auto cost = sampler.call_costs().find(name);
    return cost == sampler.call_costs().end() ? 0 : cost->second.calls;
  }

  NvmlLibrary library_{AINODE_NVML_SIM_PATH};
  GpuEventLog events_;
  std::string clock_file_ =
      (std::filesystem::temp_directory_path() / ("ainode-sampler-clock-" + std::to_string(getpid()))).string();
};

}  // namespace

TEST_F(NvmlSamplerCadence, MaximumClocksAreReadOncePerGpu) {
  NvmlSampler sampler(library_.api(), NvmlSamplerOptions{}, events_);
  std::vector<GpuReading> last;
  for (int cycle = 0; cycle < 3; ++cycle) last = sample(sampler);
  ASSERT_EQ(last.size(), 3u);
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetMaxClockInfo/sm"), 3u) << "one call per GPU, not per cycle";
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetClockInfo/sm"), 9u) << "current clocks every cycle";
  EXPECT_TRUE(last[0].max_clocks_hertz.contains("sm")) << "the remembered value is still exported";
}

TEST_F(NvmlSamplerCadence, BlockingCallsWaitForTheSlowReadInterval) {
  NvmlSamplerOptions options;
  options.slow_read_interval = 1h;
  NvmlSampler sampler(library_.api(), options, events_);
  auto first = sample(sampler);
  set_time(130);
  auto second = sample(sampler);
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetTotalEnergyConsumption"), 3u);
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetPcieThroughput/tx"), 3u);
  ASSERT_TRUE(second[0].energy_joules && second[0].pcie_transmit_bytes_per_second);
  EXPECT_EQ(*second[0].energy_joules, *first[0].energy_joules) << "the last reading is carried until the next read";
  EXPECT_NE(*second[0].power_watts, *first[0].power_watts) << "cheap readings still move every cycle";
}

TEST_F(NvmlSamplerCadence, ZeroIntervalReadsBlockingCallsEveryCycle) {
  NvmlSamplerOptions options;
  options.slow_read_interval = 0ms;
  NvmlSampler sampler(library_.api(), options, events_);
  auto first = sample(sampler);
  set_time(130);
  auto second = sample(sampler);
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetTotalEnergyConsumption"), 6u);
  ASSERT_TRUE(first[0].energy_joules && second[0].energy_joules);
  EXPECT_GT(*second[0].energy_joules, *first[0].energy_joules);
}
