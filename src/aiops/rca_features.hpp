#pragma once
// The compact per-cycle features root-cause analysis reasons over, read from
// a snapshot's published families (GPUs through gpu/gpu_view.hpp, host
// signals by metric name). Counters become rates here, against the previous
// cycle's values, so the rules downstream are pure functions of features.
// A feature the snapshot does not carry stays absent, never zero.
#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/metric.hpp"

namespace ainode::aiops {

struct GpuFeatures {
  unsigned index = 0;
  std::string uuid, namespace_name, pod;
  bool up = true;
  std::optional<double> temperature_celsius;
  std::optional<double> slowdown_celsius, shutdown_celsius;  // the board's thresholds
  std::optional<double> utilization_ratio;
  // Delivered throughput: utilization x SM clock share of its maximum.
  std::optional<double> delivered_ratio;
  std::optional<double> power_watts;
  // Power through a first-order lag of the die's thermal time constant: the
  // power the temperature is answering to now.
  std::optional<double> lagged_power_watts;
  std::optional<double> enforced_limit_watts, default_limit_watts;
  std::optional<std::uint64_t> clock_event_reasons;
  std::optional<unsigned> pcie_width, pcie_width_max;
  std::optional<double> pcie_replays_per_second;
  std::optional<double> nvlink_errors_per_second;  // every counter of every link
  unsigned nvlinks_down = 0, nvlinks_known = 0;
  std::optional<double> ecc_corrected_per_minute;
  double ecc_uncorrected_new = 0;  // since the previous cycle
  double retired_pages_new = 0;
  bool remap_pending = false, remap_failure = false;
  std::vector<unsigned> new_xids;  // codes whose count rose since the previous cycle
};

struct ProcessFeatures {
  std::string pid, name, namespace_name, pod;
  double cpus = 0;  // CPUs' worth of time since the previous cycle
};

struct PodFeatures {
  std::string namespace_name, pod;
  unsigned processes = 0;
  bool restarted = false;  // a process's CPU time went backwards (it started over)
};

struct HostFeatures {
  std::optional<double> psi_cpu, psi_memory, psi_io;  // "some" share over 10 s, 0..1
  std::optional<double> cpu_user_ratio, cpu_system_ratio, cpu_iowait_ratio, cpu_steal_ratio;
  std::optional<double> memory_available_ratio;
  std::optional<double> major_faults_per_second;
  double oom_kills_new = 0;
  std::optional<double> tcp_retransmit_ratio;  // retransmitted / sent segments
  std::map<std::string, double> nic_drops_per_second;         // device -> receive drops
  std::map<std::string, double> disk_seconds_per_io;          // device -> mean I/O latency
  std::map<std::string, double> infiniband_errors_per_second; // device -> error counters summed
  std::map<std::string, double> infiniband_link_downed_new;   // device -> link_downed increase
  std::vector<ProcessFeatures> busiest;  // processes by CPU since the previous cycle, busiest first
};

struct CycleFeatures {
  std::chrono::system_clock::time_point time;
  bool has_previous = false;  // rates need two cycles
  std::vector<GpuFeatures> gpus;
  HostFeatures host;
  std::map<std::string, PodFeatures> pods;  // "namespace/pod" -> what its processes did
};

// Keeps the previous cycle's counters (a few hundred numbers, not a
// snapshot) to turn counters into rates.
class FeatureExtractor {
 public:
  // A GPU's die follows power with a time constant of tens of seconds
  // (docs/rca.md); 30 s is the order of a data-centre board's.
  static constexpr double kThermalTimeConstantSeconds = 30;
  CycleFeatures extract(std::span<const Family> families, std::chrono::system_clock::time_point time);

 private:
  // Rate per second of a counter since the previous cycle; absent on the
  // first sight or after a reset (a counter that went backwards).
  std::optional<double> rate(const std::string& key, std::optional<double> value, double seconds);
  // Increase since the previous cycle (0 on first sight or reset).
  double increase(const std::string& key, std::optional<double> value);

  std::optional<std::chrono::system_clock::time_point> previous_time_;
  std::map<std::string, double> previous_, current_;
};

}  // namespace ainode::aiops
