#pragma once
#include "config/config.hpp"
#include "core/collector.hpp"
#include "core/exclude_pattern.hpp"

namespace ainode {

// Per interface not matching network.device_exclude, sorted by name:
// /proc/net/dev counters, and from /sys/class/net link state, speed, MTU,
// carrier changes and identity; plus the default-route interface from
// /proc/net/route. TCP/UDP counters are the separate netstat collector, so
// a kernel that hides or mangles /proc/net/snmp costs only those.
class NetworkCollector : public Collector {
 public:
  explicit NetworkCollector(const NetworkConfig& config)
      : device_exclude_("network.device_exclude", config.device_exclude) {}
  std::string_view name() const override { return "network"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  ExcludePattern device_exclude_;
};

}  // namespace ainode
