// The host simulator's rewrites, read back with the agent's own parsers:
// healthy rates, and each host cause's symptom growing with its severity.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "collector_test_support.hpp"
#include "collectors/cpu/proc_stat_parser.hpp"
#include "collectors/disk/diskstats_parser.hpp"
#include "collectors/memory/meminfo_parser.hpp"
#include "collectors/network/netdev_parser.hpp"
#include "collectors/network/protocol_counters_parser.hpp"
#include "collectors/pressure/psi_parser.hpp"
#include "collectors/processes/pid_stat_parser.hpp"
#include "twin/host_model.hpp"
#include "twin/host_tree.hpp"

using namespace ainode;
using namespace ainode::twin;

namespace {

std::string fixture(const std::string& relative) {
  std::ifstream in(ainode::testing::fixture_path(relative));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Causes one(Cause kind, double severity, const std::string& device = "", const std::string& pod = "") {
  Causes c;
  Fault f;
  f.kind = kind;
  f.severity = severity;
  f.from_seconds = 10;
  f.to_seconds = 110;
  f.subject.device = device;
  f.subject.pod = pod;
  c.faults.push_back(f);
  return c;
}

std::int64_t retransmits(const Causes& c, double t) {
  return parse_protocol_counters(evolve_snmp(fixture("proc/net/snmp"), c, t))["Tcp"]["RetransSegs"];
}

DiskStats disk(const Causes& c, double t, const std::string& name) {
  for (const auto& d : parse_diskstats(evolve_diskstats(fixture("proc/diskstats"), c, t))) {
    if (d.device == name) return d;
  }
  ADD_FAILURE() << name << " missing";
  return {};
}

}  // namespace

TEST(HostModel, AtTimeZeroTheBaseTreeIsUnchangedInValue) {
  Causes none;
  EXPECT_EQ(retransmits(none, 0), 54321);
  auto stat = parse_proc_stat(evolve_proc_stat(fixture("proc/stat"), none, 0));
  auto base = parse_proc_stat(fixture("proc/stat"));
  EXPECT_EQ(stat.aggregate->total(), base.aggregate->total());
  EXPECT_EQ(stat.cpus.size(), base.cpus.size());
}

TEST(HostModel, CpuTimeAdvancesByTheWallClockAndANoisyNeighbourTakesIdle) {
  Causes none;
  auto base = parse_proc_stat(fixture("proc/stat"));
  auto healthy = parse_proc_stat(evolve_proc_stat(fixture("proc/stat"), none, 100));
  auto n = base.cpus.size();
  EXPECT_EQ(healthy.aggregate->total() - base.aggregate->total(), 100u * 100u * n) << "USER_HZ * CPUs * seconds";
  EXPECT_EQ(healthy.aggregate->user - base.aggregate->user, 25u * 100u * n);
  auto noisy = parse_proc_stat(evolve_proc_stat(fixture("proc/stat"), one(Cause::cpu_contention, 1.0), 100));
  EXPECT_EQ(noisy.aggregate->total(), healthy.aggregate->total());
  EXPECT_EQ(noisy.aggregate->user - healthy.aggregate->user, 54u * 100u * n) << "60% of each CPU for the 90 s since t = 10";
  EXPECT_LT(noisy.aggregate->idle, healthy.aggregate->idle);
  EXPECT_EQ(noisy_neighbour_cpus(one(Cause::cpu_contention, 0.5), 4, 50), 1.2);
  EXPECT_EQ(noisy_neighbour_cpus(one(Cause::cpu_contention, 0.5), 4, 120), 0.0) << "after its window";
}

TEST(HostModel, PressureRisesWithItsCause) {
  auto healthy = parse_psi(evolve_pressure(fixture("proc/pressure/cpu"), "cpu", {}, 50));
  auto stalled = parse_psi(evolve_pressure(fixture("proc/pressure/cpu"), "cpu", one(Cause::cpu_contention, 0.5), 50));
  EXPECT_DOUBLE_EQ(healthy.some->avg10, 1.5);
  EXPECT_DOUBLE_EQ(stalled.some->avg10, 1.5 + 35);
  EXPECT_EQ(stalled.some->total_microseconds - healthy.some->total_microseconds, 14000000u) << "0.7 * 0.5 * 40 s";
  auto memory = parse_psi(evolve_pressure(fixture("proc/pressure/memory"), "memory", one(Cause::memory_pressure, 1.0), 50));
  EXPECT_GT(memory.full->avg10, 30);
  auto io = parse_psi(evolve_pressure(fixture("proc/pressure/io"), "io", one(Cause::disk_io, 1.0), 50));
  EXPECT_GT(io.some->avg10, 60);
}

TEST(HostModel, MemoryPressureEatsAvailableMemory) {
  auto base = parse_meminfo(fixture("proc/meminfo"));
  auto pressed = parse_meminfo(evolve_meminfo(fixture("proc/meminfo"), one(Cause::memory_pressure, 0.5), 50));
  EXPECT_NEAR(static_cast<double>(pressed["MemAvailable"]), base["MemAvailable"] * 0.55, 1.0);
  EXPECT_EQ(pressed["MemTotal"], base["MemTotal"]);
  auto after = parse_meminfo(evolve_meminfo(fixture("proc/meminfo"), one(Cause::memory_pressure, 0.5), 200));
  EXPECT_EQ(after["MemAvailable"], base["MemAvailable"]) << "released after the window";
}

TEST(HostModel, OomKillsCountFromTheFaultsStart) {
  auto kills = [](double severity, double t) {
    return parse_vmstat(evolve_vmstat(fixture("proc/vmstat"), one(Cause::oom_kill, severity), t))["oom_kill"];
  };
  EXPECT_EQ(kills(1.0, 9), 2u) << "the base tree's two";
  EXPECT_EQ(kills(1.0, 10), 3u);
  EXPECT_EQ(kills(1.0, 45), 4u) << "one more every 30 s at severity 1";
  EXPECT_EQ(kills(0.25, 45), 3u) << "milder: every 120 s";
}

TEST(HostModel, SlowDiskRaisesLatencyAndQueue) {
  Causes none;
  Causes slow = one(Cause::disk_io, 1.0, "nvme0n1");
  DiskStats h0 = disk(none, 20, "nvme0n1"), h1 = disk(none, 30, "nvme0n1");
  DiskStats s0 = disk(slow, 20, "nvme0n1"), s1 = disk(slow, 30, "nvme0n1");
  double healthy_ms = double(h1.read_time_ms - h0.read_time_ms) / double(h1.reads_completed - h0.reads_completed);
  double slow_ms = double(s1.read_time_ms - s0.read_time_ms) / double(s1.reads_completed - s0.reads_completed);
  EXPECT_NEAR(healthy_ms, 0.3, 0.01);
  EXPECT_NEAR(slow_ms, 30.3, 0.1);
  EXPECT_EQ(s1.io_in_progress, 64u);
  EXPECT_EQ(disk(slow, 30, "sda").read_time_ms, disk(none, 30, "sda").read_time_ms) << "only the named disk";
}

TEST(HostModel, LossyNetworkRetransmitsAndDrops) {
  Causes lossy = one(Cause::network_retransmits, 0.5);
  EXPECT_EQ(retransmits({}, 60) - 54321, 120);
  EXPECT_EQ(retransmits(lossy, 60) - 54321, 120 + 2000 * 0.5 * 50);
  auto devices = parse_net_dev(evolve_net_dev(fixture("proc/net/dev"), lossy, 60));
  for (const auto& d : devices) {
    if (d.device == "eth0") {
      EXPECT_EQ(d.receive[3], 34u + 50 * 25);
    }
    if (d.device == "ib0") {
      EXPECT_EQ(d.receive[3], 7u) << "only the faulty NIC";
    }
  }
}

TEST(HostModel, InfinibandErrorsAndCongestion) {
  Causes bad = one(Cause::infiniband_errors, 1.0, "mlx5_0");
  EXPECT_EQ(evolve_infiniband_counter("0\n", "mlx5_0", "symbol_error", bad, 60), "1000\n");
  EXPECT_EQ(evolve_infiniband_counter("0\n", "mlx5_0", "symbol_error", {}, 60), "0\n");
  EXPECT_EQ(evolve_infiniband_counter("0\n", "irdma0", "symbol_error", bad, 60), "0\n") << "only the named port";
  EXPECT_EQ(evolve_infiniband_counter("0\n", "mlx5_0", "port_xmit_wait", bad, 60), std::to_string(6000000 + 250000000) + "\n");
  EXPECT_EQ(evolve_infiniband_counter("0\n", "mlx5_0", "link_downed", bad, 60), "1\n");
}

TEST(HostModel, PcieWidthAndProcessRestart) {
  Causes degraded;
  Fault f;
  f.kind = Cause::pcie_link_degraded;
  f.subject.gpu = 2;
  f.severity = 0.3;
  f.from_seconds = 10;
  degraded.faults.push_back(f);
  EXPECT_EQ(pcie_width_at(degraded, 2, 16, 5), 16u);
  EXPECT_EQ(pcie_width_at(degraded, 2, 16, 50), 8u);
  EXPECT_EQ(pcie_width_at(degraded, 1, 16, 50), 16u);
  auto base = parse_pid_stat(fixture("proc/1234/stat"));
  auto running = parse_pid_stat(evolve_process_stat(fixture("proc/1234/stat"), 0.9, 100));
  auto restarted = parse_pid_stat(evolve_process_stat(fixture("proc/1234/stat"), 0.9, 100, 80));
  EXPECT_EQ(running.utime_ticks - base.utime_ticks, 9000u);
  EXPECT_EQ(restarted.utime_ticks, 1800u) << "counted from the restart";
  EXPECT_EQ(restarted.start_time_ticks, base.start_time_ticks + 8000u);
}

TEST(HostTree, RendersAnEvolvingTreeTheAgentCanRead) {
  auto out = std::filesystem::temp_directory_path() / ("ainode-twin-tree-" + std::to_string(getpid()));
  Causes c = one(Cause::cpu_contention, 1.0, "", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  Fault evict;
  evict.kind = Cause::pod_eviction;
  evict.subject.pod = "3f2b8c1e-5d4a-4b6c-9e8f-0a1b2c3d4e5f";
  evict.from_seconds = 50;
  evict.to_seconds = 60;
  c.faults.push_back(evict);
  HostTree tree(ainode::testing::fixture_path("proc"), ainode::testing::fixture_path("sys"), out, c);
  tree.render(20);
  std::ifstream noisy(tree.proc() / "31337/cgroup");
  std::string cgroup;
  std::getline(noisy, cgroup);
  EXPECT_NE(cgroup.find("podaaaaaaaa_bbbb_4ccc_8ddd_eeeeeeeeeeee.slice"), std::string::npos) << cgroup;
  EXPECT_TRUE(std::filesystem::exists(tree.proc() / "1234/stat"));
  tree.render(55);
  EXPECT_FALSE(std::filesystem::exists(tree.proc() / "1234")) << "the evicted pod's process is gone";
  tree.render(70);
  EXPECT_TRUE(std::filesystem::exists(tree.proc() / "1234/stat")) << "and back once rescheduled";
  std::ifstream cpu_stat(out / "sys/fs/cgroup/kubepods.slice/kubepods-besteffort.slice/"
                               "kubepods-besteffort-podaaaaaaaa_bbbb_4ccc_8ddd_eeeeeeeeeeee.slice/cpu.stat");
  std::string key;
  unsigned long long usec = 0;
  cpu_stat >> key >> usec;
  EXPECT_EQ(key, "usage_usec");
  EXPECT_GT(usec, 0u);
  std::filesystem::remove_all(out);
}
