// Faults declared by cause ([[fault]] kind = ...) and the symptoms the
// simulated NVML's physics produces from them, read through the agent's loader.
#include <gtest/gtest.h>

#include <cmath>
#include <iterator>

#include "twin/simulated_nvml_session.hpp"

namespace {

using SimulatedFaults = ainode::testing::SimulatedNvmlSession;

std::string busy_gpus(int count) {
  return "[[gpus]]\nmodel = \"H100-SXM5-80GB\"\nworkload = \"constant\"\nutilization = 0.9\ncount = " +
         std::to_string(count) + "\n";
}

std::string fault(const std::string& kind, int gpu, double severity, const std::string& extra = "") {
  return "[[fault]]\nkind = \"" + kind + "\"\ngpu = " + std::to_string(gpu) + "\nfrom_seconds = 10\nto_seconds = 1000\n" +
         "severity = " + std::to_string(severity) + "\n" + extra + "\n";
}

}  // namespace

TEST_F(SimulatedFaults, AnExternalPowerCapLowersTheEnforcedLimitOnly) {
  start("", busy_gpus(1) + fault("power_cap", 0, 0.5));
  at(5);
  EXPECT_EQ(reasons(), 0u);
  at(15);
  unsigned enforced = 0, set = 0;
  ASSERT_EQ(api().enforced_power_limit(gpu_, &enforced), NVML_SUCCESS);
  ASSERT_EQ(api().power_limit(gpu_, &set), NVML_SUCCESS);
  EXPECT_EQ(enforced, 490000u) << "700 W * (1 - 0.6 * 0.5)";
  EXPECT_EQ(set, 700000u) << "the limit software set is untouched";
  EXPECT_LE(power_mw(), 490000u);
  EXPECT_LT(clock_mhz(), 1980u);
  EXPECT_EQ(reasons(), nvmlClocksEventReasonSwPowerCap);
}

TEST_F(SimulatedFaults, DegradedCoolingHeatsTheGpuUntilItThrottles) {
  start("", busy_gpus(1) + fault("thermal", 0, 0.5));
  at(9);
  unsigned cool = temperature();
  EXPECT_EQ(reasons(), 0u);
  at(200);
  EXPECT_GT(temperature(), cool + 10);
  EXPECT_LE(temperature(), 92u);
  EXPECT_TRUE(reasons() & nvmlClocksEventReasonSwThermalSlowdown);
  EXPECT_LT(clock_mhz(), 1980u * 3 / 4);
  nvmlUtilization_t utilization{};
  ASSERT_EQ(api().utilization(gpu_, &utilization), NVML_SUCCESS);
  EXPECT_LT(utilization.gpu, 90u * 3 / 4) << "delivered work falls with the clock";
}

TEST_F(SimulatedFaults, NoCoolingAtAllReachesShutdownAndLosesTheGpu) {
  start("", busy_gpus(1) + fault("thermal", 0, 1.0));
  nvmlEventSet_t events = nullptr;
  ASSERT_EQ(api().event_set_create(&events), NVML_SUCCESS);
  ASSERT_EQ(api().register_events(gpu_, nvmlEventTypeXidCriticalError, events), NVML_SUCCESS);
  at(9);
  nvmlEventData_t event{};
  EXPECT_EQ(api().event_set_wait(events, &event, 50), NVML_ERROR_TIMEOUT) << "still cool: no XID";
  at(600);
  unsigned value = 0;
  EXPECT_EQ(api().power_usage(gpu_, &value), NVML_ERROR_GPU_IS_LOST);
  ASSERT_EQ(api().event_set_wait(events, &event, 100), NVML_SUCCESS);
  EXPECT_EQ(event.eventType, nvmlEventTypeXidCriticalError);
  EXPECT_EQ(event.eventData, 79u) << "fallen off the bus at the shutdown temperature";
  EXPECT_EQ(api().event_set_wait(events, &event, 50), NVML_ERROR_TIMEOUT) << "once";
  api().event_set_free(events);
}

TEST_F(SimulatedFaults, HwSlowdownCutsTheClock) {
  start("", busy_gpus(2) + fault("hw_slowdown", 0, 0.5) + fault("hw_slowdown", 1, 0.5, "mode = \"power_brake\""));
  at(20);
  EXPECT_EQ(reasons(), nvmlClocksThrottleReasonHwSlowdown);
  EXPECT_EQ(clock_mhz(), 1275u) << "1980 * (1 - 0.7 * 0.5), in a 15 MHz bin";
  nvmlDevice_t braked = nullptr;
  ASSERT_EQ(api().device_by_index(1, &braked), NVML_SUCCESS);
  unsigned long long bits = 0;
  ASSERT_EQ(api().clock_event_reasons(braked, &bits), NVML_SUCCESS);
  EXPECT_EQ(bits, nvmlClocksThrottleReasonHwPowerBrakeSlowdown | nvmlClocksThrottleReasonHwSlowdown);
}

TEST_F(SimulatedFaults, ADegradedPcieLinkTrainsDownAndReplays) {
  start("", busy_gpus(1) + fault("pcie_link_degraded", 0, 0.8));
  at(5);
  unsigned width = 0, generation = 0, replays = 0;
  ASSERT_EQ(api().pcie_width(gpu_, &width), NVML_SUCCESS);
  EXPECT_EQ(width, 16u);
  at(20);
  ASSERT_EQ(api().pcie_width(gpu_, &width), NVML_SUCCESS);
  ASSERT_EQ(api().pcie_generation(gpu_, &generation), NVML_SUCCESS);
  ASSERT_EQ(api().pcie_replay_counter(gpu_, &replays), NVML_SUCCESS);
  EXPECT_EQ(width, 4u);
  EXPECT_EQ(generation, 4u);
  EXPECT_EQ(replays, 160u) << "20 a second * 0.8 for 10 s";
}

TEST_F(SimulatedFaults, NvlinkErrorsCountAndASevereOneTakesALinkDown) {
  start("", busy_gpus(1) + fault("nvlink_errors", 0, 0.9));
  at(20);
  unsigned long long replays = 0, crc = 0;
  ASSERT_EQ(api().nvlink_error_counter(gpu_, 0, NVML_NVLINK_ERROR_DL_REPLAY, &replays), NVML_SUCCESS);
  ASSERT_EQ(api().nvlink_error_counter(gpu_, 0, NVML_NVLINK_ERROR_DL_CRC_FLIT, &crc), NVML_SUCCESS);
  EXPECT_EQ(replays, 450u);
  EXPECT_EQ(crc, 450u);
  nvmlEnableState_t up{};
  ASSERT_EQ(api().nvlink_state(gpu_, 17, &up), NVML_SUCCESS);
  EXPECT_EQ(up, NVML_FEATURE_DISABLED);
  ASSERT_EQ(api().nvlink_state(gpu_, 0, &up), NVML_SUCCESS);
  EXPECT_EQ(up, NVML_FEATURE_ENABLED);
}

TEST_F(SimulatedFaults, AnUncorrectableEccErrorRemapsRaisesEventsAndMayFailToRemap) {
  start("", busy_gpus(1) + fault("ecc_errors", 0, 0.95, "mode = \"uncorrected\""));
  nvmlEventSet_t events = nullptr;
  ASSERT_EQ(api().event_set_create(&events), NVML_SUCCESS);
  ASSERT_EQ(api().register_events(gpu_, nvmlEventTypeXidCriticalError | nvmlEventTypeDoubleBitEccError, events),
            NVML_SUCCESS);
  at(11);
  unsigned long long uncorrected = 0, corrected = 0;
  ASSERT_EQ(api().total_ecc_errors(gpu_, NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_VOLATILE_ECC, &uncorrected),
            NVML_SUCCESS);
  ASSERT_EQ(api().total_ecc_errors(gpu_, NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_VOLATILE_ECC, &corrected), NVML_SUCCESS);
  EXPECT_EQ(uncorrected, 1u);
  EXPECT_EQ(corrected, 9u) << "600 a minute * 0.95 for 1 s";
  unsigned correctable = 0, uncorrectable = 0, pending = 0, failure = 0;
  ASSERT_EQ(api().remapped_rows(gpu_, &correctable, &uncorrectable, &pending, &failure), NVML_SUCCESS);
  EXPECT_EQ(uncorrectable, 1u);
  EXPECT_EQ(pending, 1u);
  EXPECT_EQ(failure, 1u) << "severity >= 0.9: no spare row left";
  nvmlEventData_t first{}, second{};
  ASSERT_EQ(api().event_set_wait(events, &first, 100), NVML_SUCCESS);
  ASSERT_EQ(api().event_set_wait(events, &second, 100), NVML_SUCCESS);
  EXPECT_EQ(first.eventType, nvmlEventTypeDoubleBitEccError);
  EXPECT_EQ(second.eventType, nvmlEventTypeXidCriticalError);
  EXPECT_EQ(second.eventData, 48u);
  api().event_set_free(events);
}

TEST_F(SimulatedFaults, AnXidIsDeliveredAndXid79OrGpuLostTakeTheGpuOffTheBus) {
  start("", busy_gpus(3) + fault("xid", 0, 0.5, "xid = 13") +
                "[[fault]]\nkind = \"xid\"\ngpu = 1\nxid = 79\nfrom_seconds = 10\nto_seconds = 30\n" +
                "[[fault]]\nkind = \"gpu_lost\"\ngpu = 2\nfrom_seconds = 10\nto_seconds = 20\n");
  nvmlEventSet_t events = nullptr;
  ASSERT_EQ(api().event_set_create(&events), NVML_SUCCESS);
  ASSERT_EQ(api().register_events(gpu_, nvmlEventTypeXidCriticalError, events), NVML_SUCCESS);
  at(12);
  nvmlEventData_t event{};
  ASSERT_EQ(api().event_set_wait(events, &event, 100), NVML_SUCCESS);
  EXPECT_EQ(event.eventData, 13u);
  EXPECT_EQ(power_mw(), 668500u) << "XID 13 (a graphics engine exception) leaves the GPU up";
  api().event_set_free(events);
  nvmlDevice_t off_bus = nullptr, lost = nullptr;
  ASSERT_EQ(api().device_by_index(1, &off_bus), NVML_SUCCESS);
  ASSERT_EQ(api().device_by_index(2, &lost), NVML_SUCCESS);
  unsigned value = 0;
  EXPECT_EQ(api().power_usage(off_bus, &value), NVML_ERROR_GPU_IS_LOST);
  EXPECT_EQ(api().power_usage(lost, &value), NVML_ERROR_GPU_IS_LOST);
  at(25);
  EXPECT_EQ(api().power_usage(lost, &value), NVML_SUCCESS) << "back after its window";
  EXPECT_EQ(api().power_usage(off_bus, &value), NVML_ERROR_GPU_IS_LOST);
}

TEST_F(SimulatedFaults, AMigGpuHasNoWholeGpuUtilizationAndHoldsItsMigMemory) {
  start("", busy_gpus(1) +
                "[[mig_devices]]\ngpu = 0\ngpu_instance = 1\nslices = 3\nmemory_mib = 40192\nused_memory_mib = 12000\n");
  nvmlUtilization_t utilization{};
  EXPECT_EQ(api().utilization(gpu_, &utilization), NVML_ERROR_NOT_SUPPORTED) << "as real NVML in MIG mode";
  nvmlMemory_v2_t memory{};
  memory.version = nvmlMemory_v2;
  ASSERT_EQ(api().memory_info_v2(gpu_, &memory), NVML_SUCCESS);
  EXPECT_GE(memory.used, 12000ULL * 1024 * 1024) << "the parent's used memory holds its MIG devices'";
}

TEST(TwinCauses, UnknownKindsAndBadSeveritiesAreRejectedByName) {
  // Through the simulator: a scenario it cannot load fails nvmlInit.
  auto path = std::filesystem::temp_directory_path() / ("ainode-twin-bad-" + std::to_string(getpid()) + ".toml");
  std::ofstream(path) << "[[gpus]]\nmodel = \"H100-SXM5-80GB\"\n[[fault]]\nkind = \"overheating\"\ngpu = 0\n";
  setenv("AINODE_NVML_SIM_SCENARIO", path.c_str(), 1);
  ainode::NvmlLibrary library(AINODE_NVML_SIM_PATH);
  ASSERT_TRUE(library.loaded());
  EXPECT_EQ(library.api().init(), NVML_ERROR_DRIVER_NOT_LOADED);
  std::filesystem::remove(path);
}

TEST_F(SimulatedFaults, TheStateFileGivesEachWorkloadsProgressWhichFallsWithTheClock) {
  std::string state = (dir_ / "state.json").string();
  start("state_file = \"" + state + "\"",
        "[[gpus]]\nmodel = \"H100-SXM5-80GB\"\nworkload = \"constant\"\nutilization = 0.9\nprogress_unit = \"tokens\"\n"
        "progress_at_full_rate = 2000\ncount = 2\n" +
            fault("power_cap", 1, 1.0));
  at(20);
  power_mw();  // a reading advances the physics and writes the file
  std::ifstream in(state);
  std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(json.find("\"time\":20.0"), std::string::npos) << json;
  EXPECT_NE(json.find("\"gpu\":0,\"demand\":0.9000,\"delivered\":0.9000"), std::string::npos) << json;
  EXPECT_NE(json.find("\"progress_unit\":\"tokens\",\"progress_per_second\":1800.0000"), std::string::npos) << json;
  // GPU 1 is capped to 280 W: its clock, delivered work and token rate fall.
  auto gpu1 = json.substr(json.find("{\"gpu\":1"));
  double delivered = std::stod(gpu1.substr(gpu1.find("\"delivered\":") + 12));
  double rate = std::stod(gpu1.substr(gpu1.find("\"progress_per_second\":") + 22));
  EXPECT_LT(delivered, 0.9 * 0.7);
  EXPECT_NEAR(rate, delivered * 2000, 0.1) << "tokens per second follow delivered work";
}
