#pragma once
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
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  void add_cpu_info(CollectContext& context, const ProcStat& stat, MetricSet& out);
  void add_frequencies(CollectContext& context, const ProcStat& stat, MetricSet& out);

  std::optional<CpuTicks> previous_;
  // /proc/cpuinfo is large on big machines and changes only with hotplug,
  // so it is re-read only when the set of online CPUs changes.
  std::vector<CpuInfoEntry> cpuinfo_;
  std::vector<int> cpuinfo_for_;
};

}  // namespace ainode
