#include "collectors/gpu/gpu_allocation_metrics.hpp"

#include <set>
#include <tuple>

namespace ainode {

namespace {
const MetricDesc kAllocationInfo{
    "ainode_k8s_gpu_allocation_info", MetricType::gauge, "",
    "A container holding a GPU, MIG device or time-sliced replica (kubelet PodResources); value is always 1.",
    {"gpu", "uuid", "mig_uuid", "namespace", "pod", "container", "resource", "replica"}};
}  // namespace

const MetricDesc& gpu_allocation_info_descriptor() { return kAllocationInfo; }

void add_allocation_info(const GpuReading& gpu, const std::string& mig_uuid, const std::vector<DeviceHolder>& holders,
                         MetricSet& out) {
  for (const auto& h : holders) {
    out.add(kAllocationInfo,
            {std::to_string(gpu.index), gpu.uuid, mig_uuid, h.namespace_name, h.pod, h.container, h.resource,
             h.replica ? std::to_string(*h.replica) : std::string()},
            1);
  }
}

PodOwner sole_owner(const std::vector<DeviceHolder>& holders) {
  std::set<std::tuple<std::string, std::string, std::string>> containers;
  for (const auto& h : holders) containers.emplace(h.namespace_name, h.pod, h.container);
  if (containers.size() != 1) return {};
  const auto& [namespace_name, pod, container] = *containers.begin();
  return {namespace_name, pod, container};
}

}  // namespace ainode
