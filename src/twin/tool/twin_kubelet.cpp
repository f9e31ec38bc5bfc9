#include "twin_kubelet.hpp"

#include <chrono>
#include <filesystem>

#include "twin/gpu_identity.hpp"
#include "twin/kubelet_pod_list.hpp"

namespace ainode::twin {

namespace {
constexpr const char* kGpuResource = "nvidia.com/gpu";
}

TwinKubelet::TwinKubelet(const std::string& socket, const std::string& http_address, std::vector<PodSpec> pods,
                         Causes causes, unsigned gpu_count, std::string model_server)
    : pods_(std::move(pods)), causes_(std::move(causes)), gpu_count_(gpu_count), model_server_(std::move(model_server)) {
  if (!socket.empty()) {
    std::filesystem::remove(socket);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + socket, grpc::InsecureServerCredentials());
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  if (!http_address.empty()) {
    http_ = std::make_unique<TwinHttpServer>(http_address, [this](const std::string& path) { return http_get(path); });
  }
}

TwinKubelet::~TwinKubelet() {
  http_.reset();
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
}

std::optional<TwinHttpResponse> TwinKubelet::http_get(const std::string& path) const {
  if (path == "/pods") {
    return TwinHttpResponse{"200 OK", "application/json", kubelet_pods_json(pods_at(pods_, causes_, time_), model_server_)};
  }
  if (path == "/stats/summary") {
    return TwinHttpResponse{"200 OK", "application/json", kubelet_summary_json(pods_at(pods_, causes_, time_))};
  }
  return std::nullopt;
}

grpc::Status TwinKubelet::List(grpc::ServerContext*, const v1::ListPodResourcesRequest*,
                               v1::ListPodResourcesResponse* response) {
  for (const PodInstance& pod : pods_at(pods_, causes_, time_)) {
    if (pod.evicted) continue;  // its devices are released
    auto* p = response->add_pod_resources();
    p->set_namespace_(pod.spec->namespace_name);
    p->set_name(pod.name);
    auto* c = p->add_containers();
    c->set_name(pod.spec->container);
    if (pod.spec->gpus.empty()) continue;
    auto* d = c->add_devices();
    d->set_resource_name(kGpuResource);
    for (unsigned gpu : pod.spec->gpus) d->add_device_ids(gpu_uuid(gpu));
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
