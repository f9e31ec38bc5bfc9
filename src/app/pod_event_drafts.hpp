#pragma once
// Pod events as the bus carries them (docs/events.md): the tracker's
// PodEvent plus the GPUs the pod holds, which the kubelet's PodResources
// allocations (ainode_k8s_gpu_allocation_info in each snapshot) say.
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/metric.hpp"
#include "events/event.hpp"
#include "k8s/pod_event_tracker.hpp"

namespace ainode {

struct HeldGpu {
  unsigned index = 0;
  std::string uuid;
  bool operator==(const HeldGpu&) const = default;
};

// (namespace, pod) -> the GPUs its containers hold, whole or through a MIG
// device or a time-sliced replica (each GPU once), from a snapshot's families.
using GpusByPod = std::map<std::pair<std::string, std::string>, std::vector<HeldGpu>>;
GpusByPod gpus_by_pod(std::span<const Family> families);

// The bus event for one pod event; `gpus` may be empty (none, or unknown).
EventDraft pod_event_draft(const PodEvent& event, const std::vector<HeldGpu>& gpus);

}  // namespace ainode
