#include "efficiency/mig_shares.hpp"

#include <gtest/gtest.h>

namespace ainode {
namespace {

MigDeviceReading device(std::string uuid, unsigned gpu_instance, std::optional<unsigned> slices,
                        std::optional<unsigned> sms = std::nullopt) {
  MigDeviceReading m;
  m.uuid = std::move(uuid);
  m.gpu_instance = gpu_instance;
  m.gpu_instance_slices = slices;
  m.sm_count = sms;
  return m;
}

GpuReading mig_gpu(std::optional<unsigned> slices, std::vector<MigDeviceReading> devices) {
  GpuReading g;
  g.uuid = "GPU-a";
  g.mig_enabled = true;
  g.mig_max_devices = slices;
  g.mig_devices = std::move(devices);
  return g;
}

TEST(MigShares, SlicesOverTheGpusAndIdleSlicesAreNobodys) {
  // An H100 as 3g + 2g + 1g: one slice idle.
  auto shares = mig_device_shares(mig_gpu(7, {device("MIG-3g", 2, 3), device("MIG-2g", 3, 2), device("MIG-1g", 9, 1)}));
  ASSERT_EQ(shares.size(), 3u);
  EXPECT_DOUBLE_EQ(shares["MIG-3g"], 3.0 / 7);
  EXPECT_DOUBLE_EQ(shares["MIG-2g"], 2.0 / 7);
  EXPECT_DOUBLE_EQ(shares["MIG-1g"], 1.0 / 7);
  double total = 0;
  for (const auto& [uuid, share] : shares) total += share;
  EXPECT_NEAR(total, 6.0 / 7, 1e-12) << "the idle slice is not handed to the others";
}

TEST(MigShares, ComputeInstancesSplitTheirGpuInstanceBySms) {
  // A 4g GPU instance cut into a 3c (48 SMs) and a 1c (16 SMs) compute instance.
  auto shares = mig_device_shares(mig_gpu(7, {device("MIG-3c", 1, 4, 48), device("MIG-1c", 1, 4, 16)}));
  EXPECT_DOUBLE_EQ(shares["MIG-3c"], 4.0 / 7 * 0.75);
  EXPECT_DOUBLE_EQ(shares["MIG-1c"], 4.0 / 7 * 0.25);
  // SMs unknown: equally.
  shares = mig_device_shares(mig_gpu(7, {device("MIG-a", 1, 4, 48), device("MIG-b", 1, 4)}));
  EXPECT_DOUBLE_EQ(shares["MIG-a"], 2.0 / 7);
  EXPECT_DOUBLE_EQ(shares["MIG-b"], 2.0 / 7);
}

TEST(MigShares, UnknownsChargeNobody) {
  EXPECT_TRUE(mig_device_shares(mig_gpu(std::nullopt, {device("MIG-a", 1, 4)})).empty()) << "the GPU's slices unknown";
  EXPECT_TRUE(mig_device_shares(mig_gpu(0, {device("MIG-a", 1, 4)})).empty());
  auto shares = mig_device_shares(mig_gpu(4, {device("MIG-a", 1, 2), device("MIG-b", 2, std::nullopt)}));  // an A30
  EXPECT_DOUBLE_EQ(shares["MIG-a"], 0.5);
  EXPECT_FALSE(shares.contains("MIG-b"));
  // Counts that disagree never give more than the whole GPU.
  shares = mig_device_shares(mig_gpu(4, {device("MIG-a", 1, 4), device("MIG-b", 2, 4)}));
  EXPECT_DOUBLE_EQ(shares["MIG-a"] + shares["MIG-b"], 1.0);
}

}  // namespace
}  // namespace ainode
