#pragma once
// Small host-wide readings, one collector each so they can be switched off
// independently (--no-collector.loadavg, --no-collector.time).
#include "core/collector.hpp"

namespace ainode {

class LoadavgCollector : public Collector {
 public:
  std::string_view name() const override { return "loadavg"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
};

class TimeCollector : public Collector {
 public:
  std::string_view name() const override { return "time"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;
};

}  // namespace ainode
