#pragma once
// Asks the kubelet's PodResources API on its own thread and interval, off
// the collection path, and keeps the last answers for the collectors that
// label GPUs with pods and export allocation. Started on first use, so
// building collectors only to list their metrics starts nothing.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "core/periodic_worker.hpp"
#include "k8s/pod_resources_client.hpp"

namespace ainode {

struct PodResourcesState {
  bool asked_yet = false;  // a first List has completed, either way
  bool up = false;         // the last List succeeded
  bool socket_missing = false;  // the last round found no socket (not a Kubernetes node, or not mounted)
  std::optional<PodResourcesList> list;              // the last good List
  std::optional<AllocatableDevices> allocatable;     // the last good answer; none if never or unimplemented
  bool allocatable_unimplemented = false;            // a kubelet older than 1.21
  std::string last_error;                            // of the last round; "" when it went well
  std::map<std::pair<std::string, std::string>, std::uint64_t> errors;  // (call, gRPC code) -> count
  std::chrono::system_clock::time_point last_success{};
};

struct PodResourcesOptions {
  std::string socket_path = "/var/lib/kubelet/pod-resources/kubelet.sock";
  std::chrono::milliseconds interval{10000};
  std::chrono::milliseconds timeout{5000};
  int max_receive_bytes = 16 * 1024 * 1024;
};

class PodResourcesWatcher {
 public:
  explicit PodResourcesWatcher(PodResourcesOptions options);

  // The latest state. The first call starts the watcher and waits for its
  // first round (at most twice the call deadline).
  std::shared_ptr<const PodResourcesState> latest();
  const PodResourcesOptions& options() const { return options_; }

 private:
  void round();
  void ask(PodResourcesState& next);

  PodResourcesOptions options_;
  PodResourcesClient client_;
  std::mutex mutex_;
  std::condition_variable answered_;
  std::shared_ptr<const PodResourcesState> state_ = std::make_shared<const PodResourcesState>();
  PeriodicWorker worker_;  // last: stopped (joined) before the state it writes goes
};

}  // namespace ainode
