#include "efficiency/energy_shares.hpp"

#include <gtest/gtest.h>

namespace ainode {
namespace {

GpuView gpu(unsigned index, std::string owner_pod = "") {
  GpuView view;
  view.reading.index = index;
  view.reading.uuid = "GPU-" + std::to_string(index);
  if (!owner_pod.empty()) view.reading.owner = PodOwner{"ml", owner_pod, "main"};
  return view;
}

void add_process(GpuView& view, unsigned pid, std::string pod, std::optional<double> sm) {
  GpuProcessReading process;
  process.pid = pid;
  process.namespace_name = "ml";
  process.pod = std::move(pod);
  process.sm_utilization_ratio = sm;
  view.reading.processes.push_back(process);
}

EnergyClaim pod_claim(std::string endpoint, std::string pod) { return EnergyClaim{std::move(endpoint), "ml", std::move(pod), {}}; }

TEST(EnergyShares, PodGetsTheGpusAllocatedToIt) {
  std::vector<GpuView> gpus = {gpu(0, "vllm-0"), gpu(1, "vllm-0"), gpu(2, "trainer")};
  auto shares = energy_shares(gpus, std::vector<EnergyClaim>{pod_claim("a", "vllm-0")});
  ASSERT_EQ(shares["a"].size(), 2u);
  EXPECT_EQ(shares["a"][0].source, "GPU-0");
  EXPECT_EQ(shares["a"][1].gpu, "1");
  EXPECT_DOUBLE_EQ(shares["a"][1].share, 1.0);
}

TEST(EnergyShares, TimeSlicedGpuSplitBySmUtilizationElseEqually) {
  GpuView shared = gpu(0);
  add_process(shared, 10, "vllm-a", 0.6);
  add_process(shared, 11, "vllm-b", 0.2);
  add_process(shared, 12, "vllm-b", 0.1);
  std::vector<EnergyClaim> claims = {pod_claim("a", "vllm-a"), pod_claim("b", "vllm-b")};
  auto shares = energy_shares(std::vector<GpuView>{shared}, claims);
  EXPECT_NEAR(shares["a"][0].share, 0.6 / 0.9, 1e-12);
  EXPECT_NEAR(shares["b"][0].share, 0.3 / 0.9, 1e-12);
  // One claimant's utilization unknown: equal split, not a guess.
  shared.reading.processes[0].sm_utilization_ratio.reset();
  shares = energy_shares(std::vector<GpuView>{shared}, claims);
  EXPECT_DOUBLE_EQ(shares["a"][0].share, 0.5);
  EXPECT_DOUBLE_EQ(shares["b"][0].share, 0.5);
}

TEST(EnergyShares, GpusByIndexOrUuidAndTheNodeWhenNothingMatches) {
  std::vector<GpuView> gpus = {gpu(0), gpu(1)};
  std::vector<EnergyClaim> claims = {EnergyClaim{"static", "", "", {"0", "GPU-1"}}, EnergyClaim{"cpu-a", "", "", {}},
                                     pod_claim("cpu-b", "llamacpp")};
  auto shares = energy_shares(gpus, claims);
  ASSERT_EQ(shares["static"].size(), 2u);
  EXPECT_DOUBLE_EQ(shares["static"][1].share, 1.0);
  ASSERT_EQ(shares["cpu-a"].size(), 1u);
  EXPECT_EQ(shares["cpu-a"][0].source, kNodeEnergySource);
  EXPECT_DOUBLE_EQ(shares["cpu-a"][0].share, 0.5);  // node power split between the two without GPUs
  EXPECT_DOUBLE_EQ(shares["cpu-b"][0].share, 0.5);
}

TEST(EnergyShares, TwoStaticClaimsOnOneGpuSplitEqually) {
  std::vector<EnergyClaim> claims = {EnergyClaim{"a", "", "", {"0"}}, EnergyClaim{"b", "", "", {"0"}}};
  auto shares = energy_shares(std::vector<GpuView>{gpu(0)}, claims);
  EXPECT_DOUBLE_EQ(shares["a"][0].share, 0.5);
  EXPECT_DOUBLE_EQ(shares["b"][0].share, 0.5);
}

GpuView mig_gpu(unsigned index, std::optional<unsigned> slices) {
  GpuView view = gpu(index);
  view.reading.mig_enabled = true;
  view.reading.mig_max_devices = slices;
  return view;
}

void add_mig(GpuView& view, std::string uuid, unsigned gpu_instance, unsigned slices, std::string pod) {
  MigDeviceReading m;
  m.uuid = std::move(uuid);
  m.gpu_instance = gpu_instance;
  m.gpu_instance_slices = slices;
  if (!pod.empty()) m.owner = PodOwner{"ml", std::move(pod), "main"};
  view.reading.mig_devices.push_back(m);
}

TEST(EnergyShares, MigDevicesGetTheirSlicesOfTheGpu) {
  GpuView h100 = mig_gpu(0, 7);
  add_mig(h100, "MIG-a", 1, 3, "vllm-a");
  add_mig(h100, "MIG-b", 2, 2, "vllm-b");
  add_mig(h100, "MIG-c", 3, 1, "vllm-b");
  add_mig(h100, "MIG-d", 4, 1, "");  // held by no pod: its slice is nobody's
  // A process of a pod on the MIG GPU does not make it a time-sliced claimant.
  add_process(h100, 10, "vllm-a", 0.9);
  std::vector<EnergyClaim> claims = {pod_claim("a", "vllm-a"), pod_claim("b", "vllm-b"), EnergyClaim{"c", "", "", {"MIG-d"}}};
  auto shares = energy_shares(std::vector<GpuView>{h100}, claims);
  ASSERT_EQ(shares["a"].size(), 1u);
  EXPECT_EQ(shares["a"][0].source, "GPU-0");
  EXPECT_DOUBLE_EQ(shares["a"][0].share, 3.0 / 7);
  EXPECT_DOUBLE_EQ(shares["b"][0].share, 3.0 / 7);  // two devices: 2 + 1 slices
  ASSERT_EQ(shares["c"].size(), 1u) << "a server given a MIG device's UUID";
  EXPECT_DOUBLE_EQ(shares["c"][0].share, 1.0 / 7);
}

TEST(EnergyShares, IdleMigSlicesStayUnattributed) {
  GpuView h100 = mig_gpu(0, 7);
  add_mig(h100, "MIG-a", 1, 1, "vllm-a");
  add_mig(h100, "MIG-b", 2, 2, "");
  auto shares = energy_shares(std::vector<GpuView>{h100}, std::vector<EnergyClaim>{pod_claim("a", "vllm-a")});
  ASSERT_EQ(shares["a"].size(), 1u);
  EXPECT_DOUBLE_EQ(shares["a"][0].share, 1.0 / 7) << "the other 6 slices are not handed to the only server";
}

TEST(EnergyShares, MigGpuOfUnknownSlicesFallsBackToTheNode) {
  GpuView a100 = mig_gpu(0, std::nullopt);
  add_mig(a100, "MIG-a", 1, 3, "vllm-a");
  auto shares = energy_shares(std::vector<GpuView>{a100}, std::vector<EnergyClaim>{pod_claim("a", "vllm-a")});
  ASSERT_EQ(shares["a"].size(), 1u);
  EXPECT_EQ(shares["a"][0].source, kNodeEnergySource);
}

TEST(EnergyShares, AServerNamingAMigGpuSharesEachDeviceWithItsPod) {
  GpuView h100 = mig_gpu(0, 7);
  add_mig(h100, "MIG-a", 1, 4, "vllm-a");
  add_mig(h100, "MIG-b", 2, 3, "");
  std::vector<EnergyClaim> claims = {pod_claim("a", "vllm-a"), EnergyClaim{"all", "", "", {"0"}}};
  auto shares = energy_shares(std::vector<GpuView>{h100}, claims);
  EXPECT_DOUBLE_EQ(shares["a"][0].share, 2.0 / 7);
  EXPECT_DOUBLE_EQ(shares["all"][0].share, 2.0 / 7 + 3.0 / 7);
}

}  // namespace
}  // namespace ainode
