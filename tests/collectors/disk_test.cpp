#include <gtest/gtest.h>

#include "collector_test_support.hpp"
#include "collectors/disk/disk_collector.hpp"
#include "collectors/disk/diskstats_parser.hpp"
#include "core/text.hpp"
#include "temp_tree.hpp"

using namespace ainode;
using namespace ainode::testing;

TEST(DiskstatsParser, FieldCountsOfEachKernelGeneration) {
  auto disks = parse_diskstats(
      "   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n"
      " 259       0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"
      " 259       1 nvme1n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n");
  ASSERT_EQ(disks.size(), 3u);
  const auto& sda = disks[0];
  EXPECT_EQ(sda.major, 8u);
  EXPECT_EQ(sda.minor, 0u);
  EXPECT_EQ(sda.device, "sda");
  EXPECT_EQ(sda.reads_completed, 1u);
  EXPECT_EQ(sda.reads_merged, 2u);
  EXPECT_EQ(sda.sectors_read, 3u);
  EXPECT_EQ(sda.read_time_ms, 4u);
  EXPECT_EQ(sda.writes_completed, 5u);
  EXPECT_EQ(sda.writes_merged, 6u);
  EXPECT_EQ(sda.sectors_written, 7u);
  EXPECT_EQ(sda.write_time_ms, 8u);
  EXPECT_EQ(sda.io_in_progress, 9u);
  EXPECT_EQ(sda.io_time_ms, 10u);
  EXPECT_EQ(sda.weighted_io_time_ms, 11u);
  EXPECT_FALSE(sda.discards);
  EXPECT_FALSE(sda.flushes);
  ASSERT_TRUE(disks[1].discards);
  EXPECT_EQ(disks[1].discards->completed, 12u);
  EXPECT_EQ(disks[1].discards->merged, 13u);
  EXPECT_EQ(disks[1].discards->sectors, 14u);
  EXPECT_EQ(disks[1].discards->time_ms, 15u);
  EXPECT_FALSE(disks[1].flushes);
  ASSERT_TRUE(disks[2].flushes);
  EXPECT_EQ(disks[2].flushes->completed, 16u);
  EXPECT_EQ(disks[2].flushes->time_ms, 17u);
}

TEST(DiskstatsParser, FieldsOfAFutureKernelAreIgnored) {
  auto disks = parse_diskstats("8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n");
  ASSERT_EQ(disks.size(), 1u);
  ASSERT_TRUE(disks[0].flushes);
  EXPECT_EQ(disks[0].flushes->time_ms, 17u);
}

TEST(DiskstatsParser, EmptyTruncatedAndGarbage) {
  EXPECT_TRUE(parse_diskstats("").empty());
  EXPECT_TRUE(parse_diskstats("\n  \n").empty());
  EXPECT_THROW(parse_diskstats("8 0 sda 1 2 3\n"), ParseError);
  // Between two generations: a line cut short.
  EXPECT_THROW(parse_diskstats("8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12\n"), ParseError);
  EXPECT_THROW(parse_diskstats("8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"), ParseError);
  EXPECT_THROW(parse_diskstats("8 0 sda 1 2 3 4 5 6 7 8 9 10 x\n"), ParseError);
  EXPECT_THROW(parse_diskstats("8 0 sda 1 2 3 4 5 6 7 8 9 10 -1\n"), ParseError);
  EXPECT_THROW(parse_diskstats("x 0 sda 1 2 3 4 5 6 7 8 9 10 11\n"), ParseError);
  EXPECT_THROW(parse_diskstats("\x01\x02\x03 garbage line here\n"), ParseError);
}

TEST(DiskCollector, FixtureWholeDisksSortedWithEveryCounter) {
  DiskCollector collector{DiskConfig{}};
  auto out = collect_once(collector);
  // Partitions (sda1, nvme0n1p1, nvme0n1p2) and loop0 are excluded by default.
  const Family* reads = out.metrics.find("ainode_disk_reads_completed_total");
  ASSERT_NE(reads, nullptr);
  std::vector<std::string> devices;
  for (const auto& sample : reads->samples) devices.emplace_back(sample.label_values[0]);
  EXPECT_EQ(devices, (std::vector<std::string>{"dm-0", "nvme0n1", "sda"}));

  // nvme0n1: the 20-field line.
  //   183716 30553 14316302 49528 1066215 603880 77018248 1405104 0 640436 1480512 0 0 0 0 55823 25880
  auto nvme = [&](std::string_view name) { return out.value(name, {{"device", "nvme0n1"}}); };
  EXPECT_EQ(nvme("ainode_disk_reads_completed_total"), 183716.0);
  EXPECT_EQ(nvme("ainode_disk_reads_merged_total"), 30553.0);
  EXPECT_EQ(nvme("ainode_disk_read_bytes_total"), 14316302.0 * 512);
  EXPECT_EQ(nvme("ainode_disk_read_time_seconds_total"), 49.528);
  EXPECT_EQ(nvme("ainode_disk_writes_completed_total"), 1066215.0);
  EXPECT_EQ(nvme("ainode_disk_writes_merged_total"), 603880.0);
  EXPECT_EQ(nvme("ainode_disk_written_bytes_total"), 77018248.0 * 512);
  EXPECT_EQ(nvme("ainode_disk_write_time_seconds_total"), 1405.104);
  EXPECT_EQ(nvme("ainode_disk_io_now"), 0.0);
  EXPECT_EQ(nvme("ainode_disk_io_time_seconds_total"), 640.436);
  EXPECT_EQ(nvme("ainode_disk_io_time_weighted_seconds_total"), 1480.512);
  EXPECT_EQ(nvme("ainode_disk_discards_completed_total"), 0.0);
  EXPECT_EQ(nvme("ainode_disk_discarded_bytes_total"), 0.0);
  EXPECT_EQ(nvme("ainode_disk_discard_time_seconds_total"), 0.0);
  EXPECT_EQ(nvme("ainode_disk_flush_requests_total"), 55823.0);
  EXPECT_EQ(nvme("ainode_disk_flush_requests_time_seconds_total"), 25.880);

  // sda: the 14-field line (kernel < 4.18): no discard or flush series.
  EXPECT_EQ(out.value("ainode_disk_io_now", {{"device", "sda"}}), 2.0);
  EXPECT_EQ(out.value("ainode_disk_read_bytes_total", {{"device", "sda"}}), 8388608.0 * 512);
  EXPECT_FALSE(out.value("ainode_disk_discards_completed_total", {{"device", "sda"}}));
  EXPECT_FALSE(out.value("ainode_disk_flush_requests_total", {{"device", "sda"}}));
  // dm-0: the 18-field line: discards, no flushes.
  EXPECT_EQ(out.value("ainode_disk_discards_completed_total", {{"device", "dm-0"}}), 0.0);
  EXPECT_FALSE(out.value("ainode_disk_flush_requests_total", {{"device", "dm-0"}}));
  EXPECT_EQ(out.count("ainode_disk_discards_completed_total"), 2u);
  EXPECT_EQ(out.count("ainode_disk_flush_requests_total"), 1u);
}

TEST(DiskCollector, InfoOnlyWhereSysfsNamesTheDevice) {
  DiskCollector collector{DiskConfig{}};
  auto out = collect_once(collector);
  EXPECT_EQ(out.value("ainode_disk_info", {{"device", "nvme0n1"},
                                           {"major", "259"},
                                           {"minor", "0"},
                                           {"model", "SAMSUNG MZQL23T8HCLS-00A07"},
                                           {"serial", "S64HNE0T123456"}}),
            1.0);
  // sda has a model but no serial file.
  EXPECT_EQ(out.value("ainode_disk_info", {{"device", "sda"}, {"model", "ST4000NM0035-1V4"}, {"serial", ""}}), 1.0);
  // dm-0 has no device/ directory at all.
  EXPECT_FALSE(out.value("ainode_disk_info", {{"device", "dm-0"}}));
  EXPECT_EQ(out.count("ainode_disk_info"), 2u);
}

TEST(DiskCollector, ConfiguredExcludes) {
  DiskConfig config;
  config.device_exclude = "^(dm-|loop)";
  DiskCollector collector{config};
  auto out = collect_once(collector);
  EXPECT_EQ(out.count("ainode_disk_reads_completed_total"), 5u);  // both disks and their three partitions
  EXPECT_TRUE(out.value("ainode_disk_reads_completed_total", {{"device", "nvme0n1p1"}}));

  config.device_exclude = "";
  DiskCollector everything{config};
  EXPECT_EQ(collect_once(everything).count("ainode_disk_reads_completed_total"), 7u);
}

TEST(DiskCollector, InvalidRegexFailsTheCycleNamingTheSetting) {
  DiskConfig config;
  config.device_exclude = "[";
  DiskCollector collector{config};
  try {
    collect_once(collector);
    FAIL() << "collect accepted an invalid exclude pattern";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("disk.device_exclude"), std::string::npos) << error.what();
  }
}

TEST(DiskCollector, MissingOrCorruptDiskstatsFailsTheCycle) {
  TempTree tree;
  DiskCollector collector{DiskConfig{}};
  EXPECT_THROW(collect_once(collector, tree.fs()), IoError);
  tree.write("proc/diskstats", "   8       0 sda 1 2 3\n");
  EXPECT_THROW(collect_once(collector, tree.fs()), ParseError);
  tree.write("proc/diskstats", "");
  EXPECT_TRUE(collect_once(collector, tree.fs()).metrics.empty());
}
