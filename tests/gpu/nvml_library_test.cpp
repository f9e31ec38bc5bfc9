// The NVML loader and the ABI it speaks, checked against the simulated
// libnvidia-ml.so.1 (loaded with dlopen like the driver) and on plain structs.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstring>

#include "collector_test_support.hpp"
#include "gpu/nvml/nvml_field_value.hpp"
#include "gpu/nvml/nvml_library.hpp"

using namespace ainode;

namespace {

class NvmlOnSimulator : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setenv("AINODE_NVML_SIM_SCENARIO", ainode::testing::fixture_path("nvml/golden.toml").c_str(), 1);
  }
  void SetUp() override {
    ASSERT_TRUE(library_.loaded()) << library_.error();
    ASSERT_EQ(api().init(), NVML_SUCCESS);
    ASSERT_EQ(api().device_by_index(0, &gpu0_), NVML_SUCCESS);
  }
  void TearDown() override { api().shutdown(); }
  const NvmlApi& api() const { return library_.api(); }

  NvmlLibrary library_{AINODE_NVML_SIM_PATH};
  nvmlDevice_t gpu0_ = nullptr;
};

}  // namespace

TEST(NvmlLibrary, MissingLibraryIsAnErrorNotACrash) {
  NvmlLibrary library("/nonexistent/libnvidia-ml.so.1");
  EXPECT_FALSE(library.loaded());
  EXPECT_NE(library.error().find("/nonexistent/libnvidia-ml.so.1"), std::string::npos) << library.error();
  EXPECT_EQ(library.api().init, nullptr);
}

TEST(NvmlLibrary, ALibraryWithoutNvmlEntryPointsIsRejected) {
  NvmlLibrary library("libz.so.1");  // loadable everywhere ainode runs: the agent links zlib
  EXPECT_FALSE(library.loaded());
  EXPECT_NE(library.error().find("not an NVML library"), std::string::npos) << library.error();
  EXPECT_EQ(library.api().device_count, nullptr);
}

TEST(NvmlLibrary, CurrentDriverBindsTheNewestNames) {
  NvmlLibrary library(AINODE_NVML_SIM_PATH);
  ASSERT_TRUE(library.loaded()) << library.error();
  EXPECT_EQ(library.fallbacks(), "") << "every versioned entry point found under its newest name";
  const NvmlApi& api = library.api();
  for (const void* entry : {reinterpret_cast<const void*>(api.memory_info_v2), reinterpret_cast<const void*>(api.pci_info),
                            reinterpret_cast<const void*>(api.compute_processes),
                            reinterpret_cast<const void*>(api.total_energy),
                            reinterpret_cast<const void*>(api.clock_event_reasons),
                            reinterpret_cast<const void*>(api.event_set_wait),
                            reinterpret_cast<const void*>(api.compute_instance_info)}) {
    EXPECT_NE(entry, nullptr);
  }
}

TEST(NvmlLibrary, OlderDriverFallsBackPerSymbolAndLeavesTheRestNull) {
  NvmlLibrary library(AINODE_NVML_SIM_OLD_DRIVER_PATH);
  ASSERT_TRUE(library.loaded()) << library.error();
  EXPECT_EQ(library.fallbacks(),
            "nvmlDeviceGetPciInfo_v2,nvmlDeviceGetCurrentClocksThrottleReasons,"
            "nvmlDeviceGetComputeRunningProcesses_v2,nvmlDeviceGetGraphicsRunningProcesses_v2");
  EXPECT_NE(library.api().pci_info, nullptr);
  EXPECT_NE(library.api().compute_processes, nullptr);
  EXPECT_EQ(library.api().memory_info_v2, nullptr) << "no older name to fall back to; v1 is its own entry";
  EXPECT_NE(library.api().memory_info, nullptr);
  EXPECT_EQ(library.api().total_energy, nullptr);
}

TEST(NvmlLibrary, ErrorNamesAreTheHeaderNames) {
  EXPECT_EQ(nvml_error_name(NVML_ERROR_GPU_IS_LOST), "NVML_ERROR_GPU_IS_LOST");
  EXPECT_EQ(nvml_error_name(NVML_ERROR_ARGUMENT_VERSION_MISMATCH), "NVML_ERROR_ARGUMENT_VERSION_MISMATCH");
  EXPECT_EQ(nvml_error_name(NVML_ERROR_UNKNOWN), "NVML_ERROR_UNKNOWN");
  EXPECT_EQ(nvml_error_name(12345), "NVML_ERROR_OTHER") << "unknown codes map to one bounded label";
}

TEST(NvmlAbi, StructVersionsAreSizeAndVersionInTheTopByte) {
  EXPECT_EQ(nvmlMemory_v2, 0x02000028U);
  EXPECT_EQ(nvml_struct_version(sizeof(nvmlMemory_v2_t), 1), 0x01000028U);
  // The layouts the driver writes; also pinned by static_asserts in the header.
  EXPECT_EQ(sizeof(nvmlProcessInfo_t), 24U);
  EXPECT_EQ(offsetof(nvmlProcessInfo_t, gpuInstanceId), 16U);
  EXPECT_EQ(sizeof(nvmlPciInfo_t), 68U);
  EXPECT_EQ(offsetof(nvmlPciInfo_t, pciSubSystemId), 32U);
  EXPECT_EQ(sizeof(nvmlEventData_t), 32U);
  EXPECT_EQ(offsetof(nvmlEventData_t, gpuInstanceId), 24U);
  EXPECT_EQ(offsetof(nvmlFieldValue_t, valueType), 24U);
  EXPECT_EQ(offsetof(nvmlFieldValue_t, nvmlReturn), 28U);
}

TEST(NvmlFieldValue, ReadsTheUnionMemberNamedByValueType) {
  nvmlFieldValue_t field{};
  field.valueType = NVML_VALUE_TYPE_DOUBLE;
  field.value.dVal = 41.5;
  EXPECT_EQ(nvml_field_value(field), 41.5);
  field = {};
  field.valueType = NVML_VALUE_TYPE_UNSIGNED_LONG_LONG;
  field.value.ullVal = 1ULL << 40;  // the high half matters for byte counters
  EXPECT_EQ(nvml_field_value(field), 1099511627776.0);
  field = {};
  field.valueType = NVML_VALUE_TYPE_SIGNED_INT;
  field.value.siVal = -3;
  EXPECT_EQ(nvml_field_value(field), -3.0);
  field = {};
  field.valueType = NVML_VALUE_TYPE_UNSIGNED_SHORT;
  field.value.usVal = 7;
  EXPECT_EQ(nvml_field_value(field), 7.0);
}

TEST(NvmlFieldValue, FailedOrUnknownFieldsHaveNoValue) {
  nvmlFieldValue_t field{};
  field.valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
  field.value.uiVal = 80;
  field.nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
  EXPECT_EQ(nvml_field_value(field), std::nullopt);
  field.nvmlReturn = NVML_SUCCESS;
  field.valueType = 99;
  EXPECT_EQ(nvml_field_value(field), std::nullopt);
}

TEST_F(NvmlOnSimulator, VersionedStructWithAWrongVersionIsRejected) {
  nvmlMemory_v2_t memory{};
  EXPECT_EQ(api().memory_info_v2(gpu0_, &memory), NVML_ERROR_ARGUMENT_VERSION_MISMATCH) << "version left at 0";
  memory.version = nvml_struct_version(sizeof memory, 1);
  EXPECT_EQ(api().memory_info_v2(gpu0_, &memory), NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
  memory.version = nvmlMemory_v2;
  ASSERT_EQ(api().memory_info_v2(gpu0_, &memory), NVML_SUCCESS);
  EXPECT_EQ(memory.total, 81559ULL << 20);
  EXPECT_EQ(memory.used + memory.free + memory.reserved, memory.total);
}

TEST_F(NvmlOnSimulator, RunningProcessesAskForABiggerBufferThenFillIt) {
  unsigned count = 0;
  ASSERT_EQ(api().compute_processes(gpu0_, &count, nullptr), NVML_ERROR_INSUFFICIENT_SIZE);
  EXPECT_EQ(count, 1U);
  nvmlProcessInfo_t infos[4];
  std::memset(infos, 0xAB, sizeof infos);  // the second entry must stay untouched
  count = 4;
  ASSERT_EQ(api().compute_processes(gpu0_, &count, infos), NVML_SUCCESS);
  ASSERT_EQ(count, 1U);
  EXPECT_EQ(infos[0].pid, 1234U);
  EXPECT_EQ(infos[0].usedGpuMemory, 40960ULL << 20);
  EXPECT_EQ(infos[0].gpuInstanceId, 0xFFFFFFFFU) << "not in a MIG instance";
  EXPECT_EQ(infos[1].pid, 0xABABABABU);
}

TEST_F(NvmlOnSimulator, CallsBeforeInitAnswerUninitialized) {
  while (api().shutdown() == NVML_SUCCESS) {
  }
  unsigned count = 0;
  EXPECT_EQ(api().device_count(&count), NVML_ERROR_UNINITIALIZED);
  ASSERT_EQ(api().init(), NVML_SUCCESS);  // for TearDown's shutdown
  EXPECT_EQ(api().device_count(&count), NVML_SUCCESS);
  EXPECT_EQ(count, 3U);
}

TEST_F(NvmlOnSimulator, DriverVersionSaysItIsTheSimulator) {
  char version[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = {};
  ASSERT_EQ(api().system_driver_version(version, sizeof version), NVML_SUCCESS);
  EXPECT_STREQ(version, "sim-550.54.15");
  char tiny[4] = {};
  EXPECT_EQ(api().system_driver_version(tiny, sizeof tiny), NVML_ERROR_INSUFFICIENT_SIZE);
}
