#pragma once
// Small host-wide readings, one collector each so they can be switched off
// independently (--no-collector.loadavg, --no-collector.time,
// --no-collector.uname).
#include "core/collector.hpp"

namespace ainode {

class LoadavgCollector : public Collector {
 public:
  std::string_view name() const override { return "loadavg"; }
  bool can_hang() const override { return false; }  // kernel tables only
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
};

class TimeCollector : public Collector {
 public:
  std::string_view name() const override { return "time"; }
  bool can_hang() const override { return false; }  // kernel tables only
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
};

// The node's identity: host name and kernel, read from the procfs root
// (sys/kernel/hostname, osrelease, ostype), so a fixture tree or a host's
// /proc mounted into a container answers for the node observed, not for the
// agent's own UTS namespace as uname(2) would. Like node_exporter's
// node_uname_info; absent files mean absent labels.
class UnameCollector : public Collector {
 public:
  std::string_view name() const override { return "uname"; }
  bool can_hang() const override { return false; }  // kernel tables only
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
};

}  // namespace ainode
