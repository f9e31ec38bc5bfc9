#pragma once
#include "core/collector.hpp"

namespace ainode {

// /proc/meminfo and /proc/vmstat: memory and swap use, paging and swapping.
class MemoryCollector : public Collector {
 public:
  std::string_view name() const override { return "memory"; }
  bool can_hang() const override { return false; }  // kernel tables only
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
};

}  // namespace ainode
