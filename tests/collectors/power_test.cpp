#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "collector_test_support.hpp"
#include "collectors/power/energy_counter.hpp"
#include "collectors/power/hwmon_collector.hpp"
#include "collectors/power/hwmon_name_parser.hpp"
#include "collectors/power/rapl_collector.hpp"

using namespace ainode;
using namespace ainode::testing;

TEST(EnergyCounter, MonotonicAcrossWraparound) {
  EnergyCounter counter;
  auto first = counter.update(900'000'000, 1'000'000'000, 10.0);  // 900 J in the register
  EXPECT_DOUBLE_EQ(first.joules_total, 900.0);
  EXPECT_FALSE(first.watts);
  auto second = counter.update(950'000'000, 1'000'000'000, 11.0);
  EXPECT_DOUBLE_EQ(second.joules_total, 950.0);
  EXPECT_DOUBLE_EQ(*second.watts, 50.0);
  // The register wraps at 1000 J: 950 -> 1000 -> 0 -> 30 is 80 J in 2 s.
  auto wrapped = counter.update(30'000'000, 1'000'000'000, 13.0);
  EXPECT_DOUBLE_EQ(wrapped.joules_total, 1030.0);
  EXPECT_DOUBLE_EQ(*wrapped.watts, 40.0);
}

TEST(EnergyCounter, DecreaseWithoutRangeIsAResetNotAWrap) {
  EnergyCounter counter;
  counter.update(500, 0, 1.0);
  auto reset = counter.update(100, 0, 2.0);
  EXPECT_DOUBLE_EQ(reset.joules_total, 500e-6);  // nothing added, nothing invented
  EXPECT_FALSE(reset.watts);
  auto after = counter.update(300, 0, 3.0);
  EXPECT_DOUBLE_EQ(after.joules_total, 700e-6);
  EXPECT_DOUBLE_EQ(*after.watts, 200e-6);
}

TEST(HwmonNames, AttributesAndChipIds) {
  auto temp = parse_hwmon_attribute("temp12_input");
  ASSERT_TRUE(temp);
  EXPECT_EQ(temp->type, "temp");
  EXPECT_EQ(temp->index, 12u);
  EXPECT_EQ(temp->item, "input");
  EXPECT_EQ(parse_hwmon_attribute("in0_average")->type, "in");
  EXPECT_FALSE(parse_hwmon_attribute("name"));
  EXPECT_FALSE(parse_hwmon_attribute("uevent"));
  EXPECT_FALSE(parse_hwmon_attribute("temp_input"));
  EXPECT_FALSE(parse_hwmon_attribute("1_input"));
  EXPECT_FALSE(parse_hwmon_attribute("temp1_"));
  EXPECT_FALSE(parse_hwmon_attribute(""));
  EXPECT_EQ(hwmon_chip_id(std::string("../../../devices/platform/coretemp.0"), "coretemp"), "coretemp.0");
  EXPECT_EQ(hwmon_chip_id(std::string("../../devices/pci0000:00/0000:c1:00.0/"), "amdgpu"), "0000:c1:00.0");
  EXPECT_EQ(hwmon_chip_id(std::nullopt, "nct6779"), "nct6779");
  EXPECT_EQ(hwmon_chip_id(std::nullopt, "odd name/x"), "odd_name_x");
}

TEST(HwmonCollector, FixtureChipsInBaseUnits) {
  HwmonCollector collector;
  auto out = collect_once(collector);
  EXPECT_EQ(out.value("ainode_hwmon_temperature_celsius", {{"chip", "coretemp.0"}, {"label", "Package id 0"}}), 45.0);
  EXPECT_EQ(out.value("ainode_hwmon_temperature_celsius", {{"chip", "nvme0"}}), 38.85);
  EXPECT_EQ(out.value("ainode_hwmon_temperature_critical_celsius", {{"chip", "coretemp.0"}}), 100.0);
  EXPECT_EQ(out.value("ainode_hwmon_power_watts", {{"chip", "ACPI000D:00"}}), 245.0);
  EXPECT_EQ(out.value("ainode_hwmon_voltage_volts", {{"label", "Vcore"}}), 1.04);
  EXPECT_EQ(out.value("ainode_hwmon_current_amperes", {{"chip", "nct6779"}}), 1.5);
  EXPECT_EQ(out.value("ainode_hwmon_fan_rpm", {{"chip", "nct6779"}}), 1200.0);
  EXPECT_EQ(out.count("ainode_hwmon_chip_info"), 4u);
  EXPECT_TRUE(out.warnings.empty());
}

TEST(RaplCollector, FixtureZonesAndPowerFromDeltas) {
  auto dir = std::filesystem::temp_directory_path() / ("ainode-rapl-" + std::to_string(getpid()));
  auto zone = dir / "class/powercap/intel-rapl:0";
  std::filesystem::create_directories(zone);
  std::ofstream(zone / "name") << "package-0\n";
  std::ofstream(zone / "max_energy_range_uj") << "1000000000\n";
  HostFs fs(fixture_path("proc"), dir.string(), fixture_path("rootfs"));
  RaplCollector collector;
  auto at = [&](std::uint64_t microjoules, double seconds) {
    std::ofstream(zone / "energy_uj") << microjoules << "\n";
    CollectContext context{fs, std::chrono::system_clock::now(),
                           std::chrono::steady_clock::time_point(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(seconds))),
                           {}, nullptr, {}};
    Collected c;
    collector.collect(context, c.metrics);
    c.warnings = context.warnings;
    return c;
  };
  auto first = at(999'000'000, 100.0);
  EXPECT_EQ(first.value("ainode_cpu_package_energy_joules_total", {{"package", "0"}, {"zone", "package"}}), 999.0);
  EXPECT_FALSE(first.value("ainode_cpu_package_power_watts"));
  auto wrapped = at(199'000'000, 101.0);  // wrapped: 1 J + 199 J in 1 s
  EXPECT_DOUBLE_EQ(*wrapped.value("ainode_cpu_package_energy_joules_total"), 1199.0);
  EXPECT_DOUBLE_EQ(*wrapped.value("ainode_cpu_package_power_watts"), 200.0);
  std::filesystem::remove_all(dir);

  RaplCollector fixture;
  auto out = collect_once(fixture);
  EXPECT_EQ(out.value("ainode_cpu_package_energy_joules_total", {{"package", "1"}, {"zone", "package"}}), 140000.0);
  EXPECT_EQ(out.value("ainode_cpu_package_energy_joules_total", {{"package", "0"}, {"zone", "dram"}}), 20000.0);
  EXPECT_EQ(out.count("ainode_cpu_package_energy_joules_total"), 4u);
}

TEST(RaplCollector, UnreadableEnergyIsSaidOnce) {
  auto dir = std::filesystem::temp_directory_path() / ("ainode-rapl-locked-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "class/powercap/intel-rapl:0");
  std::ofstream(dir / "class/powercap/intel-rapl:0/name") << "package-0\n";  // no readable energy_uj
  HostFs fs(fixture_path("proc"), dir.string(), fixture_path("rootfs"));
  RaplCollector collector;
  auto first = collect_once(collector, fs);
  EXPECT_TRUE(first.metrics.empty());
  ASSERT_EQ(first.warnings.size(), 1u);
  EXPECT_NE(first.warnings[0].find("root only"), std::string::npos);
  auto second = collect_once(collector, fs);
  EXPECT_TRUE(second.warnings.empty());
  ASSERT_TRUE(second.details);
  EXPECT_EQ((*second.details)["rapl"]["unreadable_zones"][0], "intel-rapl:0");
  std::filesystem::remove_all(dir);
}
