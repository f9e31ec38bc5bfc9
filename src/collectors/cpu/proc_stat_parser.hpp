#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ainode {

// One "cpu" / "cpuN" line of /proc/stat, in USER_HZ ticks. The kernel
// already counts guest time inside user (and guest_nice inside nice).
struct CpuTicks {
  int cpu = -1;  // -1 for the aggregate "cpu" line
  std::uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  std::uint64_t guest = 0, guest_nice = 0;

  std::uint64_t total() const { return user + nice + system + idle + iowait + irq + softirq + steal; }
  std::uint64_t idle_total() const { return idle + iowait; }
};

struct ProcStat {
  std::optional<CpuTicks> aggregate;
  std::vector<CpuTicks> cpus;  // in file order (online CPUs only)
  std::optional<std::uint64_t> context_switches;  // ctxt
  std::optional<std::uint64_t> interrupts;        // first field of intr
  std::optional<std::uint64_t> boot_time;         // btime, Unix seconds
  std::optional<std::uint64_t> forks;             // processes
  std::optional<std::uint64_t> procs_running;
  std::optional<std::uint64_t> procs_blocked;
};

// Throws ParseError on a malformed cpu line or a file without any.
// Older kernels have fewer columns (no steal/guest): missing ones read 0.
ProcStat parse_proc_stat(std::string_view text);

// Node-wide busy ratio between two readings of the aggregate line, or
// nullopt when there is no elapsed time or a counter went backwards.
std::optional<double> cpu_utilization(const CpuTicks& previous, const CpuTicks& current);

}  // namespace ainode
