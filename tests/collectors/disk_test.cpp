#include <gtest/gtest.h>

#include "collector_test_support.hpp"
#include "collectors/disk/disk_collector.hpp"
#include "collectors/disk/diskstats_parser.hpp"
#include "core/text.hpp"

using namespace ainode;
using namespace ainode::testing;

TEST(DiskstatsParser, FieldCountsOfEachKernelGeneration) {
  auto disks = parse_diskstats(
      "   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n"
      " 259       0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"
      " 259       1 nvme1n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n");
  ASSERT_EQ(disks.size(), 3u);
  EXPECT_EQ(disks[0].device, "sda");
  EXPECT_EQ(disks[0].weighted_io_time_ms, 11u);
  EXPECT_FALSE(disks[0].discards);
  ASSERT_TRUE(disks[1].discards);
  EXPECT_EQ(disks[1].discards->time_ms, 15u);
  EXPECT_FALSE(disks[1].flushes);
  ASSERT_TRUE(disks[2].flushes);
  EXPECT_EQ(disks[2].flushes->time_ms, 17u);
  EXPECT_TRUE(parse_diskstats("").empty());
}

TEST(DiskstatsParser, RejectsTruncatedAndGarbage) {
  EXPECT_THROW(parse_diskstats("8 0 sda 1 2 3\n"), ParseError);
  EXPECT_THROW(parse_diskstats("8 0 sda 1 2 3 4 5 6 7 8 9 10 x\n"), ParseError);
  EXPECT_THROW(parse_diskstats("\x01\x02\x03 garbage line here\n"), ParseError);
}

TEST(DiskCollector, FixtureExcludesPartitionsAndLoop) {
  DiskCollector collector{DiskConfig{}};
  auto out = collect_once(collector);
  EXPECT_EQ(out.count("ainode_disk_reads_completed_total"), 3u);  // nvme0n1, sda, dm-0
  EXPECT_FALSE(out.value("ainode_disk_reads_completed_total", {{"device", "sda1"}}));
  EXPECT_FALSE(out.value("ainode_disk_reads_completed_total", {{"device", "loop0"}}));
  EXPECT_EQ(out.value("ainode_disk_read_bytes_total", {{"device", "nvme0n1"}}), 14316302.0 * 512);
  EXPECT_EQ(out.value("ainode_disk_write_time_seconds_total", {{"device", "nvme0n1"}}), 1405.104);
  EXPECT_EQ(out.value("ainode_disk_io_now", {{"device", "sda"}}), 2.0);
  EXPECT_FALSE(out.value("ainode_disk_discards_completed_total", {{"device", "sda"}})) << "14-field kernel line";
  EXPECT_EQ(out.value("ainode_disk_flush_requests_total", {{"device", "nvme0n1"}}), 55823.0);
  EXPECT_EQ(out.value("ainode_disk_info", {{"device", "nvme0n1"}, {"serial", "S64HNE0T123456"}}), 1.0);
}
