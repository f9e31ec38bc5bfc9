#include <gtest/gtest.h>

#include "collector_test_support.hpp"
#include "collectors/system/loadavg_parser.hpp"
#include "collectors/system/system_collectors.hpp"
#include "collectors/thermal/thermal_collector.hpp"
#include "core/text.hpp"

using namespace ainode;
using namespace ainode::testing;

TEST(LoadavgParser, ParsesAndRejects) {
  auto load = parse_loadavg("0.52 0.58 0.59 1/467 12345\n");
  EXPECT_DOUBLE_EQ(load.load15, 0.59);
  EXPECT_THROW(parse_loadavg(""), ParseError);
  EXPECT_THROW(parse_loadavg("0.52 0.58"), ParseError);
  EXPECT_THROW(parse_loadavg("a b c"), ParseError);
  EXPECT_DOUBLE_EQ(parse_uptime("12345.67 54321.00\n"), 12345.67);
  EXPECT_THROW(parse_uptime(""), ParseError);
  EXPECT_THROW(parse_uptime("up"), ParseError);
}

TEST(SystemCollectors, Fixture) {
  LoadavgCollector load;
  auto l = collect_once(load);
  EXPECT_EQ(l.value("ainode_load1"), 1.25);
  EXPECT_EQ(l.value("ainode_load15"), 0.55);
  TimeCollector time;
  auto t = collect_once(time);
  EXPECT_EQ(t.value("ainode_uptime_seconds"), 86400.5);
  EXPECT_GT(*t.value("ainode_time_seconds"), 1.7e9);
}

TEST(ThermalCollector, FixtureZonesAndTrips) {
  ThermalCollector thermal;
  auto out = collect_once(thermal);
  EXPECT_EQ(out.value("ainode_thermal_zone_temperature_celsius", {{"zone", "0"}, {"type", "x86_pkg_temp"}}), 45.0);
  EXPECT_EQ(out.value("ainode_thermal_zone_temperature_celsius", {{"zone", "1"}}), 27.8);
  EXPECT_EQ(out.value("ainode_thermal_zone_trip_point_celsius", {{"zone", "0"}, {"trip_type", "critical"}}), 100.0);
  EXPECT_TRUE(out.warnings.empty());
}

TEST(ThermalCollector, MissingSysfsIsEmptyNotAnError) {
  ThermalCollector thermal;
  HostFs empty(fixture_path("rootfs"), fixture_path("rootfs"), fixture_path("rootfs"));
  auto out = collect_once(thermal, empty);
  EXPECT_TRUE(out.metrics.empty());
}
