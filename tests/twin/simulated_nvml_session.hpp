#pragma once
// A session with the simulated NVML for the twin's tests: writes a scenario
// (with a set_call_log in the test's own directory), loads the simulator
// through the agent's own loader and steps simulated time with a clock file.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gpu/nvml/nvml_library.hpp"

namespace ainode::testing {

class SimulatedNvmlSession : public ::testing::Test {
 protected:
  void TearDown() override {
    if (initialized_) api().shutdown();
    std::filesystem::remove_all(dir_);
    unsetenv("AINODE_NVML_SIM_CLOCK_FILE");
  }
  // Writes a scenario (with a set_call_log in this test's directory) and
  // initialises NVML on it at simulated time 0.
  void start(const std::string& driver_extra, const std::string& body) {
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "scenario.toml") << "[driver]\nversion = \"550.54.15\"\nset_call_log = \"" << log_path()
                                          << "\"\n" << driver_extra << "\n" << body;
    setenv("AINODE_NVML_SIM_SCENARIO", (dir_ / "scenario.toml").c_str(), 1);
    at(0);
    ASSERT_TRUE(library_.loaded()) << library_.error();
    ASSERT_EQ(api().init(), NVML_SUCCESS);
    initialized_ = true;
    ASSERT_EQ(api().device_by_index(0, &gpu_), NVML_SUCCESS);
  }
  void at(double seconds) {
    std::ofstream(dir_ / "clock") << seconds;
    setenv("AINODE_NVML_SIM_CLOCK_FILE", (dir_ / "clock").c_str(), 1);
  }
  std::string log_path() const { return (dir_ / "set_calls.jsonl").string(); }
  std::vector<std::string> log_lines() const {
    std::vector<std::string> lines;
    std::ifstream in(log_path());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  unsigned power_mw() const {
    unsigned value = 0;
    EXPECT_EQ(api().power_usage(gpu_, &value), NVML_SUCCESS);
    return value;
  }
  unsigned clock_mhz() const {
    unsigned value = 0;
    EXPECT_EQ(api().clock(gpu_, NVML_CLOCK_GRAPHICS, &value), NVML_SUCCESS);
    return value;
  }
  unsigned long long reasons() const {
    unsigned long long value = 0;
    EXPECT_EQ(api().clock_event_reasons(gpu_, &value), NVML_SUCCESS);
    return value;
  }
  unsigned temperature() const {
    unsigned value = 0;
    EXPECT_EQ(api().temperature(gpu_, NVML_TEMPERATURE_GPU, &value), NVML_SUCCESS);
    return value;
  }
  const NvmlApi& api() const { return library_.api(); }

  std::filesystem::path dir_ = std::filesystem::temp_directory_path() /
                               ("ainode-twin-set-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
                                "-" + std::to_string(getpid()));
  NvmlLibrary library_{AINODE_NVML_SIM_PATH};
  bool initialized_ = false;
  nvmlDevice_t gpu_ = nullptr;
};

}  // namespace ainode::testing
