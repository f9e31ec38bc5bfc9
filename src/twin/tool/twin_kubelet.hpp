#pragma once
// The twin's kubelet: the real PodResourcesLister gRPC service (from
// proto/podresources/v1/api.proto) on a unix socket, and the kubelet's
// GET /pods and /stats/summary over plain HTTP (the agent's kubelet client
// takes http:// URLs; a real kubelet serves HTTPS on 10250). Both answer
// the scenario's [[pods]] as they are at the current scenario time: the
// pods' restarts, OOM kills, evictions and replacements (twin/pods.hpp).
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>

#include "podresources/v1/api.grpc.pb.h"
#include "twin/pods.hpp"
#include "twin_http_server.hpp"

namespace ainode::twin {

class TwinKubelet final : public v1::PodResourcesLister::Service {
 public:
  // An empty socket or HTTP address leaves that half out. `model_server`
  // ("host:port" or ""): where the pods with model_server = true serve.
  TwinKubelet(const std::string& socket, const std::string& http_address, std::vector<PodSpec> pods, Causes causes,
              unsigned gpu_count, std::string model_server = "");
  ~TwinKubelet() override;
  bool serving() const { return server_ != nullptr; }
  // Whether the HTTP half listens (or was not asked for), and why not.
  bool http_bound() const { return !http_ || http_->bound(); }
  std::string http_error() const { return http_ ? http_->error() : ""; }
  void set_time(double t) { time_ = t; }

  grpc::Status List(grpc::ServerContext*, const v1::ListPodResourcesRequest*,
                    v1::ListPodResourcesResponse* response) override;
  grpc::Status GetAllocatableResources(grpc::ServerContext*, const v1::AllocatableResourcesRequest*,
                                       v1::AllocatableResourcesResponse* response) override;

 private:
  std::optional<TwinHttpResponse> http_get(const std::string& path) const;

  std::vector<PodSpec> pods_;
  Causes causes_;
  unsigned gpu_count_;
  std::string model_server_;
  std::atomic<double> time_{0};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<TwinHttpServer> http_;  // last: its thread reads the rest
};

}  // namespace ainode::twin
