#pragma once
#include <map>
#include <optional>

#include "collectors/cpu/proc_stat_parser.hpp"
#include "core/collector.hpp"

namespace ainode {

// Per NUMA node (/sys/devices/system/node/node*): memory, numastat
// hit/miss/foreign counters, distances, CPU utilization of the node's CPUs
// (from /proc/stat deltas) and interrupts summed over its CPUs.
class NumaCollector : public Collector {
 public:
  std::string_view name() const override { return "numa"; }
  bool can_hang() const override { return false; }  // kernel tables only
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  std::map<std::string, CpuTicks> previous_ticks_;  // by node
};

}  // namespace ainode
