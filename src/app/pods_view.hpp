#pragma once
// /v1/pods: every container the node knows of, with its devices and
// processes, joined from three collectors' details in one snapshot:
//   kubelet   "pod_devices" - devices the kubelet allocated (PodResources)
//   gpu       "gpus"        - GPU index, UUID, MIG devices, GPU processes (with pods)
//   processes "top"         - the top-N processes (with pods)
// GPUs are matched by UUID, MIG UUID or PCI address; devices of other
// resources (RDMA, SR-IOV, ...) are listed by resource name.
#include <nlohmann/json.hpp>

#include "core/snapshot.hpp"

namespace ainode {

nlohmann::json pods_view(const Snapshot& snapshot);

}  // namespace ainode
