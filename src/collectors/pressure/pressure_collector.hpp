#pragma once
#include "core/collector.hpp"

namespace ainode {

// Pressure stall information (/proc/pressure/{cpu,memory,io}). On a kernel
// without PSI the metrics are absent, not zero, and the collector succeeds
// (the reason is in /v1/status details).
class PressureCollector : public Collector {
 public:
  std::string_view name() const override { return "pressure"; }
  bool can_hang() const override { return false; }  // kernel tables only
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
};

}  // namespace ainode
