#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "collector_test_support.hpp"
#include "temp_tree.hpp"
#include "collectors/memory/meminfo_parser.hpp"
#include "collectors/memory/memory_collector.hpp"
#include "core/host_fs.hpp"
#include "core/text.hpp"

using namespace ainode;
using namespace ainode::testing;

namespace {
constexpr double kKiB = 1024.0;

}  // namespace

TEST(MeminfoParser, UnitsAndCounts) {
  auto values = parse_meminfo("MemTotal:       1000 kB\nHugePages_Total:       16\nMemAvailable: 500 kB\n");
  EXPECT_EQ(values.at("MemTotal"), 1024000u);
  EXPECT_EQ(values.at("HugePages_Total"), 16u);
  EXPECT_EQ(values.at("MemAvailable"), 512000u);
  EXPECT_EQ(values.size(), 3u);
  // Names with parentheses exist (Active(anon)); no trailing newline is fine.
  EXPECT_EQ(parse_meminfo("Active(anon):  4 kB").at("Active(anon)"), 4096u);
}

TEST(MeminfoParser, RejectsEmptyTruncatedAndGarbage) {
  EXPECT_THROW(parse_meminfo(""), ParseError);
  EXPECT_THROW(parse_meminfo("\n\n"), ParseError);
  EXPECT_THROW(parse_meminfo("MemTotal:       lots kB\n"), ParseError);
  EXPECT_THROW(parse_meminfo("MemTotal:       -1 kB\n"), ParseError);
  EXPECT_THROW(parse_meminfo("MemTotal:       1000 MB\n"), ParseError);
  EXPECT_THROW(parse_meminfo("MemTotal:       1000 kB extra\n"), ParseError);
  EXPECT_THROW(parse_meminfo("MemTotal 1000 kB\n"), ParseError);
  EXPECT_THROW(parse_meminfo(": 1000 kB\n"), ParseError);
  EXPECT_THROW(parse_meminfo("MemTotal:\n"), ParseError);  // truncated mid-line
  EXPECT_THROW(parse_meminfo("MemTotal: 1000 kB\nMemFree:"), ParseError);  // truncated file
  EXPECT_THROW(parse_meminfo("\x00\xff\xfe"), ParseError);
}

TEST(VmstatParser, Strict) {
  auto values = parse_vmstat("pgpgin 5\npgpgout 6\n");
  EXPECT_EQ(values.at("pgpgin"), 5u);
  EXPECT_EQ(values.at("pgpgout"), 6u);
  EXPECT_THROW(parse_vmstat(""), ParseError);
  EXPECT_THROW(parse_vmstat("pgpgin\n"), ParseError);
  EXPECT_THROW(parse_vmstat("pgpgin -5\n"), ParseError);
  EXPECT_THROW(parse_vmstat("pgpgin 5 6\n"), ParseError);
  EXPECT_THROW(parse_vmstat("pgpgin five\n"), ParseError);
}

TEST(MemoryCollector, Fixture) {
  MemoryCollector collector;
  auto out = collect_once(collector);
  EXPECT_EQ(out.value("ainode_memory_total_bytes"), 263873092.0 * kKiB);
  EXPECT_EQ(out.value("ainode_memory_available_bytes"), 245234120.0 * kKiB);
  EXPECT_EQ(out.value("ainode_memory_used_bytes"), (263873092.0 - 245234120.0) * kKiB);
  EXPECT_EQ(out.value("ainode_memory_free_bytes"), 201553116.0 * kKiB);
  EXPECT_EQ(out.value("ainode_memory_cached_bytes"), 41209532.0 * kKiB);
  EXPECT_EQ(out.value("ainode_memory_buffers_bytes"), 1204536.0 * kKiB);
  EXPECT_EQ(out.value("ainode_memory_shared_bytes"), 822400.0 * kKiB);
  EXPECT_EQ(out.value("ainode_memory_dirty_bytes"), 1024.0 * kKiB);
  EXPECT_EQ(out.value("ainode_memory_hugepages"), 16.0);  // a count: no kB scaling
  EXPECT_EQ(out.value("ainode_memory_hugepages_free"), 4.0);
  EXPECT_EQ(out.value("ainode_swap_total_bytes"), 8388604.0 * kKiB);
  EXPECT_EQ(out.value("ainode_swap_free_bytes"), 8126460.0 * kKiB);
  EXPECT_EQ(out.value("ainode_swap_used_bytes"), (8388604.0 - 8126460.0) * kKiB);

  const double page_size = static_cast<double>(sysconf(_SC_PAGESIZE));
  EXPECT_EQ(out.value("ainode_memory_paged_in_bytes_total"), 123456789.0 * kKiB);
  EXPECT_EQ(out.value("ainode_memory_paged_out_bytes_total"), 98765432.0 * kKiB);
  EXPECT_EQ(out.value("ainode_memory_swapped_in_bytes_total"), 1024.0 * page_size);
  EXPECT_EQ(out.value("ainode_memory_swapped_out_bytes_total"), 2048.0 * page_size);
  EXPECT_EQ(out.value("ainode_memory_page_faults_total"), 987654321.0);
  EXPECT_EQ(out.value("ainode_memory_major_page_faults_total"), 4321.0);
  EXPECT_EQ(out.value("ainode_memory_oom_kills_total"), 2.0);
  EXPECT_TRUE(out.warnings.empty());
}

TEST(MemoryCollector, EveryDescribedMetricEmittedOnTheFullFixture) {
  MemoryCollector collector;
  auto out = collect_once(collector);
  for (const MetricDesc* desc : collector.describe()) EXPECT_EQ(out.count(desc->name), 1u) << desc->name;
}

TEST(MemoryCollector, AncientKernelLinesAbsentMeansMetricsAbsent) {
  // Before Linux 3.14 there is no MemAvailable; a kernel without swap or
  // hugetlbfs has no Swap*/HugePages_* lines; oom_kill is 4.13+.
  TempTree tree;
  tree.write("proc/meminfo", "MemTotal:  2048 kB\nMemFree:  1024 kB\nBuffers:  16 kB\nCached:  256 kB\n");
  tree.write("proc/vmstat", "pgpgin 10\npgpgout 20\npswpin 0\npswpout 0\npgfault 30\npgmajfault 1\n");
  MemoryCollector collector;
  auto out = collect_once(collector, tree.fs());
  EXPECT_EQ(out.value("ainode_memory_total_bytes"), 2048.0 * kKiB);
  EXPECT_EQ(out.value("ainode_memory_free_bytes"), 1024.0 * kKiB);
  for (const char* absent :
       {"ainode_memory_available_bytes", "ainode_memory_used_bytes", "ainode_memory_shared_bytes",
        "ainode_memory_dirty_bytes", "ainode_memory_hugepages", "ainode_memory_hugepages_free",
        "ainode_swap_total_bytes", "ainode_swap_free_bytes", "ainode_swap_used_bytes", "ainode_memory_oom_kills_total"}) {
    EXPECT_EQ(out.count(absent), 0u) << absent;
  }
  // A zero the kernel printed is a measurement, not an absence.
  EXPECT_EQ(out.value("ainode_memory_swapped_in_bytes_total"), 0.0);
}

TEST(MemoryCollector, MissingOrCorruptFilesFailTheCycle) {
  TempTree tree;
  MemoryCollector collector;
  EXPECT_THROW(collect_once(collector, tree.fs()), IoError);
  tree.write("proc/meminfo", "MemTotal:  2048 kB\n");
  tree.write("proc/vmstat", "pgpgin ten\n");
  EXPECT_THROW(collect_once(collector, tree.fs()), ParseError);
}
