#pragma once
// The kubelet's view of device allocation (PodResources v1): GPUs allocated
// and allocatable per resource, the health of the API, and the containers
// with their devices for /v1/pods; and, when kubelet.url is set, ephemeral
// storage per pod and of the node from /stats/summary (HTTPS). The answers come from a
// PodResourcesWatcher on its own thread; collecting never waits on the
// kubelet. Absent or unreachable kubelet: said once, counted, nothing else
// affected.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/collector.hpp"
#include "k8s/kubelet_summary_watcher.hpp"
#include "k8s/pod_resources_watcher.hpp"

namespace ainode {

class KubeletCollector : public Collector {
 public:
  KubeletCollector(std::shared_ptr<PodResourcesWatcher> watcher, std::vector<std::string> gpu_resources,
                   std::unique_ptr<KubeletSummaryWatcher> summary = nullptr);
  std::string_view name() const override { return "kubelet"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  std::shared_ptr<PodResourcesWatcher> watcher_;
  std::vector<std::string> gpu_resources_;
  void collect_summary(CollectContext& context, MetricSet& out, nlohmann::json& details);

  std::unique_ptr<KubeletSummaryWatcher> summary_;
  std::string said_;          // the last problem warned about, said once
  std::string said_summary_;  // likewise for /stats/summary
};

}  // namespace ainode
