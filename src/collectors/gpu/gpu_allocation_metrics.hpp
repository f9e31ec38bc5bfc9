#pragma once
// GPUs and their Kubernetes holders (from the kubelet's PodResources
// allocations): the allocation info series, and the one container whose
// labels a GPU's own series carry.
#include <string>
#include <vector>

#include "core/metric.hpp"
#include "gpu/gpu_reading.hpp"
#include "k8s/device_allocation.hpp"

namespace ainode {

const MetricDesc& gpu_allocation_info_descriptor();

// One ainode_k8s_gpu_allocation_info series per holder of the GPU, or of
// its MIG device `mig_uuid` ("" for the whole GPU).
void add_allocation_info(const GpuReading& gpu, const std::string& mig_uuid, const std::vector<DeviceHolder>& holders,
                         MetricSet& out);

// The container holding the device, when exactly one does. A GPU shared by
// time-slicing has several: its series then carry no pod labels (per-process
// series and the info series name each of them), rather than repeating
// every GPU series once per pod as dcgm-exporter does, which double-counts
// in sum().
PodOwner sole_owner(const std::vector<DeviceHolder>& holders);

}  // namespace ainode
