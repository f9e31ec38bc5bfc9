#pragma once
// A fake kubelet for tests: the real PodResourcesLister gRPC service
// (generated from proto/podresources/v1/api.proto) on a unix socket in a
// temporary directory, answering what the test puts in it. It can answer
// slowly, or not implement GetAllocatableResources like kubelets before 1.21.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "podresources/v1/api.grpc.pb.h"

namespace ainode::testing {

class FakeKubelet final : public v1::PodResourcesLister::Service {
 public:
  FakeKubelet()
      : socket_(std::filesystem::temp_directory_path() /
                ("ainode-kubelet-" + std::to_string(getpid()) + "-" + std::to_string(counter()++) + ".sock")) {
    std::filesystem::remove(socket_);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + socket_.string(), grpc::InsecureServerCredentials());
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~FakeKubelet() override {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
    std::filesystem::remove(socket_);
  }

  std::string socket() const { return socket_.string(); }

  // One container holding `ids` of `resource`.
  void add(const std::string& namespace_name, const std::string& pod, const std::string& container,
           const std::string& resource, std::initializer_list<std::string> ids) {
    std::lock_guard lock(mutex_);
    auto* p = list_.add_pod_resources();
    p->set_namespace_(namespace_name);
    p->set_name(pod);
    auto* c = p->add_containers();
    c->set_name(container);
    auto* d = c->add_devices();
    d->set_resource_name(resource);
    for (const auto& id : ids) d->add_device_ids(id);
  }
  void allocatable(const std::string& resource, std::initializer_list<std::string> ids) {
    std::lock_guard lock(mutex_);
    auto* d = allocatable_.add_devices();
    d->set_resource_name(resource);
    for (const auto& id : ids) d->add_device_ids(id);
  }
  std::atomic<int> delay_ms{0};
  std::atomic<bool> allocatable_unimplemented{false};
  std::atomic<int> list_calls{0};

  grpc::Status List(grpc::ServerContext*, const v1::ListPodResourcesRequest*,
                    v1::ListPodResourcesResponse* response) override {
    ++list_calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
    std::lock_guard lock(mutex_);
    *response = list_;
    return grpc::Status::OK;
  }
  grpc::Status GetAllocatableResources(grpc::ServerContext*, const v1::AllocatableResourcesRequest*,
                                       v1::AllocatableResourcesResponse* response) override {
    if (allocatable_unimplemented) return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "not in this kubelet");
    std::lock_guard lock(mutex_);
    *response = allocatable_;
    return grpc::Status::OK;
  }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path socket_;
  std::unique_ptr<grpc::Server> server_;
  std::mutex mutex_;
  v1::ListPodResourcesResponse list_;
  v1::AllocatableResourcesResponse allocatable_;
};

}  // namespace ainode::testing
