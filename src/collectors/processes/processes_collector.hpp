#pragma once
#include <map>

#include "collectors/processes/top_processes.hpp"
#include "core/collector.hpp"

namespace ainode {

// Process counts by state, thread total, and the top-N processes by CPU and
// by resident memory (Config::processes.top_n, default 10).
class ProcessesCollector : public Collector {
 public:
  explicit ProcessesCollector(std::size_t top_n) : top_n_(top_n) {}
  std::string_view name() const override { return "processes"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  std::size_t top_n_;
  std::map<ProcessKey, std::uint64_t> previous_cpu_ticks_;
};

}  // namespace ainode
