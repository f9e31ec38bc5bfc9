#pragma once
// The scenario's Kubernetes pods ([[pods]]), for the twin's kubelet:
//   [[pods]] namespace = "ml" name = "trainer-0" uid = "3f2b…" container = "pytorch" gpus = [0, 1, 2, 3]
#include <string>
#include <vector>

#include "twin/causes.hpp"

namespace ainode::twin {

struct PodSpec {
  std::string namespace_name, name, uid, container = "main";
  std::vector<unsigned> gpus;
};

// Throws std::runtime_error naming the file and line on bad input.
std::vector<PodSpec> load_pods(const std::string& path);
// The number of GPUs the scenario's [[gpus]] entries declare (their counts summed).
unsigned load_gpu_count(const std::string& path);
// A pod is scheduled on the node unless a pod_eviction fault on it is active.
bool pod_present(const Causes& causes, const PodSpec& pod, double t);

}  // namespace ainode::twin
