#pragma once
// The scenario's Kubernetes pods ([[pods]]), for the twin's kubelet:
//   [[pods]] namespace = "ml" name = "trainer-0" uid = "3f2b…" container = "pytorch" gpus = [0, 1, 2, 3]
//            owner = "StatefulSet/trainer"   (default: a StatefulSet named after the pod less "-<n>"; "" = none)
//            model_server = true             (the pod serving the twin's model server: annotated
//                                             ainode.io/metrics-port, its host as podIP)
// and what they look like at scenario time t as the pod_restart, oom_kill
// and pod_eviction faults on them play out (docs/twin.md).
#include <string>
#include <vector>

#include "twin/causes.hpp"

namespace ainode::twin {

struct PodSpec {
  std::string namespace_name, name, uid, container = "main";
  std::vector<unsigned> gpus;
  std::string owner_kind, owner_name;  // both "" for a pod without an owner
  bool model_server = false;           // serves the twin's model server (discovery by annotation)
};

// Throws std::runtime_error naming the file and line on bad input.
std::vector<PodSpec> load_pods(const std::string& path);
// The number of GPUs the scenario's [[gpus]] entries declare (their counts summed).
unsigned load_gpu_count(const std::string& path);

// One ended instance of a pod's container.
struct ContainerEnd {
  double at = 0;
  std::string reason;  // "Error", "Completed", "OOMKilled"
  long long exit_code = 0;
};

// A pod as scheduled at time t: the scenario's pod (generation 0) or, after
// each eviction's window, its replacement of the same owner (generation n:
// a new uid; a StatefulSet's keeps the name, others get a new suffix).
struct PodInstance {
  const PodSpec* spec = nullptr;
  std::string name, uid;
  unsigned generation = 0;
  double created_at = 0;
  bool evicted = false;  // a pod_eviction fault is active: phase Failed, reason Evicted
  double evicted_at = 0;
  std::vector<ContainerEnd> ends;  // the container's restarts so far, oldest first
};

std::vector<PodInstance> pods_at(const std::vector<PodSpec>& pods, const Causes& causes, double t);

}  // namespace ainode::twin
