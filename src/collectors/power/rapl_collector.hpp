#pragma once
#include <map>
#include <string>

#include "collectors/power/energy_counter.hpp"
#include "core/collector.hpp"

namespace ainode {

// RAPL energy per CPU package and sub-zone (core, uncore, dram) from
// /sys/class/powercap/intel-rapl:* (Intel, and AMD since Zen through the
// same interface), as a monotonic counter with the register's wraparound
// handled, plus average power since the previous cycle.
class RaplCollector : public Collector {
 public:
  std::string_view name() const override { return "rapl"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  std::map<std::string, EnergyCounter> counters_;  // by zone directory
  bool said_unreadable_ = false;
};

}  // namespace ainode
