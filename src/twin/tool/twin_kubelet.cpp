#include "twin_kubelet.hpp"

#include <chrono>
#include <filesystem>

#include "twin/gpu_identity.hpp"

namespace ainode::twin {

namespace {
constexpr const char* kGpuResource = "nvidia.com/gpu";
}

TwinKubelet::TwinKubelet(const std::string& socket, std::vector<PodSpec> pods, Causes causes, unsigned gpu_count)
    : pods_(std::move(pods)), causes_(std::move(causes)), gpu_count_(gpu_count) {
  std::filesystem::remove(socket);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + socket, grpc::InsecureServerCredentials());
  builder.RegisterService(this);
  server_ = builder.BuildAndStart();
}

TwinKubelet::~TwinKubelet() {
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
}

grpc::Status TwinKubelet::List(grpc::ServerContext*, const v1::ListPodResourcesRequest*,
                               v1::ListPodResourcesResponse* response) {
  double t = time_;
  for (const PodSpec& pod : pods_) {
    if (!pod_present(causes_, pod, t)) continue;
    auto* p = response->add_pod_resources();
    p->set_namespace_(pod.namespace_name);
    p->set_name(pod.name);
    auto* c = p->add_containers();
    c->set_name(pod.container);
    if (pod.gpus.empty()) continue;
    auto* d = c->add_devices();
    d->set_resource_name(kGpuResource);
    for (unsigned gpu : pod.gpus) d->add_device_ids(gpu_uuid(gpu));
  }
  return grpc::Status::OK;
}

grpc::Status TwinKubelet::GetAllocatableResources(grpc::ServerContext*, const v1::AllocatableResourcesRequest*,
                                                  v1::AllocatableResourcesResponse* response) {
  auto* d = response->add_devices();
  d->set_resource_name(kGpuResource);
  for (unsigned gpu = 0; gpu < gpu_count_; ++gpu) d->add_device_ids(gpu_uuid(gpu));
  return grpc::Status::OK;
}

}  // namespace ainode::twin
