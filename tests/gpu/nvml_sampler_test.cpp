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
#include "gpu/nvml/nvml_field_batch.hpp"
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
  // Restarts the simulated driver on another scenario of tests/fixtures.
  void use_scenario(const std::string& fixture) {
    setenv("AINODE_NVML_SIM_SCENARIO", ainode::testing::fixture_path(fixture).c_str(), 1);
    library_.api().shutdown();
    ASSERT_EQ(library_.api().init(), NVML_SUCCESS);
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
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetTotalEnergyConsumption"), 0u) << "energy comes in the field batch";
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
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetFieldValues"), 6u) << "one batch per GPU per cycle, energy in it";
  ASSERT_TRUE(first[0].energy_joules && second[0].energy_joules);
  EXPECT_GT(*second[0].energy_joules, *first[0].energy_joules);
}

// The field batch: one nvmlDeviceGetFieldValues call per GPU per cycle
// instead of the classic calls, each field decoded by its valueType, and the
// classic call again wherever the batch cannot answer.

TEST(NvmlFieldBatch, EachFieldIsReadFromTheMemberItsValueTypeNames) {
  auto field = [](int type, auto set) {
    nvmlFieldValue_t f{};
    f.valueType = type;
    set(f.value);
    return decode_field(f);
  };
  EXPECT_EQ(*field(NVML_VALUE_TYPE_UNSIGNED_INT, [](nvmlValue_t& v) { v.uiVal = 7; }).value, 7);
  EXPECT_EQ(*field(NVML_VALUE_TYPE_UNSIGNED_LONG_LONG, [](nvmlValue_t& v) { v.ullVal = 1ULL << 40; }).value,
            static_cast<double>(1ULL << 40))
      << "the high half of a 64-bit counter is kept";
  EXPECT_EQ(*field(NVML_VALUE_TYPE_DOUBLE, [](nvmlValue_t& v) { v.dVal = 2.5; }).value, 2.5);
  EXPECT_EQ(*field(NVML_VALUE_TYPE_SIGNED_LONG_LONG, [](nvmlValue_t& v) { v.sllVal = -3; }).value, -3);
  EXPECT_EQ(*field(NVML_VALUE_TYPE_UNSIGNED_SHORT, [](nvmlValue_t& v) { v.usVal = 65535; }).value, 65535);
  FieldAnswer unknown = field(42, [](nvmlValue_t& v) { v.ullVal = 1; });
  EXPECT_FALSE(unknown.value);
  EXPECT_TRUE(unknown.fall_back) << "a type this code cannot read: the classic call can";
  nvmlFieldValue_t unsupported{};
  unsupported.nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
  EXPECT_TRUE(decode_field(unsupported).fall_back);
  nvmlFieldValue_t failed{};
  failed.nvmlReturn = NVML_ERROR_UNKNOWN;
  FieldAnswer error = decode_field(failed);
  EXPECT_FALSE(error.value);
  EXPECT_FALSE(error.fall_back) << "a failed field is counted, not read twice";
  EXPECT_EQ(error.error, NVML_ERROR_UNKNOWN);
}

TEST(NvmlFieldBatch, NotSupportedIsRememberedAndAFailedCallAnswersNothing) {
  std::set<FieldKey> unsupported;
  {
    NvmlFieldBatch batch(unsupported);
    batch.request(NVML_FI_DEV_PCIE_REPLAY_COUNTER, 0, "replays");
    batch.request(NVML_FI_DEV_REMAPPED_UNC, 0, "remap");
    batch.request(NVML_FI_DEV_ECC_CURRENT, 0, "ecc");
    batch.request(NVML_FI_DEV_ECC_CURRENT, 0, "ecc");  // asked once
    ASSERT_EQ(batch.fields().size(), 3u);
    for (const auto& f : batch.fields()) EXPECT_EQ(f.value.ullVal, 0u) << "sent zeroed";
    batch.fields()[0].nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
    batch.fields()[1].valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
    batch.fields()[1].value.uiVal = 2;
    batch.fields()[2].nvmlReturn = NVML_ERROR_NO_PERMISSION;
    batch.answered(NVML_SUCCESS);
    EXPECT_TRUE(batch.answer(NVML_FI_DEV_PCIE_REPLAY_COUNTER).fall_back);
    EXPECT_EQ(*batch.answer(NVML_FI_DEV_REMAPPED_UNC).value, 2);
    EXPECT_FALSE(batch.answer(NVML_FI_DEV_ECC_CURRENT).fall_back);
    EXPECT_TRUE(batch.answer(NVML_FI_DEV_MEMORY_TEMP).fall_back) << "never asked";
    ASSERT_EQ(batch.errors().size(), 1u);
    EXPECT_EQ(batch.errors()[0].first, "ecc");
    EXPECT_EQ(batch.errors()[0].second, NVML_ERROR_NO_PERMISSION);
  }
  EXPECT_TRUE(unsupported.contains({NVML_FI_DEV_PCIE_REPLAY_COUNTER, 0}));
  NvmlFieldBatch next(unsupported);
  next.request(NVML_FI_DEV_PCIE_REPLAY_COUNTER, 0, "replays");
  next.request(NVML_FI_DEV_REMAPPED_UNC, 0, "remap");
  EXPECT_EQ(next.fields().size(), 1u) << "a field not supported is not asked again";
  next.answered(NVML_ERROR_UNKNOWN);
  EXPECT_TRUE(next.answer(NVML_FI_DEV_REMAPPED_UNC).fall_back) << "the call failed: the classic call answers";
  EXPECT_TRUE(next.errors().empty()) << "the call's own error is counted by the sampler, not per field";
}

TEST_F(NvmlSamplerCadence, OneFieldBatchReplacesTheClassicCalls) {
  NvmlSampler sampler(library_.api(), NvmlSamplerOptions{}, events_);
  auto gpus = sample(sampler);
  ASSERT_EQ(gpus.size(), 3u);
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetFieldValues"), 3u) << "one batch per GPU";
  for (const char* replaced : {"nvmlDeviceGetEccMode", "nvmlDeviceGetTotalEccErrors", "nvmlDeviceGetRetiredPages",
                               "nvmlDeviceGetRetiredPagesPendingStatus", "nvmlDeviceGetRemappedRows",
                               "nvmlDeviceGetPcieReplayCounter", "nvmlDeviceGetTotalEnergyConsumption",
                               "nvmlDeviceGetNvLinkErrorCounter/replay", "nvmlDeviceGetNvLinkErrorCounter/crc_data"}) {
    EXPECT_EQ(calls(sampler, replaced), 0u) << replaced;
  }
  EXPECT_EQ(gpus[0].nvlinks.size(), 18u);
  EXPECT_EQ(gpus[0].nvlinks[0].errors.size(), 4u) << "every NVLink counter of every link still read";
  EXPECT_EQ(gpus[1].ecc_errors.size(), 4u);
  EXPECT_TRUE(gpus[0].persistence_mode.value_or(false)) << "the simulator's default, like a datacenter node";
  EXPECT_EQ(gpus[1].row_remap_bank_availability.at("high"), 1) << "one uncorrectable remap spent a spare row";
  EXPECT_GT(static_cast<double>(sampler.calls_made()) / static_cast<double>(sampler.devices_read()), 0);
}

TEST_F(NvmlSamplerCadence, AnOlderDriverWithoutTheFieldsGetsEveryReadingFromTheClassicCalls) {
  NvmlLibrary old_library(AINODE_NVML_SIM_OLD_DRIVER_PATH);
  ASSERT_TRUE(old_library.loaded()) << old_library.error();
  ASSERT_EQ(old_library.api().init(), NVML_SUCCESS);
  NvmlSampler batched(library_.api(), NvmlSamplerOptions{}, events_);
  NvmlSampler classic(old_library.api(), NvmlSamplerOptions{}, events_);
  auto fields = sample(batched);
  auto old = sample(classic);
  ASSERT_EQ(old.size(), fields.size());
  for (std::size_t i = 0; i < old.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(old[i].ecc_enabled, fields[i].ecc_enabled);
    EXPECT_EQ(old[i].ecc_errors, fields[i].ecc_errors);
    EXPECT_EQ(old[i].retired_pages, fields[i].retired_pages);
    EXPECT_EQ(old[i].retired_pages_pending, fields[i].retired_pages_pending);
    EXPECT_EQ(old[i].remapped_rows_uncorrectable, fields[i].remapped_rows_uncorrectable);
    EXPECT_EQ(old[i].remapped_rows_pending, fields[i].remapped_rows_pending);
    EXPECT_EQ(old[i].pcie_replays, fields[i].pcie_replays);
    EXPECT_EQ(old[i].memory_temperature_celsius, fields[i].memory_temperature_celsius);
    ASSERT_EQ(old[i].nvlinks.size(), fields[i].nvlinks.size());
    for (std::size_t l = 0; l < old[i].nvlinks.size(); ++l) EXPECT_EQ(old[i].nvlinks[l].errors, fields[i].nvlinks[l].errors);
  }
  EXPECT_GT(calls(classic, "nvmlDeviceGetTotalEccErrors"), 0u) << "the fallback did run";
  EXPECT_GT(calls(classic, "nvmlDeviceGetNvLinkErrorCounter/replay"), 0u);
  EXPECT_TRUE(old[0].row_remap_bank_availability.empty()) << "no histogram entry point: absent, not zero";
  auto again = sample(classic);
  EXPECT_EQ(again[1].ecc_errors, fields[1].ecc_errors) << "NOT_SUPPORTED remembered, values still there";
  old_library.api().shutdown();
}

TEST_F(NvmlSamplerCadence, AFailedBatchFallsBackForThatCycle) {
  use_scenario("nvml/field_values_fault.toml");
  NvmlSampler sampler(library_.api(), NvmlSamplerOptions{}, events_);
  auto first = sample(sampler);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(sampler.errors().at(NvmlErrorKey{first[0].uuid, 0, "nvmlDeviceGetFieldValues", "NVML_ERROR_UNKNOWN"}), 1u);
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetRemappedRows"), 1u);
  EXPECT_EQ(first[0].remapped_rows_uncorrectable, 1) << "from the classic call";
  EXPECT_EQ(first[0].ecc_errors.size(), 4u);
  auto second = sample(sampler);
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetRemappedRows"), 1u) << "the batch answers again";
  EXPECT_EQ(second[0].ecc_errors, first[0].ecc_errors);
  EXPECT_EQ(second[0].remapped_rows_uncorrectable, 1);
}

// What the board is (identity, thresholds, default limit and bounds, maximum
// link) is read on slow cycles only, and carried in between.
TEST_F(NvmlSamplerCadence, BoardPropertiesAreReadOnSlowCyclesAndCarried) {
  NvmlSamplerOptions options;
  options.slow_read_interval = 1h;
  NvmlSampler sampler(library_.api(), options, events_);
  auto first = sample(sampler);
  set_time(130);
  sample(sampler);
  auto third = sample(sampler);
  ASSERT_EQ(third.size(), 3u);
  for (const char* board : {"nvmlDeviceGetName", "nvmlDeviceGetSerial", "nvmlDeviceGetVbiosVersion",
                            "nvmlDeviceGetPciInfo", "nvmlDeviceGetTemperatureThreshold/slowdown",
                            "nvmlDeviceGetPowerManagementDefaultLimit", "nvmlDeviceGetPowerManagementLimitConstraints",
                            "nvmlDeviceGetMaxPcieLinkGeneration", "nvmlDeviceGetMaxPcieLinkWidth"}) {
    EXPECT_EQ(calls(sampler, board), 3u) << board << ": once per GPU";
  }
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetPowerManagementLimit"), 9u) << "the limit a policy changes: every cycle";
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetCurrPcieLinkWidth"), 9u) << "a link that trains down: every cycle";
  for (std::size_t i = 0; i < third.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_FALSE(third[i].name.empty());
    EXPECT_EQ(third[i].name, first[i].name);
    EXPECT_EQ(third[i].serial, first[i].serial);
    EXPECT_EQ(third[i].vbios, first[i].vbios);
    EXPECT_EQ(third[i].pci_bus_id, first[i].pci_bus_id);
    EXPECT_EQ(third[i].numa_node, first[i].numa_node);
    EXPECT_EQ(third[i].temperature_thresholds_celsius, first[i].temperature_thresholds_celsius);
    EXPECT_EQ(third[i].power_limits_watts, first[i].power_limits_watts);
    EXPECT_EQ(third[i].pcie_generation_max, first[i].pcie_generation_max);
    EXPECT_EQ(third[i].pcie_width_max, first[i].pcie_width_max);
  }
  EXPECT_EQ(first[0].power_limits_watts.size(), 5u) << "current, enforced, default, min, max";
}

TEST_F(NvmlSamplerCadence, ZeroIntervalReadsBoardPropertiesEveryCycle) {
  NvmlSamplerOptions options;
  options.slow_read_interval = 0ms;
  NvmlSampler sampler(library_.api(), options, events_);
  sample(sampler);
  sample(sampler);
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetSerial"), 6u);
}

TEST_F(NvmlSamplerCadence, AFailedBoardReadIsAskedAgainNextCycle) {
  use_scenario("nvml/board_property_fault.toml");
  NvmlSamplerOptions options;
  options.slow_read_interval = 1h;
  NvmlSampler sampler(library_.api(), options, events_);
  auto first = sample(sampler);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(first[0].serial.empty());
  EXPECT_FALSE(first[0].name.empty()) << "the other properties still answered";
  EXPECT_EQ(sampler.errors().at(NvmlErrorKey{first[0].uuid, 0, "nvmlDeviceGetSerial", "NVML_ERROR_UNKNOWN"}), 1u);
  auto second = sample(sampler);
  EXPECT_FALSE(second[0].serial.empty()) << "asked again at once, not after the slow interval";
  sample(sampler);
  EXPECT_EQ(calls(sampler, "nvmlDeviceGetSerial"), 2u) << "then carried";
}
