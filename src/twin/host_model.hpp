#pragma once
// The host half of the twin: what the scenario's host faults do to the
// node's counters by scenario time t, and the pure rewrites of procfs/sysfs
// text that show it. Counters are closed-form functions of t (base rate
// times t plus severity times the seconds a fault has been active), so a
// tree rendered for t is the same on every run.
#include <string>
#include <string_view>

#include "twin/causes.hpp"

namespace ainode::twin {

// Seconds of [from, to) of the faults of `kind` elapsed by t, times their
// severity; `matches` filters on the subject (empty device or pod matches
// any fault of the kind whose own subject is empty or the default device).
double exposure(const Causes& causes, Cause kind, double t, std::string_view device = {});
// The highest severity among active faults of `kind` (0 when none).
double active_severity(const Causes& causes, Cause kind, double t, std::string_view device = {});

// Default subjects of host faults that name none.
inline constexpr std::string_view kDefaultDisk = "nvme0n1";
inline constexpr std::string_view kDefaultNic = "eth0";
inline constexpr std::string_view kDefaultInfiniband = "mlx5_0";

// Pure rewrites: each takes the base tree's file and returns it advanced to t.
std::string evolve_proc_stat(std::string_view base, const Causes& causes, double t);
std::string evolve_pressure(std::string_view base, std::string_view resource, const Causes& causes, double t);
std::string evolve_meminfo(std::string_view base, const Causes& causes, double t);
std::string evolve_vmstat(std::string_view base, const Causes& causes, double t);
std::string evolve_diskstats(std::string_view base, const Causes& causes, double t);
std::string evolve_snmp(std::string_view base, const Causes& causes, double t);
std::string evolve_net_dev(std::string_view base, const Causes& causes, double t);
std::string evolve_uptime(std::string_view base, double t);
// One InfiniBand port counter file (`counter` is its name, e.g. "symbol_error").
std::string evolve_infiniband_counter(std::string_view base, std::string_view device, std::string_view counter,
                                      const Causes& causes, double t);
// A process's /proc/<pid>/stat: `busy_cpus` CPUs' worth of user time since 0.
std::string evolve_process_stat(std::string_view base, double busy_cpus, double t, double restarted_at = -1);
// The PCIe width of GPU `gpu` given its maximum.
unsigned pcie_width_at(const Causes& causes, unsigned gpu, unsigned max_width, double t);
// The noisy-neighbour process of a cpu_contention fault: CPUs it keeps busy at t.
double noisy_neighbour_cpus(const Causes& causes, unsigned cpus, double t);

}  // namespace ainode::twin
