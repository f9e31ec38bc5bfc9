// The policy actuator's NVML backend against the simulated NVML: the real
// set calls, bounded by the device's constraints, with the driver's answers
// (NO_PERMISSION when not root) as values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy/actuator.hpp"
#include "twin/gpu_identity.hpp"
#include "twin/simulated_nvml_session.hpp"

namespace {

using PolicyActuator = ainode::testing::SimulatedNvmlSession;
using namespace ainode;
using ::testing::HasSubstr;

const char* kGpus = "[[gpus]]\nmodel = \"H100-SXM5-80GB\"\nworkload = \"constant\"\nutilization = 0.9\ncount = 2\n";

ActuationRequest request(unsigned gpu, GpuSetting setting) {
  ActuationRequest r;
  r.gpu = gpu;
  r.uuid = twin::gpu_uuid(gpu);
  r.setting = setting;
  return r;
}

TEST_F(PolicyActuator, SetsThePowerLimitOfTheGpuWithThatUuidWithinItsConstraints) {
  start("", kGpus);
  auto backend = make_driver_backend(AINODE_NVML_SIM_PATH, "/nonexistent");
  auto applied = backend->apply(request(1, GpuSetting::power(250)));
  EXPECT_EQ(applied.code, ActuationCode::applied) << applied.detail;
  nvmlDevice_t second = nullptr;
  ASSERT_EQ(api().device_by_index(1, &second), NVML_SUCCESS);
  unsigned limit = 0;
  ASSERT_EQ(api().power_limit(second, &limit), NVML_SUCCESS);
  EXPECT_EQ(limit, 250000u);
  ASSERT_EQ(api().power_limit(gpu_, &limit), NVML_SUCCESS);
  EXPECT_EQ(limit, 700000u) << "only the GPU named by uuid";
  // Below the 200 W minimum: refused before the driver is asked.
  auto refused = backend->apply(request(1, GpuSetting::power(150)));
  EXPECT_EQ(refused.code, ActuationCode::failed);
  EXPECT_THAT(refused.detail, HasSubstr("outside the constraints 200-700W"));
  EXPECT_EQ(log_lines().size(), 1u);
  ActuationRequest missing = request(0, GpuSetting::power(300));
  missing.uuid = "GPU-not-here";
  EXPECT_EQ(backend->apply(missing).code, ActuationCode::failed);
}

TEST_F(PolicyActuator, LocksAndResetsClocks) {
  start("", kGpus);
  auto backend = make_driver_backend(AINODE_NVML_SIM_PATH, "/nonexistent");
  EXPECT_EQ(backend->apply(request(0, GpuSetting::clocks(Knob::locked_clocks, 900, 1410))).code, ActuationCode::applied);
  EXPECT_EQ(backend->apply(request(0, GpuSetting::default_of(Knob::locked_clocks))).code, ActuationCode::applied);
  auto bad = backend->apply(request(0, GpuSetting::clocks(Knob::locked_clocks, 1410, 900)));
  EXPECT_EQ(bad.code, ActuationCode::failed);
  EXPECT_EQ(bad.detail, "NVML_ERROR_INVALID_ARGUMENT");
  auto lines = log_lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("nvmlDeviceSetGpuLockedClocks"));
  EXPECT_THAT(lines[1], HasSubstr("nvmlDeviceResetGpuLockedClocks"));
}

TEST_F(PolicyActuator, NoPermissionSaysHowToFixIt) {
  start("root = false", kGpus);
  auto backend = make_driver_backend(AINODE_NVML_SIM_PATH, "/nonexistent");
  auto result = backend->apply(request(0, GpuSetting::power(250)));
  EXPECT_EQ(result.code, ActuationCode::no_permission);
  EXPECT_THAT(result.detail, HasSubstr("NVML_ERROR_NO_PERMISSION"));
  EXPECT_THAT(result.detail, HasSubstr("CAP_SYS_ADMIN"));
}

}  // namespace
