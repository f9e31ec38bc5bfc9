#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "collector_test_support.hpp"
#include "temp_tree.hpp"
#include "collectors/pressure/pressure_collector.hpp"
#include "collectors/pressure/psi_parser.hpp"
#include "core/text.hpp"

using namespace ainode;
using namespace ainode::testing;

namespace {
}  // namespace

TEST(PsiParser, SomeAndFull) {
  auto psi = parse_psi("some avg10=1.50 avg60=0.75 avg300=0.25 total=12345678\n"
                       "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
  ASSERT_TRUE(psi.some && psi.full);
  EXPECT_DOUBLE_EQ(psi.some->avg10, 1.5);
  EXPECT_DOUBLE_EQ(psi.some->avg60, 0.75);
  EXPECT_DOUBLE_EQ(psi.some->avg300, 0.25);
  EXPECT_EQ(psi.some->total_microseconds, 12345678u);
  EXPECT_EQ(psi.full->total_microseconds, 0u);
  // cpu before Linux 5.13 has no "full" line.
  auto old_cpu = parse_psi("some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n");
  EXPECT_FALSE(old_cpu.full);
  // Field order is not relied on; no trailing newline is fine.
  auto reordered = parse_psi("some total=7 avg300=1 avg60=2 avg10=100.00");
  EXPECT_EQ(reordered.some->total_microseconds, 7u);
  EXPECT_DOUBLE_EQ(reordered.some->avg10, 100.0);
}

TEST(PsiParser, RejectsEmptyTruncatedAndGarbage) {
  EXPECT_THROW(parse_psi(""), ParseError);
  EXPECT_THROW(parse_psi("\n\n"), ParseError);
  EXPECT_THROW(parse_psi("some avg10=1.50 avg60=0.75\n"), ParseError);  // truncated
  EXPECT_THROW(parse_psi("some avg10=1.50 avg60=0.75 avg300=0.25 total=\n"), ParseError);
  EXPECT_THROW(parse_psi("some avg10=x avg60=0 avg300=0 total=0\n"), ParseError);
  EXPECT_THROW(parse_psi("some avg10=0 avg60=0 avg300=0 total=-1\n"), ParseError);
  EXPECT_THROW(parse_psi("partial avg10=0 avg60=0 avg300=0 total=0\n"), ParseError);
  EXPECT_THROW(parse_psi("some avg10 avg60=0 avg300=0 total=0\n"), ParseError);
  EXPECT_THROW(parse_psi("\x01\xff garbage"), ParseError);
}

TEST(PsiParser, RejectsAveragesThatAreNotPercentages) {
  EXPECT_THROW(parse_psi("some avg10=nan avg60=0 avg300=0 total=0\n"), ParseError);
  EXPECT_THROW(parse_psi("some avg10=inf avg60=0 avg300=0 total=0\n"), ParseError);
  EXPECT_THROW(parse_psi("some avg10=-0.5 avg60=0 avg300=0 total=0\n"), ParseError);
  EXPECT_THROW(parse_psi("some avg10=100.01 avg60=0 avg300=0 total=0\n"), ParseError);
}

TEST(PressureCollector, Fixture) {
  PressureCollector collector;
  auto out = collect_once(collector);
  EXPECT_EQ(out.count("ainode_pressure_stall_seconds_total"), 6u);
  EXPECT_EQ(out.count("ainode_pressure_stall_ratio"), 18u);
  EXPECT_DOUBLE_EQ(*out.value("ainode_pressure_stall_seconds_total", {{"resource", "cpu"}, {"kind", "some"}}),
                   12.345678);
  EXPECT_DOUBLE_EQ(*out.value("ainode_pressure_stall_seconds_total", {{"resource", "io"}, {"kind", "full"}}),
                   456.789012);
  EXPECT_DOUBLE_EQ(*out.value("ainode_pressure_stall_ratio", {{"resource", "io"}, {"kind", "some"}, {"window", "10s"}}),
                   0.12);
  EXPECT_DOUBLE_EQ(
      *out.value("ainode_pressure_stall_ratio", {{"resource", "memory"}, {"kind", "full"}, {"window", "300s"}}),
      0.0001);
  // cpu "full" reads all zeros on this fixture: exported as read, not dropped.
  EXPECT_EQ(out.value("ainode_pressure_stall_seconds_total", {{"resource", "cpu"}, {"kind", "full"}}), 0.0);
  EXPECT_EQ(out.value("ainode_pressure_stall_ratio", {{"resource", "cpu"}, {"kind", "full"}, {"window", "60s"}}), 0.0);
  EXPECT_FALSE(out.details);
  EXPECT_TRUE(out.warnings.empty());
}

TEST(PressureCollector, CpuWithoutFullLineBeforeLinux513) {
  TempTree tree;
  tree.write("proc/pressure/cpu", "some avg10=2.00 avg60=1.00 avg300=0.50 total=100\n");
  tree.write("proc/pressure/memory", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
                                "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
  PressureCollector collector;
  auto out = collect_once(collector, tree.fs());
  EXPECT_FALSE(out.value("ainode_pressure_stall_seconds_total", {{"resource", "cpu"}, {"kind", "full"}}));
  EXPECT_DOUBLE_EQ(*out.value("ainode_pressure_stall_ratio", {{"resource", "cpu"}, {"kind", "some"}, {"window", "10s"}}),
                   0.02);
  // No io file: io series absent, the rest still exported.
  EXPECT_FALSE(out.value("ainode_pressure_stall_seconds_total", {{"resource", "io"}}));
  EXPECT_EQ(out.count("ainode_pressure_stall_seconds_total"), 3u);
  EXPECT_EQ(out.count("ainode_pressure_stall_ratio"), 9u);
}

TEST(PressureCollector, KernelWithoutPsiGivesAbsentNotZero) {
  TempTree tree;
  PressureCollector collector;
  for (int cycle = 0; cycle < 2; ++cycle) {
    auto out = collect_once(collector, tree.fs());
    EXPECT_TRUE(out.metrics.empty());
    EXPECT_TRUE(out.warnings.empty());  // not a fault of the node: said in details instead
    ASSERT_TRUE(out.details);
    EXPECT_EQ((*out.details)["pressure"]["available"], false);
  }
}

TEST(PressureCollector, CorruptFileFailsTheCycle) {
  TempTree tree;
  tree.write("proc/pressure/cpu", "some avg10=garbage\n");
  PressureCollector collector;
  EXPECT_THROW(collect_once(collector, tree.fs()), ParseError);
}
