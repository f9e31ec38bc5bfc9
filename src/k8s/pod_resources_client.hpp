#pragma once
// A client of the kubelet's PodResources v1 API (gRPC) on its unix socket:
// the protobuf messages over k8s/grpc_unary_call.hpp. Every call has a
// deadline and a raised receive limit (a node with many pods and CPU/memory
// assignments answers List with megabytes).
#include <chrono>
#include <string>
#include <variant>

#include "k8s/grpc_unary_call.hpp"
#include "k8s/pod_resources.hpp"

namespace ainode {

struct PodResourcesError {
  std::string call;     // "List", "GetAllocatableResources"
  std::string code;     // gRPC status name: "UNAVAILABLE", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", ...
  std::string message;
};

template <typename T>
using PodResourcesAnswer = std::variant<T, PodResourcesError>;

class PodResourcesClient {
 public:
  PodResourcesClient(std::string socket_path, std::chrono::milliseconds timeout, int max_receive_bytes);

  PodResourcesAnswer<PodResourcesList> list();
  // UNIMPLEMENTED on kubelets older than 1.21 (allocatable then unknown).
  PodResourcesAnswer<AllocatableDevices> allocatable();

 private:
  GrpcCallOptions options_;
};

}  // namespace ainode
