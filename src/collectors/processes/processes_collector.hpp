#pragma once
#include <map>
#include <memory>

#include "collectors/processes/top_processes.hpp"
#include "core/collector.hpp"
#include "k8s/pod_attributor.hpp"

namespace ainode {

// Process counts by state, thread total, and the top-N processes by CPU and
// by resident memory (Config::processes.top_n, default 10), labelled with
// their Kubernetes namespace, pod and container when `attribute_pods`.
class ProcessesCollector : public Collector {
 public:
  explicit ProcessesCollector(std::size_t top_n, bool attribute_pods = true)
      : top_n_(top_n), attributor_(attribute_pods ? std::make_unique<PodAttributor>() : nullptr) {}
  std::string_view name() const override { return "processes"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  std::size_t top_n_;
  std::map<ProcessKey, std::uint64_t> previous_cpu_ticks_;
  std::unique_ptr<PodAttributor> attributor_;
};

}  // namespace ainode
