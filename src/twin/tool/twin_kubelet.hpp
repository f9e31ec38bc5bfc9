#pragma once
// The twin's kubelet: the real PodResourcesLister gRPC service (from
// proto/podresources/v1/api.proto) on a unix socket, answering the
// scenario's [[pods]] with the simulated GPUs' UUIDs, less the pods a
// pod_eviction fault has evicted at the current scenario time.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>

#include "podresources/v1/api.grpc.pb.h"
#include "twin/pods.hpp"

namespace ainode::twin {

class TwinKubelet final : public v1::PodResourcesLister::Service {
 public:
  TwinKubelet(const std::string& socket, std::vector<PodSpec> pods, Causes causes, unsigned gpu_count);
  ~TwinKubelet() override;
  bool serving() const { return server_ != nullptr; }
  void set_time(double t) { time_ = t; }

  grpc::Status List(grpc::ServerContext*, const v1::ListPodResourcesRequest*,
                    v1::ListPodResourcesResponse* response) override;
  grpc::Status GetAllocatableResources(grpc::ServerContext*, const v1::AllocatableResourcesRequest*,
                                       v1::AllocatableResourcesResponse* response) override;

 private:
  std::vector<PodSpec> pods_;
  Causes causes_;
  unsigned gpu_count_;
  std::atomic<double> time_{0};
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace ainode::twin
