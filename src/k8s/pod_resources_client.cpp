#include "k8s/pod_resources_client.hpp"

#include <grpcpp/grpcpp.h>

#include "podresources/v1/api.grpc.pb.h"

namespace ainode {

namespace {

const char* status_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
  }
}

std::vector<DeviceAllocation> devices_of(const google::protobuf::RepeatedPtrField<v1::ContainerDevices>& devices) {
  std::vector<DeviceAllocation> out;
  for (const auto& d : devices) out.push_back({d.resource_name(), {d.device_ids().begin(), d.device_ids().end()}});
  return out;
}

}  // namespace

struct PodResourcesClient::Stub {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::PodResourcesLister::Stub> lister;
};

PodResourcesClient::PodResourcesClient(std::string socket_path, std::chrono::milliseconds timeout,
                                       int max_receive_bytes)
    : timeout_(timeout), stub_(std::make_unique<Stub>()) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(max_receive_bytes);
  // The kubelet restarts now and then: reconnect quickly rather than after
  // gRPC's default backoff of up to two minutes.
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  stub_->channel = grpc::CreateCustomChannel("unix://" + socket_path, grpc::InsecureChannelCredentials(), arguments);
  stub_->lister = v1::PodResourcesLister::NewStub(stub_->channel);
}

PodResourcesClient::~PodResourcesClient() = default;

PodResourcesAnswer<PodResourcesList> PodResourcesClient::list() {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout_);
  v1::ListPodResourcesResponse response;
  grpc::Status status = stub_->lister->List(&context, v1::ListPodResourcesRequest{}, &response);
  if (!status.ok()) return PodResourcesError{"List", status_name(status.error_code()), status.error_message()};
  PodResourcesList out;
  for (const auto& pod : response.pod_resources()) {
    for (const auto& container : pod.containers()) {
      out.containers.push_back({pod.namespace_(), pod.name(), container.name(), devices_of(container.devices())});
    }
  }
  return out;
}

PodResourcesAnswer<AllocatableDevices> PodResourcesClient::allocatable() {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout_);
  v1::AllocatableResourcesResponse response;
  grpc::Status status =
      stub_->lister->GetAllocatableResources(&context, v1::AllocatableResourcesRequest{}, &response);
  if (!status.ok()) {
    return PodResourcesError{"GetAllocatableResources", status_name(status.error_code()), status.error_message()};
  }
  AllocatableDevices out;
  for (const auto& device : devices_of(response.devices())) {
    auto& ids = out.by_resource[device.resource];
    ids.insert(ids.end(), device.device_ids.begin(), device.device_ids.end());
  }
  return out;
}

}  // namespace ainode
