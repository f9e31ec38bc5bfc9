#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "collector_test_support.hpp"
#include "collectors/cpu/cpu_collector.hpp"
#include "collectors/cpu/cpuinfo_parser.hpp"
#include "collectors/cpu/proc_stat_parser.hpp"
#include "core/text.hpp"

using namespace ainode;
using namespace ainode::testing;

TEST(ProcStatParser, ParsesCountersAndCpus) {
  auto stat = parse_proc_stat(
      "cpu  10 1 5 100 2 0 1 3 4 0\ncpu0 10 1 5 100 2 0 1 3 4 0\nintr 999 1 2\nctxt 123\nbtime 1700000000\n"
      "processes 77\nprocs_running 2\nprocs_blocked 0\n");
  ASSERT_TRUE(stat.aggregate);
  EXPECT_EQ(stat.aggregate->total(), 10u + 1 + 5 + 100 + 2 + 0 + 1 + 3);
  EXPECT_EQ(stat.aggregate->guest, 4u);
  ASSERT_EQ(stat.cpus.size(), 1u);
  EXPECT_EQ(stat.cpus[0].cpu, 0);
  EXPECT_EQ(stat.interrupts, 999u);
  EXPECT_EQ(stat.context_switches, 123u);
  EXPECT_EQ(stat.boot_time, 1700000000u);
  EXPECT_EQ(stat.forks, 77u);
  EXPECT_EQ(stat.procs_running, 2u);
}

TEST(ProcStatParser, OldKernelWithFewerColumns) {
  auto stat = parse_proc_stat("cpu 1 2 3 4\ncpu0 1 2 3 4\n");
  EXPECT_EQ(stat.aggregate->idle, 4u);
  EXPECT_EQ(stat.aggregate->steal, 0u);
  EXPECT_FALSE(stat.context_switches);
}

TEST(ProcStatParser, RejectsEmptyTruncatedAndGarbage) {
  EXPECT_THROW(parse_proc_stat(""), ParseError);
  EXPECT_THROW(parse_proc_stat("cpu  10 1 5 1x0 2\n"), ParseError);
  EXPECT_THROW(parse_proc_stat("cpu 1 2\n"), ParseError);
  EXPECT_THROW(parse_proc_stat("cpuX 1 2 3 4\n"), ParseError);
  EXPECT_THROW(parse_proc_stat("ctxt 5\n"), ParseError);  // no cpu line at all
  EXPECT_THROW(parse_proc_stat("cpu 1 2 3 4\nctxt lots\n"), ParseError);
  // Unknown lines are fine: the kernel adds new ones over time.
  EXPECT_NO_THROW(parse_proc_stat("cpu 1 2 3 4\nsomething_new 1 2 3\n"));
}

TEST(CpuUtilization, FromDeltas) {
  CpuTicks a, b;
  a.user = 100, a.idle = 900;
  b.user = 150, b.idle = 950;  // 50 busy of 100
  EXPECT_DOUBLE_EQ(*cpu_utilization(a, b), 0.5);
  EXPECT_FALSE(cpu_utilization(a, a));  // no time passed
  CpuTicks reset;
  reset.user = 10, reset.idle = 10;  // counters went backwards
  EXPECT_FALSE(cpu_utilization(b, reset));
  CpuTicks iowait = b;
  iowait.iowait = 50;  // iowait counts as idle
  EXPECT_DOUBLE_EQ(*cpu_utilization(b, iowait), 0.0);
}

TEST(CpuinfoParser, X86AndArm) {
  auto x86 = parse_cpuinfo(
      "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\nmodel name\t: Xeon\n"
      "stepping\t: 8\nmicrocode\t: 0x2b\nphysical id\t: 0\ncore id\t\t: 3\n\nprocessor\t: 1\nmodel name\t: Xeon\n");
  ASSERT_EQ(x86.size(), 2u);
  EXPECT_EQ(x86[0].vendor, "GenuineIntel");
  EXPECT_EQ(x86[0].core, "3");
  EXPECT_EQ(x86[1].vendor, "");
  auto arm = parse_cpuinfo("processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n\n");
  ASSERT_EQ(arm.size(), 1u);
  EXPECT_EQ(arm[0].vendor, "0x41");
  EXPECT_EQ(arm[0].model, "0xd0c");
  EXPECT_THROW(parse_cpuinfo(""), ParseError);
  EXPECT_THROW(parse_cpuinfo("garbage\n\x01\x02"), ParseError);
}

TEST(CpuCollector, FixtureFirstCycle) {
  CpuCollector collector;
  auto out = collect_once(collector);
  double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  EXPECT_EQ(out.value("ainode_cpus_online"), 4.0);
  EXPECT_DOUBLE_EQ(*out.value("ainode_cpu_seconds_total", {{"cpu", "2"}, {"mode", "idle"}}), 924912 / hz);
  EXPECT_EQ(out.count("ainode_cpu_seconds_total"), 32u);
  EXPECT_FALSE(out.value("ainode_cpu_utilization_ratio")) << "no delta on the first cycle";
  EXPECT_EQ(out.value("ainode_context_switches_total"), 38014093.0);
  EXPECT_EQ(out.value("ainode_boot_time_seconds"), 1700000000.0);
  EXPECT_EQ(out.value("ainode_cpu_frequency_hertz", {{"cpu", "1"}}), 2.1e9);
  EXPECT_EQ(out.value("ainode_cpu_frequency_max_hertz", {{"cpu", "3"}}), 3.8e9);
  EXPECT_EQ(out.value("ainode_cpu_info", {{"cpu", "3"}, {"package", "1"}, {"core", "1"}}), 1.0);
  EXPECT_TRUE(out.warnings.empty());
}

TEST(CpuCollector, UtilizationOnSecondCycle) {
  auto dir = std::filesystem::temp_directory_path() / ("ainode-cpu-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "proc");
  auto write_stat = [&](const char* text) { std::ofstream(dir / "proc" / "stat") << text; };
  HostFs fs((dir / "proc").string(), (dir / "sys").string(), dir.string());
  CpuCollector collector;
  write_stat("cpu 100 0 0 900 0 0 0 0 0 0\ncpu0 100 0 0 900 0 0 0 0 0 0\n");
  EXPECT_FALSE(collect_once(collector, fs).value("ainode_cpu_utilization_ratio"));
  write_stat("cpu 175 0 0 925 0 0 0 0 0 0\ncpu0 175 0 0 925 0 0 0 0 0 0\n");
  auto second = collect_once(collector, fs);
  EXPECT_DOUBLE_EQ(*second.value("ainode_cpu_utilization_ratio"), 0.75);
  // No cpuinfo and no cpufreq in this tree: identity absent, with a warning.
  EXPECT_EQ(second.count("ainode_cpu_info"), 0u);
  EXPECT_EQ(second.count("ainode_cpu_frequency_hertz"), 0u);
  write_stat("cpu 5 0 0 5 0 0 0 0 0 0\ncpu0 5 0 0 5 0 0 0 0 0 0\n");  // counters reset
  EXPECT_FALSE(collect_once(collector, fs).value("ainode_cpu_utilization_ratio"));
  std::filesystem::remove_all(dir);
}
