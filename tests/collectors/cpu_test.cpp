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
  EXPECT_THROW(parse_proc_stat("cpu 1 2 3 4\ncpu4294967295 1 2 3 4\n"), ParseError);  // would wrap to -1
  EXPECT_THROW(parse_proc_stat("cpu 1 2 3 4\ncpu0 1 2 3\n"), ParseError);              // truncated line
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

TEST(CpuUtilization, NeverOutsideZeroToOne) {
  CpuTicks a;
  a.user = 1000, a.system = 200, a.idle = 5000, a.iowait = 300;
  // A busy counter goes back while idle moves on: the idle delta exceeds
  // the total delta, which would give a negative ratio.
  CpuTicks busy_back = a;
  busy_back.user = 900, busy_back.idle = 5150;
  EXPECT_FALSE(cpu_utilization(a, busy_back));
  // iowait can go backwards on NO_HZ kernels; with the total still rising
  // this would give a ratio above 1.
  CpuTicks iowait_back = a;
  iowait_back.user = 1100, iowait_back.iowait = 200;
  EXPECT_FALSE(cpu_utilization(a, iowait_back));
  // All busy, all idle.
  CpuTicks busy = a;
  busy.user += 100;
  EXPECT_DOUBLE_EQ(*cpu_utilization(a, busy), 1.0);
  CpuTicks idle = a;
  idle.idle += 100;
  EXPECT_DOUBLE_EQ(*cpu_utilization(a, idle), 0.0);
  // Guest time is already inside user: it must not count twice.
  CpuTicks guest = a;
  guest.user += 50, guest.guest += 50, guest.idle += 50;
  EXPECT_DOUBLE_EQ(*cpu_utilization(a, guest), 0.5);
  // Steal counts as busy (not available to this node), like irq/softirq.
  CpuTicks steal = a;
  steal.steal += 25, steal.idle += 75;
  EXPECT_DOUBLE_EQ(*cpu_utilization(a, steal), 0.25);
}

TEST(CpuinfoParser, Arm64LeavesMissingFieldsEmpty) {
  auto arm = parse_cpuinfo(
      "processor\t: 0\nBogoMIPS\t: 2000.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics\n"
      "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x1\nCPU part\t: 0xd40\nCPU revision\t: 1\n\n"
      "processor\t: 1\nBogoMIPS\t: 2000.00\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU part\t: 0xd40\n"
      "CPU revision\t: 1\n\n");
  ASSERT_EQ(arm.size(), 2u);
  EXPECT_EQ(arm[1].processor, "1");
  EXPECT_EQ(arm[0].family, "8");
  EXPECT_EQ(arm[0].stepping, "1");
  EXPECT_EQ(arm[0].model_name, "");
  EXPECT_EQ(arm[0].microcode, "");
  EXPECT_EQ(arm[0].package, "");
  EXPECT_EQ(arm[0].core, "");
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
  EXPECT_DOUBLE_EQ(*out.value("ainode_cpu_seconds_total", {{"cpu", "0"}, {"mode", "iowait"}}), 5718 / hz);
  EXPECT_DOUBLE_EQ(*out.value("ainode_cpu_seconds_total", {{"cpu", "3"}, {"mode", "softirq"}}), 54 / hz);
  EXPECT_EQ(out.count("ainode_cpu_seconds_total"), 32u);
  EXPECT_DOUBLE_EQ(*out.value("ainode_cpu_guest_seconds_total", {{"cpu", "1"}, {"mode", "user"}}), 30 / hz);
  EXPECT_EQ(out.value("ainode_cpu_guest_seconds_total", {{"cpu", "1"}, {"mode", "nice"}}), 0.0);
  EXPECT_EQ(out.count("ainode_cpu_guest_seconds_total"), 8u);
  EXPECT_FALSE(out.value("ainode_cpu_utilization_ratio")) << "no delta on the first cycle";
  EXPECT_EQ(out.value("ainode_context_switches_total"), 38014093.0);
  EXPECT_EQ(out.value("ainode_interrupts_total"), 8885917.0);
  EXPECT_EQ(out.value("ainode_forks_total"), 26442.0);
  EXPECT_EQ(out.value("ainode_procs_running"), 3.0);
  EXPECT_EQ(out.value("ainode_procs_blocked"), 1.0);
  EXPECT_EQ(out.value("ainode_boot_time_seconds"), 1700000000.0);
  EXPECT_EQ(out.value("ainode_cpu_frequency_hertz", {{"cpu", "1"}}), 2.1e9);
  EXPECT_EQ(out.value("ainode_cpu_frequency_min_hertz", {{"cpu", "0"}}), 8e8);
  EXPECT_EQ(out.value("ainode_cpu_frequency_max_hertz", {{"cpu", "3"}}), 3.8e9);
  EXPECT_EQ(out.count("ainode_cpu_frequency_hertz"), 4u);
  EXPECT_EQ(out.value("ainode_cpu_info", {{"cpu", "3"},
                                          {"package", "1"},
                                          {"core", "1"},
                                          {"vendor", "GenuineIntel"},
                                          {"family", "6"},
                                          {"model", "143"},
                                          {"model_name", "Intel(R) Xeon(R) Platinum 8480+"},
                                          {"microcode", "0x2b000590"},
                                          {"stepping", "8"}}),
            1.0);
  EXPECT_EQ(out.count("ainode_cpu_info"), 4u);
  EXPECT_TRUE(out.warnings.empty());
}

TEST(CpuCollector, UnchangedStatGivesNoUtilization) {
  // Two cycles on the same counters: zero elapsed ticks is "no data", not 0 % busy.
  CpuCollector collector;
  collect_once(collector);
  EXPECT_FALSE(collect_once(collector).value("ainode_cpu_utilization_ratio"));
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
  // The reset reading is the new baseline: the cycle after it has data again.
  write_stat("cpu 15 0 0 35 0 0 0 0 0 0\ncpu0 15 0 0 35 0 0 0 0 0 0\n");
  EXPECT_DOUBLE_EQ(*collect_once(collector, fs).value("ainode_cpu_utilization_ratio"), 0.25);
  std::filesystem::remove_all(dir);
}

namespace {
Collected collect_at(Collector& collector, const HostFs& fs, std::chrono::steady_clock::time_point when) {
  CollectContext context{fs, std::chrono::system_clock::now(), when, {}, nullptr, {}};
  Collected out;
  collector.collect(context, out.metrics);
  out.warnings = std::move(context.warnings);
  return out;
}

std::string microcode_of(const Collected& out, const std::string& cpu) {
  if (const Family* family = out.metrics.find("ainode_cpu_info")) {
    for (const auto& sample : family->samples) {
      if (sample.label_values.at(0) == cpu) return std::string(sample.label_values.at(7));  // "microcode"
    }
  }
  return "<absent>";
}
}  // namespace

TEST(CpuCollector, CpuinfoFollowsHotplugAndLateMicrocodeLoad) {
  auto dir = std::filesystem::temp_directory_path() / ("ainode-cpuinfo-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "proc");
  auto write = [&](const char* name, const std::string& text) { std::ofstream(dir / "proc" / name) << text; };
  auto block = [](int cpu, const char* microcode) {
    return "processor\t: " + std::to_string(cpu) + "\nvendor_id\t: AuthenticAMD\nmicrocode\t: " + microcode + "\n\n";
  };
  HostFs fs((dir / "proc").string(), (dir / "sys").string(), dir.string());
  CpuCollector collector;
  auto start = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);

  write("stat", "cpu 1 0 0 1\ncpu0 1 0 0 1\n");
  write("cpuinfo", block(0, "0xa0011d1"));
  EXPECT_EQ(microcode_of(collect_at(collector, fs, start), "0"), "0xa0011d1");

  // A late microcode load changes cpuinfo without any hotplug: seen at the
  // next refresh, not at the next restart.
  write("cpuinfo", block(0, "0xa0011d5"));
  EXPECT_EQ(microcode_of(collect_at(collector, fs, start + std::chrono::seconds(5)), "0"), "0xa0011d1");
  EXPECT_EQ(microcode_of(collect_at(collector, fs, start + std::chrono::seconds(61)), "0"), "0xa0011d5");

  // A CPU coming online is seen at once.
  write("stat", "cpu 2 0 0 2\ncpu0 1 0 0 1\ncpu1 1 0 0 1\n");
  write("cpuinfo", block(0, "0xa0011d5") + block(1, "0xa0011d5"));
  auto hotplugged = collect_at(collector, fs, start + std::chrono::seconds(62));
  EXPECT_EQ(hotplugged.count("ainode_cpu_info"), 2u);
  EXPECT_EQ(microcode_of(hotplugged, "1"), "0xa0011d5");
  EXPECT_EQ(hotplugged.value("ainode_cpus_online"), 2.0);

  // Unreadable cpuinfo: identity absent with a warning, counters unaffected.
  std::filesystem::remove(dir / "proc" / "cpuinfo");
  auto broken = collect_at(collector, fs, start + std::chrono::seconds(200));
  EXPECT_EQ(broken.count("ainode_cpu_info"), 0u);
  ASSERT_EQ(broken.warnings.size(), 1u);
  EXPECT_NE(broken.warnings[0].find("cpuinfo"), std::string::npos);
  EXPECT_EQ(broken.count("ainode_cpu_seconds_total"), 16u);
  std::filesystem::remove_all(dir);
}
