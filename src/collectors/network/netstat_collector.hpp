#pragma once
#include "core/collector.hpp"

namespace ainode {

// TCP and UDP counters from /proc/net/snmp (required) and /proc/net/netstat
// (TcpExt; optional, its series are absent without it).
class NetstatCollector : public Collector {
 public:
  std::string_view name() const override { return "netstat"; }
  bool can_hang() const override { return false; }  // kernel tables only
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
};

}  // namespace ainode
