#pragma once
// From PodResources answers to "who holds this GPU": pure, tested without
// gRPC. Device ids are normalised so they meet the GPU collector's readings:
//   nvidia.com/gpu   "GPU-<uuid>" or, with time-slicing, "GPU-<uuid>::<n>"
//   nvidia.com/mig-* "MIG-<uuid>"
//   amd.com/gpu      a PCI address, "0000:c1:00.0"
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "k8s/pod_resources.hpp"

namespace ainode {

struct DeviceHolder {
  std::string namespace_name;
  std::string pod;
  std::string container;
  std::string resource;
  std::optional<unsigned> replica;  // time-slicing replica ("::<n>")
};

struct GpuAllocations {
  // By device key (device_key()): everyone holding that GPU, MIG device or replica of it.
  std::map<std::string, std::vector<DeviceHolder>> holders;
  // Per resource name: device ids allocated to containers, and (when the
  // kubelet answers GetAllocatableResources) the ones it can allocate.
  std::map<std::string, double> allocated;
  std::map<std::string, double> allocatable;
  bool allocatable_known = false;

  // Holders of a device by its UUID (GPU-…, MIG-…) or PCI address.
  const std::vector<DeviceHolder>* find(std::string_view uuid_or_pci) const;
};

// "GPU-ABC::3" -> "gpu-abc" (replica 3); "MIG-…" -> lowercase;
// "0000:C1:00.0" / "00000000:c1:00.0" -> "0000:c1:00.0". Other ids: lowercase.
std::string device_key(std::string_view device_id, std::optional<unsigned>* replica = nullptr);

// True for a resource counted as a GPU: an exact name in `gpu_resources`, or
// a prefix given with a trailing '*' ("nvidia.com/mig-*").
bool is_gpu_resource(std::string_view resource, const std::vector<std::string>& gpu_resources);

GpuAllocations map_gpu_allocations(const PodResourcesList& list, const std::optional<AllocatableDevices>& allocatable,
                                   const std::vector<std::string>& gpu_resources);

}  // namespace ainode
