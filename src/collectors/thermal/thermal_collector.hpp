#pragma once
#include "core/collector.hpp"

namespace ainode {

// /sys/class/thermal/thermal_zone*: temperature and trip points per zone.
// A zone whose temp read fails (common for some ACPI zones) is skipped with
// a warning; the others are still reported.
class ThermalCollector : public Collector {
 public:
  std::string_view name() const override { return "thermal"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
};

}  // namespace ainode
