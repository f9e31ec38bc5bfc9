#pragma once
// Which energy each model server draws on, and its share of it
// (docs/model-efficiency.md, "Apportioning"):
//
// - A server named by its pod draws on the GPUs allocated to that pod
//   (PodResources: the GPU's owner) and on those where the pod has a process
//   (time-slicing: NVML processes, attributed to pods by their cgroup).
// - A server given `gpus` draws on those GPUs (indices or UUIDs).
// - A GPU claimed by several servers is split by their pods' processes' SM
//   utilization on it when every claimant's is known, else equally.
// - A server with no GPU found draws on the node's power (energy source
//   "node": everything the node draws, CPUs and fans included), split
//   equally among such servers.
// - A GPU in MIG mode is split by MIG device instead (mig_shares.hpp): a
//   device's slice share goes to the pod holding it (PodResources) or to a
//   server whose `gpus` name the device's UUID or its GPU. Idle slices are
//   nobody's. A GPU whose slices are unknown charges nobody.
#include <map>
#include <span>
#include <string>
#include <vector>

#include "gpu/gpu_view.hpp"

namespace ainode {

inline constexpr std::string_view kNodeEnergySource = "node";

struct EnergyClaim {
  std::string endpoint;                // the endpoint label
  std::string namespace_name, pod;     // the serving pod, or empty
  std::vector<std::string> gpus;       // or these GPUs, or neither
};

struct EnergyShare {
  std::string source;  // a GPU's UUID, or "node"
  std::string gpu;     // the GPU's index ("" for the node)
  double share = 0;    // 0..1 of that source's energy
};

// endpoint label -> what it draws on; every claim gets an entry.
std::map<std::string, std::vector<EnergyShare>> energy_shares(std::span<const GpuView> gpus,
                                                              std::span<const EnergyClaim> claims);

}  // namespace ainode
