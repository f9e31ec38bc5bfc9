#include "app/pod_events.hpp"

#include <nlohmann/json.hpp>

namespace ainode {

namespace {

const MetricDesc kUp{"ainode_kubelet_pods_up", MetricType::gauge, "",
                     "1 when the last request for the kubelet's /pods succeeded.", {}};
const MetricDesc kErrors{"ainode_kubelet_pods_errors_total", MetricType::counter, "",
                         "Failed requests for the kubelet's /pods by reason (http_<status>, timeout, connect, tls, "
                         "too_large, url, protocol, parse).",
                         {"reason"}};
const MetricDesc kEvents{"ainode_pod_events_total", MetricType::counter, "",
                         "Pod events derived from the kubelet's /pods and published on the event bus, by type.",
                         {"type"}};

// A pod that never says it was deleted (a missed answer pattern, a bug)
// must not grow the map without bound.
constexpr std::size_t kMaxRememberedPods = 4096;

class PodEventsCollector : public Collector {
 public:
  explicit PodEventsCollector(std::shared_ptr<KubeletPodsWatcher> watcher) : watcher_(std::move(watcher)) {}
  std::string_view name() const override { return "kubelet_pods"; }
  std::vector<const MetricDesc*> describe() const override { return pod_event_metric_descriptors(); }

  void collect(CollectContext& context, MetricSet& out) override {
    auto state = watcher_->latest();
    // kubelet.url is set only where a kubelet is expected: failing is a
    // warning, said when it starts or changes, not every cycle.
    if (!state->last_error.empty() && state->last_error != said_) {
      context.notice(NoticeLevel::warning, "kubelet /pods: " + state->last_error);
    }
    said_ = state->last_error;
    if (state->asked_yet) out.add(kUp, state->up ? 1 : 0);
    for (const auto& [reason, count] : state->errors) out.add(kErrors, {reason}, static_cast<double>(count));
    for (const auto& [type, count] : state->events) out.add(kEvents, {type}, static_cast<double>(count));
    // A section of its own in /v1/status (collector details merge into its root).
    nlohmann::json details;
    details["kubelet_pods"] = {
        {"url", watcher_->options().url + "/pods"},
        {"up", state->up},
        {"asked", state->asked_yet},
        {"baseline", state->baseline},
        {"pods", state->pods},
        {"last_error", state->last_error.empty() ? nlohmann::json() : nlohmann::json(state->last_error)}};
    context.set_details(std::move(details));
  }

 private:
  std::shared_ptr<KubeletPodsWatcher> watcher_;
  std::string said_;
};

}  // namespace

std::vector<const MetricDesc*> pod_event_metric_descriptors() { return {&kUp, &kErrors, &kEvents}; }

PodEvents::PodEvents(const Config& config, EventBus& bus) : bus_(bus) {
  if (config.kubelet.url.empty() || (!config.kubelet.pod_events && !config.app.discover)) return;
  KubeletHttpOptions http{config.kubelet.url, config.kubelet.token_file, config.kubelet.ca_file,
                          config.kubelet.insecure_skip_verify, config.kubelet.timeout};
  KubeletPodsWatcher::Sink sink;
  if (config.kubelet.pod_events) sink = [this](std::vector<PodEvent> events) { publish(std::move(events)); };
  watcher_ = std::make_shared<KubeletPodsWatcher>(std::move(http), config.kubelet.pods_interval, std::move(sink));
}

void PodEvents::observe(const Snapshot& snapshot) {
  if (!watcher_) return;
  GpusByPod current = gpus_by_pod(snapshot.families);
  std::lock_guard lock(mutex_);
  if (gpus_.size() > kMaxRememberedPods) gpus_.clear();
  for (auto& [pod, gpus] : current) gpus_[pod] = std::move(gpus);
}

void PodEvents::start() {
  if (watcher_) watcher_->start();
}

std::unique_ptr<Collector> PodEvents::make_collector() {
  if (!watcher_) return nullptr;
  return std::make_unique<PodEventsCollector>(watcher_);
}

void PodEvents::publish(std::vector<PodEvent> events) {
  for (const PodEvent& event : events) {
    std::vector<HeldGpu> gpus;
    {
      std::lock_guard lock(mutex_);
      auto held = gpus_.find({event.namespace_name, event.pod});
      if (held != gpus_.end()) {
        gpus = held->second;
        if (event.type == kPodDeleted) gpus_.erase(held);
      }
    }
    bus_.publish(pod_event_draft(event, gpus));
  }
}

}  // namespace ainode
