#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "collector_test_support.hpp"
#include "collectors/thermal/thermal_collector.hpp"
#include "collectors/thermal/thermal_parser.hpp"
#include "core/text.hpp"

using namespace ainode;
using namespace ainode::testing;

namespace {

// A scratch sysfs tree for cases the shared fixture must not carry (broken
// zones would add warnings to every end-to-end run).
class ScratchSys {
 public:
  ScratchSys() : root_(std::filesystem::temp_directory_path() / ("ainode-thermal-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "sys" / "class" / "thermal");
  }
  ~ScratchSys() { std::filesystem::remove_all(root_); }
  void write(const std::string& relative, const std::string& content) {
    auto path = root_ / "sys" / "class" / "thermal" / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << content;
  }
  // A directory where a file is expected: read(2) fails with EISDIR, a real
  // I/O error like the EINVAL/ENODATA some ACPI zones return.
  void make_unreadable(const std::string& relative) {
    auto path = root_ / "sys" / "class" / "thermal" / relative;
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  HostFs fs() const { return HostFs((root_ / "proc").string(), (root_ / "sys").string(), root_.string()); }

 private:
  std::filesystem::path root_;
};

std::vector<std::string> zone_labels(const Collected& out) {
  std::vector<std::string> zones;
  if (const Family* family = out.metrics.find("ainode_thermal_zone_temperature_celsius")) {
    for (const auto& sample : family->samples) zones.emplace_back(sample.label_values.at(0));
  }
  return zones;
}

}  // namespace

TEST(ThermalParser, Millicelsius) {
  EXPECT_DOUBLE_EQ(parse_millicelsius("45000\n"), 45.0);
  EXPECT_DOUBLE_EQ(parse_millicelsius("27800"), 27.8);
  EXPECT_DOUBLE_EQ(parse_millicelsius("-12500\n"), -12.5);
  EXPECT_THROW(parse_millicelsius(""), ParseError);
  EXPECT_THROW(parse_millicelsius("\n"), ParseError);
  EXPECT_THROW(parse_millicelsius("45.5"), ParseError);
  EXPECT_THROW(parse_millicelsius("45000 C"), ParseError);
  EXPECT_THROW(parse_millicelsius("\x01\x02garbage"), ParseError);
}

TEST(ThermalParser, ZoneNumber) {
  EXPECT_EQ(thermal_zone_number("thermal_zone0"), 0);
  EXPECT_EQ(thermal_zone_number("thermal_zone12"), 12);
  EXPECT_FALSE(thermal_zone_number("thermal_zone"));
  EXPECT_FALSE(thermal_zone_number("thermal_zoneX"));
  EXPECT_FALSE(thermal_zone_number("cooling_device0"));
  EXPECT_FALSE(thermal_zone_number("thermal_zone99999999999"));
}

TEST(ThermalCollector, FixtureZonesAndTrips) {
  ThermalCollector thermal;
  auto out = collect_once(thermal);
  EXPECT_EQ(out.value("ainode_thermal_zone_temperature_celsius", {{"zone", "0"}, {"type", "x86_pkg_temp"}}), 45.0);
  EXPECT_EQ(out.value("ainode_thermal_zone_temperature_celsius", {{"zone", "1"}, {"type", "acpitz"}}), 27.8);
  EXPECT_EQ(out.value("ainode_thermal_zone_trip_point_celsius",
                      {{"zone", "0"}, {"type", "x86_pkg_temp"}, {"trip", "0"}, {"trip_type", "critical"}}),
            100.0);
  EXPECT_EQ(out.count("ainode_thermal_zone_trip_point_celsius"), 1u);
  EXPECT_TRUE(out.warnings.empty());
  EXPECT_FALSE(out.details);
}

TEST(ThermalCollector, MissingSysfsIsEmptyNotAnError) {
  ThermalCollector thermal;
  HostFs empty(fixture_path("rootfs"), fixture_path("rootfs"), fixture_path("rootfs"));
  auto out = collect_once(thermal, empty);
  EXPECT_TRUE(out.metrics.empty());
  EXPECT_TRUE(out.warnings.empty());
}

TEST(ThermalCollector, ZonesInNumericOrder) {
  ScratchSys sys;
  for (const char* zone : {"thermal_zone10", "thermal_zone2", "thermal_zone0", "thermal_zone1"}) {
    sys.write(std::string(zone) + "/type", "acpitz\n");
    sys.write(std::string(zone) + "/temp", "30000\n");
  }
  sys.write("cooling_device0/type", "Processor\n");
  ThermalCollector thermal;
  auto out = collect_once(thermal, sys.fs());
  EXPECT_EQ(zone_labels(out), (std::vector<std::string>{"0", "1", "2", "10"}));
}

TEST(ThermalCollector, BrokenZoneSkippedAndWarnedOncePerStreak) {
  ScratchSys sys;
  sys.write("thermal_zone0/type", "x86_pkg_temp\n");
  sys.write("thermal_zone0/temp", "45000\n");
  sys.write("thermal_zone1/type", "acpitz\n");
  sys.make_unreadable("thermal_zone1/temp");
  sys.write("thermal_zone2/type", "iwlwifi_1\n");
  sys.write("thermal_zone2/temp", "N/A\n");
  // A trip whose temperature fails is skipped alone; the next one is kept.
  sys.write("thermal_zone0/trip_point_0_type", "passive\n");
  sys.make_unreadable("thermal_zone0/trip_point_0_temp");
  sys.write("thermal_zone0/trip_point_1_type", "critical\n");
  sys.write("thermal_zone0/trip_point_1_temp", "100000\n");
  ThermalCollector thermal;

  auto first = collect_once(thermal, sys.fs());
  EXPECT_EQ(zone_labels(first), (std::vector<std::string>{"0"}));
  EXPECT_EQ(first.value("ainode_thermal_zone_trip_point_celsius", {{"trip", "1"}, {"trip_type", "critical"}}), 100.0);
  EXPECT_EQ(first.count("ainode_thermal_zone_trip_point_celsius"), 1u);
  ASSERT_EQ(first.warnings.size(), 3u);
  EXPECT_NE(first.warnings[0].find("thermal_zone0/trip_point_0_temp: Is a directory"), std::string::npos)
      << first.warnings[0];
  EXPECT_NE(first.warnings[1].find("thermal_zone1/temp: Is a directory"), std::string::npos) << first.warnings[1];
  EXPECT_NE(first.warnings[2].find("thermal_zone2/temp: invalid thermal millidegrees: 'N/A'"), std::string::npos)
      << first.warnings[2];
  ASSERT_TRUE(first.details);
  EXPECT_EQ((*first.details)["skipped"].size(), 3u);

  // Still broken: no new warning, but /v1/status keeps saying why.
  auto second = collect_once(thermal, sys.fs());
  EXPECT_TRUE(second.warnings.empty());
  ASSERT_TRUE(second.details);
  EXPECT_EQ((*second.details)["skipped"].size(), 3u);

  // Zone 2 recovers, then breaks again: a new streak is warned again.
  sys.write("thermal_zone2/temp", "38000\n");
  auto recovered = collect_once(thermal, sys.fs());
  EXPECT_EQ(zone_labels(recovered), (std::vector<std::string>{"0", "2"}));
  EXPECT_EQ(recovered.value("ainode_thermal_zone_temperature_celsius", {{"zone", "2"}, {"type", "iwlwifi_1"}}), 38.0);
  EXPECT_TRUE(recovered.warnings.empty());
  EXPECT_EQ((*recovered.details)["skipped"].size(), 2u);
  sys.write("thermal_zone2/temp", "");
  auto broken_again = collect_once(thermal, sys.fs());
  ASSERT_EQ(broken_again.warnings.size(), 1u);
  EXPECT_NE(broken_again.warnings[0].find("thermal_zone2/temp"), std::string::npos);
}
