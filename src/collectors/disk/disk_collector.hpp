#pragma once
#include <regex>

#include "config/config.hpp"
#include "core/collector.hpp"

namespace ainode {

// /proc/diskstats per block device not matching disk.device_exclude
// (partitions, loop, ram by default), plus model/serial from sysfs.
class DiskCollector : public Collector {
 public:
  explicit DiskCollector(const DiskConfig& config) : device_exclude_(config.device_exclude) {}
  std::string_view name() const override { return "disk"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  std::regex device_exclude_;
};

}  // namespace ainode
