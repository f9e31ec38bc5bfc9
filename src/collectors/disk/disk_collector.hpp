#pragma once
#include "config/config.hpp"
#include "core/collector.hpp"
#include "core/exclude_pattern.hpp"

namespace ainode {

// /proc/diskstats per block device not matching disk.device_exclude
// (partitions, loop, ram by default), sorted by name, plus model/serial from
// /sys/block/<dev>/device where the driver provides them.
class DiskCollector : public Collector {
 public:
  explicit DiskCollector(const DiskConfig& config) : device_exclude_("disk.device_exclude", config.device_exclude) {}
  std::string_view name() const override { return "disk"; }
  bool can_hang() const override { return false; }  // kernel tables only
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  ExcludePattern device_exclude_;
};

}  // namespace ainode
