#include "k8s/pod_resources_watcher.hpp"

#include <filesystem>
#include <system_error>

namespace ainode {

PodResourcesWatcher::PodResourcesWatcher(PodResourcesOptions options) : options_(std::move(options)) {}

PodResourcesWatcher::~PodResourcesWatcher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  // Every call has a deadline, so the thread returns within options_.timeout.
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const PodResourcesState> PodResourcesWatcher::latest() {
  bool first = false;
  std::call_once(started_, [this, &first] {
    thread_ = std::thread(&PodResourcesWatcher::run, this);
    first = true;
  });
  std::unique_lock lock(mutex_);
  // The first caller waits for the first answer (bounded by the call
  // deadlines), so the first collection already knows whether there is a
  // kubelet; later callers never wait.
  if (first) {
    wake_.wait_for(lock, 2 * options_.timeout + std::chrono::milliseconds(100),
                   [this] { return state_->asked_yet || stop_; });
  }
  return state_;
}

void PodResourcesWatcher::ask(PodResourcesClient& client, PodResourcesState& next) {
  auto failed = [&](const PodResourcesError& error) {
    ++next.errors[{error.call, error.code}];
    next.last_error = error.call + ": " + error.code + ": " + error.message;
  };
  std::error_code ignored;
  if (!std::filesystem::exists(options_.socket_path, ignored)) {
    failed({"List", "UNAVAILABLE",
            "no socket at " + options_.socket_path +
                " (not a Kubernetes node, or the pod-resources directory is not mounted)"});
    next.up = false;
    return;
  }
  auto list = client.list();
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
  auto allocatable = client.allocatable();
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

void PodResourcesWatcher::run() {
  PodResourcesClient client(options_.socket_path, options_.timeout, options_.max_receive_bytes);
  std::unique_lock lock(mutex_);
  while (!stop_) {
    PodResourcesState next = *state_;
    lock.unlock();
    auto started = std::chrono::steady_clock::now();
    ask(client, next);
    next.asked_yet = true;
    ++next.rounds;
    lock.lock();
    state_ = std::make_shared<const PodResourcesState>(std::move(next));
    wake_.notify_all();
    wake_.wait_until(lock, started + options_.interval, [this] { return stop_; });
  }
}

}  // namespace ainode
