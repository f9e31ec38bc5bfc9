#include <gtest/gtest.h>

#include "collector_test_support.hpp"
#include "collectors/system/loadavg_parser.hpp"
#include "collectors/system/system_collectors.hpp"
#include "core/text.hpp"
#include "temp_tree.hpp"

using namespace ainode;
using namespace ainode::testing;

TEST(LoadavgParser, ParsesAndRejects) {
  auto load = parse_loadavg("0.52 0.58 0.59 1/467 12345\n");
  EXPECT_DOUBLE_EQ(load.load15, 0.59);
  EXPECT_THROW(parse_loadavg(""), ParseError);
  EXPECT_THROW(parse_loadavg("0.52 0.58"), ParseError);
  EXPECT_THROW(parse_loadavg("a b c"), ParseError);
  EXPECT_THROW(parse_loadavg("nan 0.58 0.59 1/467 12345"), ParseError);
  EXPECT_THROW(parse_loadavg("0.52 inf 0.59 1/467 12345"), ParseError);
  EXPECT_THROW(parse_loadavg("0.52 0.58 -1 1/467 12345"), ParseError);
  EXPECT_DOUBLE_EQ(parse_loadavg("0.00 0.00 0.00 1/100 1").load1, 0.0);
  EXPECT_DOUBLE_EQ(parse_uptime("12345.67 54321.00\n"), 12345.67);
  EXPECT_THROW(parse_uptime(""), ParseError);
  EXPECT_THROW(parse_uptime("up"), ParseError);
  EXPECT_THROW(parse_uptime("nan 1.0"), ParseError);
  EXPECT_THROW(parse_uptime("-5.0 1.0"), ParseError);
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

TEST(SystemCollectors, UnameNamesTheNodeFromProcfs) {
  UnameCollector uname;
  auto u = collect_once(uname);
  EXPECT_EQ(u.value("ainode_node_info", {{"hostname", "gpu-node-07"}, {"kernel_release", "6.1.0-28-amd64"},
                                         {"os_type", "Linux"}}),
            1.0);
  // A procfs without sys/kernel (a minimal fixture): no series, not an empty name.
  ainode::testing::TempTree empty;
  auto none = collect_once(uname, HostFs(empty.path() / "proc", empty.path() / "sys", empty.path() / "rootfs"));
  EXPECT_EQ(none.count("ainode_node_info"), 0u);
}
