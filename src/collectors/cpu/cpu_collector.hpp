#pragma once
#include <chrono>
#include <optional>
#include <vector>

#include "collectors/cpu/cpuinfo_parser.hpp"
#include "collectors/cpu/proc_stat_parser.hpp"
#include "core/collector.hpp"

namespace ainode {

// /proc/stat (per-CPU mode seconds, node utilization from deltas, context
// switches, interrupts, forks, runnable/blocked), /proc/cpuinfo (identity)
// and cpufreq (current/min/max frequency per CPU).
class CpuCollector : public Collector {
 public:
  std::string_view name() const override { return "cpu"; }
  bool can_hang() const override { return false; }  // kernel tables only
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  void add_cpu_info(CollectContext& context, const ProcStat& stat, MetricSet& out);
  void add_frequencies(CollectContext& context, const ProcStat& stat, MetricSet& out);

  std::optional<CpuTicks> previous_;
  // /proc/cpuinfo is large on big machines and changes only with hotplug or
  // a late microcode load, so it is re-read when the set of online CPUs
  // changes and otherwise once every kCpuinfoRefresh (a microcode rollout
  // shows within a minute, not at the next restart).
  static constexpr std::chrono::seconds kCpuinfoRefresh{60};
  std::vector<CpuInfoEntry> cpuinfo_;
  std::vector<int> cpuinfo_for_;
  std::optional<std::chrono::steady_clock::time_point> cpuinfo_read_at_;
};

}  // namespace ainode
