#pragma once
#include "core/collector.hpp"

namespace ainode {

// InfiniBand and RoCE ports from /sys/class/infiniband: state, rate, link
// layer, traffic (the data counters count 4-byte words: converted to bytes),
// every standard error counter and the driver's hw_counters. Devices whose
// files are missing or read "N/A" (irdma, bnxt_re) lose only those series.
class InfinibandCollector : public Collector {
 public:
  std::string_view name() const override { return "infiniband"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
};

}  // namespace ainode
