#pragma once
#include <regex>

#include "config/config.hpp"
#include "core/collector.hpp"

namespace ainode {

// Per interface (not matching network.device_exclude): /proc/net/dev
// counters, and from /sys/class/net link state, speed, MTU, carrier changes
// and identity; plus the default-route interface from /proc/net/route.
class NetworkCollector : public Collector {
 public:
  explicit NetworkCollector(const NetworkConfig& config) : device_exclude_(config.device_exclude) {}
  std::string_view name() const override { return "network"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  std::regex device_exclude_;
};

// TCP and UDP counters from /proc/net/snmp and /proc/net/netstat.
class NetstatCollector : public Collector {
 public:
  std::string_view name() const override { return "netstat"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
};

}  // namespace ainode
