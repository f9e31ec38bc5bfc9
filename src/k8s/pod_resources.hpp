#pragma once
// What the kubelet's PodResources API says, as plain values: which container
// holds which devices, and which devices the node can allocate.
#include <map>
#include <string>
#include <vector>

namespace ainode {

struct DeviceAllocation {
  std::string resource;  // "nvidia.com/gpu", "nvidia.com/mig-1g.10gb", "amd.com/gpu", "rdma/hca", ...
  std::vector<std::string> device_ids;
};

struct ContainerAllocation {
  std::string namespace_name;
  std::string pod;
  std::string container;
  std::vector<DeviceAllocation> devices;
};

struct PodResourcesList {
  std::vector<ContainerAllocation> containers;
};

// Device ids the kubelet can hand out, by resource name.
struct AllocatableDevices {
  std::map<std::string, std::vector<std::string>> by_resource;
};

}  // namespace ainode
