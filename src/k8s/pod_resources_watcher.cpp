#include "k8s/pod_resources_watcher.hpp"

#include <filesystem>
#include <system_error>

namespace ainode {

PodResourcesWatcher::PodResourcesWatcher(PodResourcesOptions options)
    : options_(std::move(options)),
      client_(options_.socket_path, options_.timeout, options_.max_receive_bytes),
      worker_(options_.interval, [this] { round(); }) {}

std::shared_ptr<const PodResourcesState> PodResourcesWatcher::latest() {
  worker_.start();
  std::unique_lock lock(mutex_);
  // Until the first answer, callers wait for it (bounded by the call
  // deadlines), so the first collection already knows whether there is a
  // kubelet; afterwards nobody waits.
  answered_.wait_for(lock, 2 * options_.timeout + std::chrono::milliseconds(100),
                     [this] { return state_->asked_yet; });
  return state_;
}

void PodResourcesWatcher::round() {
  PodResourcesState next;
  {
    std::lock_guard lock(mutex_);
    next = *state_;
  }
  ask(next);
  next.asked_yet = true;
  {
    std::lock_guard lock(mutex_);
    state_ = std::make_shared<const PodResourcesState>(std::move(next));
  }
  answered_.notify_all();
}

void PodResourcesWatcher::ask(PodResourcesState& next) {
  auto failed = [&](const PodResourcesError& error) {
    ++next.errors[{error.call, error.code}];
    next.last_error = error.call + ": " + error.code + ": " + error.message;
  };
  std::error_code ignored;
  next.socket_missing = !std::filesystem::exists(options_.socket_path, ignored);
  if (next.socket_missing) {
    failed({"List", "UNAVAILABLE",
            "no socket at " + options_.socket_path +
                " (not a Kubernetes node, or the pod-resources directory is not mounted)"});
    next.up = false;
    return;
  }
  auto list = client_.list();
  if (auto* error = std::get_if<PodResourcesError>(&list)) {
    failed(*error);
    next.up = false;
    return;
  }
  next.list = std::move(std::get<PodResourcesList>(list));
  next.up = true;
  next.last_error.clear();
  next.last_success = std::chrono::system_clock::now();
  if (next.allocatable_unimplemented) return;  // asked once: an old kubelet does not learn it later
  auto allocatable = client_.allocatable();
  if (auto* error = std::get_if<PodResourcesError>(&allocatable)) {
    if (error->code == "UNIMPLEMENTED") {
      next.allocatable_unimplemented = true;
      next.allocatable.reset();
    } else {
      failed(*error);
    }
    return;
  }
  next.allocatable = std::move(std::get<AllocatableDevices>(allocatable));
}

}  // namespace ainode
