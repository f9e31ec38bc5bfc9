#include "k8s/pod_resources_client.hpp"

#include <optional>

#include "podresources/v1/api.pb.h"

namespace ainode {

namespace {

std::vector<DeviceAllocation> devices_of(const google::protobuf::RepeatedPtrField<v1::ContainerDevices>& devices) {
  std::vector<DeviceAllocation> out;
  for (const auto& d : devices) out.push_back({d.resource_name(), {d.device_ids().begin(), d.device_ids().end()}});
  return out;
}

// One call: the request serialized, the answer parsed into `response`, or
// the error named after the call.
template <typename Request, typename Response>
std::optional<PodResourcesError> call(const GrpcCallOptions& options, const char* name, const Request& request,
                                      Response& response) {
  std::string method = std::string("/v1.PodResourcesLister/") + name;
  GrpcCallResult result = grpc_unary_call(options, method, request.SerializeAsString());
  if (result.code != "OK") return PodResourcesError{name, result.code, result.error};
  if (!response.ParseFromString(result.message)) {
    return PodResourcesError{name, "INTERNAL", "the answer is not a " + response.GetTypeName()};
  }
  return std::nullopt;
}

}  // namespace

PodResourcesClient::PodResourcesClient(std::string socket_path, std::chrono::milliseconds timeout,
                                       int max_receive_bytes) {
  options_.socket_path = std::move(socket_path);
  options_.timeout = timeout;
  options_.max_receive_bytes = static_cast<std::size_t>(max_receive_bytes);
}

PodResourcesAnswer<PodResourcesList> PodResourcesClient::list() {
  v1::ListPodResourcesResponse response;
  if (auto error = call(options_, "List", v1::ListPodResourcesRequest{}, response)) return *error;
  PodResourcesList out;
  for (const auto& pod : response.pod_resources()) {
    for (const auto& container : pod.containers()) {
      out.containers.push_back({pod.namespace_(), pod.name(), container.name(), devices_of(container.devices())});
    }
  }
  return out;
}

PodResourcesAnswer<AllocatableDevices> PodResourcesClient::allocatable() {
  v1::AllocatableResourcesResponse response;
  if (auto error = call(options_, "GetAllocatableResources", v1::AllocatableResourcesRequest{}, response)) {
    return *error;
  }
  AllocatableDevices out;
  for (const auto& device : devices_of(response.devices())) {
    auto& ids = out.by_resource[device.resource];
    ids.insert(ids.end(), device.device_ids.begin(), device.device_ids.end());
  }
  return out;
}

}  // namespace ainode
