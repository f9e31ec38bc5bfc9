#pragma once
// The kubelet's view of device allocation (PodResources v1): GPUs allocated
// and allocatable per resource, the health of the API, and the containers
// with their devices for /v1/pods. The answers come from a
// PodResourcesWatcher on its own thread; collecting never waits on the
// kubelet. Absent or unreachable kubelet: said once, counted, nothing else
// affected.
#include <memory>
#include <string>
#include <vector>

#include "core/collector.hpp"
#include "k8s/pod_resources_watcher.hpp"

namespace ainode {

class KubeletCollector : public Collector {
 public:
  KubeletCollector(std::shared_ptr<PodResourcesWatcher> watcher, std::vector<std::string> gpu_resources);
  std::string_view name() const override { return "kubelet"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  std::shared_ptr<PodResourcesWatcher> watcher_;
  std::vector<std::string> gpu_resources_;
  std::string said_;  // the last problem warned about, said once
};

}  // namespace ainode
