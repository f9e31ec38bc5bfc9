#pragma once

#include "core/collector.hpp"

namespace ainode {

// /sys/class/hwmon: temperatures, power, energy, voltages, currents and
// fans of every chip, converted to base units, labelled by a stable chip id
// (device link, then driver name), the sensor and its label.
class HwmonCollector : public Collector {
 public:
  std::string_view name() const override { return "hwmon"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
};

}  // namespace ainode
