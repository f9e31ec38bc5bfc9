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

}  // namespace
}  // namespace ainode
