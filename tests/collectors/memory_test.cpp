#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collector_test_support.hpp"
#include "collectors/memory/meminfo_parser.hpp"
#include "collectors/memory/memory_collector.hpp"
#include "collectors/pressure/pressure_collector.hpp"
#include "collectors/pressure/psi_parser.hpp"
#include "core/text.hpp"

using namespace ainode;
using namespace ainode::testing;

TEST(MeminfoParser, UnitsAndCounts) {
  auto values = parse_meminfo("MemTotal:       1000 kB\nHugePages_Total:       16\nMemAvailable: 500 kB\n");
  EXPECT_EQ(values.at("MemTotal"), 1024000u);
  EXPECT_EQ(values.at("HugePages_Total"), 16u);
  EXPECT_EQ(values.at("MemAvailable"), 512000u);
}

TEST(MeminfoParser, RejectsEmptyTruncatedAndGarbage) {
  EXPECT_THROW(parse_meminfo(""), ParseError);
  EXPECT_THROW(parse_meminfo("MemTotal:       lots kB\n"), ParseError);
  EXPECT_THROW(parse_meminfo("MemTotal:       1000 MB\n"), ParseError);
  EXPECT_THROW(parse_meminfo("MemTotal 1000 kB\n"), ParseError);
  EXPECT_THROW(parse_meminfo("MemTotal:\n"), ParseError);  // truncated mid-line
  EXPECT_THROW(parse_meminfo("\x00\xff\xfe"), ParseError);
}

TEST(VmstatParser, Strict) {
  EXPECT_EQ(parse_vmstat("pgpgin 5\npgpgout 6\n").at("pgpgout"), 6u);
  EXPECT_THROW(parse_vmstat(""), ParseError);
  EXPECT_THROW(parse_vmstat("pgpgin\n"), ParseError);
  EXPECT_THROW(parse_vmstat("pgpgin -5\n"), ParseError);
}

TEST(MemoryCollector, Fixture) {
  MemoryCollector collector;
  auto out = collect_once(collector);
  EXPECT_EQ(out.value("ainode_memory_total_bytes"), 263873092.0 * 1024);
  EXPECT_EQ(out.value("ainode_memory_used_bytes"), (263873092.0 - 245234120.0) * 1024);
  EXPECT_EQ(out.value("ainode_swap_used_bytes"), (8388604.0 - 8126460.0) * 1024);
  EXPECT_EQ(out.value("ainode_memory_paged_in_bytes_total"), 123456789.0 * 1024);
  EXPECT_EQ(out.value("ainode_memory_hugepages"), 16.0);
  EXPECT_EQ(out.value("ainode_memory_oom_kills_total"), 2.0);
}

TEST(PsiParser, SomeAndFull) {
  auto psi = parse_psi("some avg10=1.50 avg60=0.75 avg300=0.25 total=12345678\n"
                       "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
  ASSERT_TRUE(psi.some && psi.full);
  EXPECT_DOUBLE_EQ(psi.some->avg60, 0.75);
  EXPECT_EQ(psi.some->total_microseconds, 12345678u);
  auto old_cpu = parse_psi("some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n");
  EXPECT_FALSE(old_cpu.full);
}

TEST(PsiParser, RejectsEmptyTruncatedAndGarbage) {
  EXPECT_THROW(parse_psi(""), ParseError);
  EXPECT_THROW(parse_psi("some avg10=1.50 avg60=0.75\n"), ParseError);
  EXPECT_THROW(parse_psi("some avg10=x avg60=0 avg300=0 total=0\n"), ParseError);
  EXPECT_THROW(parse_psi("partial avg10=0 avg60=0 avg300=0 total=0\n"), ParseError);
  EXPECT_THROW(parse_psi("some avg10 avg60=0 avg300=0 total=0\n"), ParseError);
}

TEST(PressureCollector, Fixture) {
  PressureCollector collector;
  auto out = collect_once(collector);
  EXPECT_DOUBLE_EQ(*out.value("ainode_pressure_stall_ratio", {{"resource", "io"}, {"kind", "some"}, {"window", "10s"}}),
                   0.12);
  EXPECT_DOUBLE_EQ(*out.value("ainode_pressure_stall_seconds_total", {{"resource", "cpu"}, {"kind", "some"}}),
                   12.345678);
  EXPECT_EQ(out.count("ainode_pressure_stall_ratio"), 18u);
}

TEST(PressureCollector, KernelWithoutPsiGivesAbsentNotZero) {
  PressureCollector collector;
  HostFs no_psi(fixture_path("sys"), fixture_path("sys"), fixture_path("rootfs"));  // a procfs with no pressure/
  auto out = collect_once(collector, no_psi);
  EXPECT_TRUE(out.metrics.empty());
  ASSERT_TRUE(out.details);
  EXPECT_EQ((*out.details)["pressure"]["available"], false);
}
