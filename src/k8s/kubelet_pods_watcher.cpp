#include "k8s/kubelet_pods_watcher.hpp"

#include "core/text.hpp"

namespace ainode {

namespace {
std::shared_ptr<const KubeletPodsState> initial_state() {
  KubeletPodsState state;
  for (const char* type : kPodEventTypes) state.events[type] = 0;
  return std::make_shared<const KubeletPodsState>(std::move(state));
}
}  // namespace

KubeletPodsWatcher::KubeletPodsWatcher(KubeletHttpOptions http, std::chrono::milliseconds interval, Sink sink)
    : http_(std::move(http)), sink_(std::move(sink)), state_(initial_state()), worker_(interval, [this] { poll(); }) {}

std::shared_ptr<const KubeletPodsState> KubeletPodsWatcher::latest() const {
  std::lock_guard lock(mutex_);
  return state_;
}

void KubeletPodsWatcher::poll() {
  KubeletPodsState next = *latest();
  next.asked_yet = true;
  std::vector<PodEvent> events;
  KubeletHttpAnswer answer = kubelet_get(http_, "/pods");
  if (!answer.error_code.empty()) {
    ++next.errors[answer.error_code];
    next.last_error = answer.error;
    next.up = false;
  } else {
    try {
      auto now = std::chrono::system_clock::now();
      std::vector<PodStatus> pods = parse_kubelet_pods(answer.body);
      if (sink_) events = tracker_.update(pods, now);
      next.up = true;
      next.baseline = true;
      next.pods = pods.size();
      next.pod_list = std::make_shared<const std::vector<PodStatus>>(std::move(pods));
      next.last_error.clear();
      next.last_success = now;
    } catch (const ParseError& error) {
      ++next.errors["parse"];
      next.last_error = http_.url + "/pods: " + error.what();
      next.up = false;
    }
  }
  for (const auto& event : events) ++next.events[event.type];
  {
    std::lock_guard lock(mutex_);
    state_ = std::make_shared<const KubeletPodsState>(std::move(next));
  }
  if (!events.empty()) sink_(std::move(events));
}

}  // namespace ainode
