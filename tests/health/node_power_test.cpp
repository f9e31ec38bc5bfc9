#include "health/node_power.hpp"

#include <gtest/gtest.h>

using namespace ainode;
using namespace std::chrono_literals;

namespace {
const MetricDesc kBmc{"ainode_bmc_power_watts", MetricType::gauge, "watts", "BMC.", {"reading"}};
const MetricDesc kHwmon{"ainode_hwmon_power_watts", MetricType::gauge, "watts", "hwmon.", {"chip", "sensor", "label"}};
const MetricDesc kRapl{"ainode_cpu_package_power_watts", MetricType::gauge, "watts", "RAPL.", {"package", "zone"}};
const MetricDesc kGpu{"ainode_gpu_power_watts", MetricType::gauge, "watts", "GPU.", {"gpu", "uuid"}};

MetricSet components() {
  MetricSet set;
  set.add(kRapl, {"0", "package"}, 200);
  set.add(kRapl, {"0", "dram"}, 30);  // inside the package figure: not added
  set.add(kRapl, {"1", "package"}, 180);
  set.add(kGpu, {"0", "GPU-a"}, 650);
  set.add(kGpu, {"1", "GPU-b"}, 640);
  return set;
}
}  // namespace

TEST(NodePower, SumsComponentsWithoutDoubleCounting) {
  auto set = components();
  auto power = node_power(set.families());
  ASSERT_TRUE(power);
  EXPECT_EQ(power->source, "components");
  EXPECT_DOUBLE_EQ(power->watts, 200 + 180 + 650 + 640);
}

TEST(NodePower, PrefersWholeNodeMeters) {
  auto set = components();
  set.add(kHwmon, {"coretemp.0", "power1", ""}, 99);      // not a whole-node meter
  set.add(kHwmon, {"ACPI000D:00", "power1", ""}, 1900);
  EXPECT_EQ(node_power(set.families())->source, "acpi_power_meter");
  EXPECT_DOUBLE_EQ(node_power(set.families())->watts, 1900);
  set.add(kBmc, {"current"}, 2100);
  EXPECT_EQ(node_power(set.families())->source, "bmc");
  EXPECT_DOUBLE_EQ(node_power(set.families())->watts, 2100);
}

TEST(NodePower, NoSourceNoReading) {
  MetricSet empty;
  EXPECT_FALSE(node_power(empty.families()));
}

TEST(NodeEnergyIntegrator, TrapezoidsWithoutTruncation) {
  NodeEnergyIntegrator energy;
  auto t0 = std::chrono::steady_clock::time_point{};
  EXPECT_DOUBLE_EQ(energy.add(100, t0), 0);
  EXPECT_DOUBLE_EQ(energy.add(300, t0 + 2s), 400);           // mean 200 W over 2 s
  EXPECT_DOUBLE_EQ(energy.add(300, t0 + 2500ms), 550);       // +150 J over 0.5 s
  EXPECT_DOUBLE_EQ(energy.add(300, t0 + 2500ms), 550);       // no time, no energy
}
