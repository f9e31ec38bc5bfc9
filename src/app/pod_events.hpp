#pragma once
// Kubernetes pod events, node-local (issue 11): the kubelet's /pods polled
// on its own thread (kubelet.url, kubelet.pods_interval), diffed, and
// published on the event bus with the GPUs each pod holds. Wired into the
// agent with four calls: observe() per snapshot (GPU allocations),
// make_collector() for its metrics and /v1/status section, start(), and
// the constructor. Off (no thread, no collector) without kubelet.url, or
// with both kubelet.pod_events and app.discover false; with only
// app.discover, /pods is polled for model-server discovery (watcher()) and
// no event is derived.
#include <memory>
#include <mutex>
#include <vector>

#include "app/pod_event_drafts.hpp"
#include "config/config.hpp"
#include "core/collector.hpp"
#include "core/snapshot.hpp"
#include "events/event_bus.hpp"
#include "k8s/kubelet_pods_watcher.hpp"

namespace ainode {

class PodEvents {
 public:
  PodEvents(const Config& config, EventBus& bus);
  bool enabled() const { return watcher_ != nullptr; }
  // The /pods poller, for the app collector's discovery; null when off.
  std::shared_ptr<KubeletPodsWatcher> watcher() const { return watcher_; }
  // From the scheduler callback: remembers which GPUs each pod holds, so an
  // evicted or deleted pod's event still names them after PodResources has
  // forgotten the pod.
  void observe(const Snapshot& snapshot);
  void start();
  // Null when off.
  std::unique_ptr<Collector> make_collector();

 private:
  void publish(std::vector<PodEvent> events);

  EventBus& bus_;
  std::mutex mutex_;
  GpusByPod gpus_;  // the last allocations seen of every pod not yet deleted
  std::shared_ptr<KubeletPodsWatcher> watcher_;  // last: its thread stops before the rest goes
};

std::vector<const MetricDesc*> pod_event_metric_descriptors();

}  // namespace ainode
