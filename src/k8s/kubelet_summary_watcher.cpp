#include "k8s/kubelet_summary_watcher.hpp"

#include "core/text.hpp"

namespace ainode {

KubeletSummaryWatcher::KubeletSummaryWatcher(KubeletHttpOptions http, std::chrono::milliseconds interval)
    : http_(std::move(http)), worker_(interval, [this] { round(); }) {}

std::shared_ptr<const KubeletSummaryState> KubeletSummaryWatcher::latest() {
  worker_.start();
  std::unique_lock lock(mutex_);
  answered_.wait_for(lock, 2 * http_.timeout + std::chrono::milliseconds(100), [this] { return state_->asked_yet; });
  return state_;
}

void KubeletSummaryWatcher::round() {
  KubeletSummaryState next;
  {
    std::lock_guard lock(mutex_);
    next = *state_;
  }
  next.asked_yet = true;
  KubeletHttpAnswer answer = kubelet_get(http_, "/stats/summary");
  if (!answer.error_code.empty()) {
    ++next.errors[answer.error_code];
    next.last_error = answer.error;
    next.up = false;
  } else {
    try {
      next.summary = parse_kubelet_summary(answer.body);
      next.up = true;
      next.last_error.clear();
      next.last_success = std::chrono::system_clock::now();
    } catch (const ParseError& error) {
      ++next.errors["parse"];
      next.last_error = http_.url + "/stats/summary: " + error.what();
      next.up = false;
    }
  }
  {
    std::lock_guard lock(mutex_);
    state_ = std::make_shared<const KubeletSummaryState>(std::move(next));
  }
  answered_.notify_all();
}

}  // namespace ainode
