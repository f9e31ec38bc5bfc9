#pragma once
#include <map>
#include <string>

#include "core/collector.hpp"

namespace ainode {

// /sys/class/thermal/thermal_zone*: temperature and trip points per zone.
// A zone whose temp read fails (common for some ACPI zones, which answer
// EINVAL or ENODATA for ever) is skipped and the others are still reported.
// The failure is warned once when it starts, not every cycle, so a
// permanently broken zone does not inflate the error counter; the current
// list of skipped files and why stays in /v1/status.
class ThermalCollector : public Collector {
 public:
  std::string_view name() const override { return "thermal"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  std::map<std::string, std::string> failing_;  // file path -> reason, as of the last cycle
};

}  // namespace ainode
