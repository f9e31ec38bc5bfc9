#pragma once
#include "core/collector.hpp"

namespace ainode {

// PCIe links of GPUs, NICs and accelerators (/sys/bus/pci/devices): current
// and maximum speed and width, so a link trained down (x16 -> x8,
// Gen5 -> Gen3) is visible, and each device's NUMA node.
class PcieCollector : public Collector {
 public:
  std::string_view name() const override { return "pcie"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
};

}  // namespace ainode
