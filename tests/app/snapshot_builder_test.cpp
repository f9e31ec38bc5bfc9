#include "app/snapshot_builder.hpp"

#include <gtest/gtest.h>

#include "app/family_lookup.hpp"

using namespace ainode;

namespace {
const MetricDesc kHwmon{"ainode_hwmon_power_watts", MetricType::gauge, "watts", "hwmon.", {"chip", "sensor", "label"}};

CycleResult cycle_with_power(double watts, std::uint64_t sequence) {
  CycleResult cycle;
  cycle.sequence = sequence;
  cycle.started_at = std::chrono::system_clock::now();
  MetricSet set;
  set.add(kHwmon, {"ACPI000D:00", "power1", ""}, watts);
  cycle.families = set.families();
  return cycle;
}
}  // namespace

TEST(SnapshotBuilder, NodePowerEnergyAndEnvelope) {
  SnapshotBuilder builder(std::chrono::system_clock::now(), 200.0);
  auto first = builder.build(cycle_with_power(245, 1));
  EXPECT_EQ(find_value(first->families, "ainode_node_power_watts", {{"source", "acpi_power_meter"}}), 245.0);
  EXPECT_EQ(find_value(first->families, "ainode_node_power_envelope_watts"), 200.0);
  EXPECT_EQ(find_value(first->families, "ainode_node_power_envelope_exceeded"), 1.0);
  EXPECT_EQ(find_value(first->families, "ainode_node_energy_joules_total"), 0.0);
  auto second = builder.build(cycle_with_power(150, 2));
  EXPECT_EQ(find_value(second->families, "ainode_node_power_envelope_exceeded"), 0.0);
  EXPECT_GT(*find_value(second->families, "ainode_node_energy_joules_total"), 0.0);
  EXPECT_EQ(second->summary.node_power_source, "acpi_power_meter");
}

TEST(SnapshotBuilder, NoEnvelopeNoEnvelopeSeries) {
  SnapshotBuilder builder(std::chrono::system_clock::now());
  auto snapshot = builder.build(cycle_with_power(245, 1));
  EXPECT_FALSE(find_value(snapshot->families, "ainode_node_power_envelope_exceeded"));
  EXPECT_TRUE(snapshot->prometheus_text->plain()->find("ainode_node_power_watts{source=\"acpi_power_meter\"} 245\n") !=
              std::string::npos);
}
