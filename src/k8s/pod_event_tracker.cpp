#include "k8s/pod_event_tracker.hpp"

#include <algorithm>
#include <set>

namespace ainode {

namespace {

// Enough to recognise the current and the previous instance of a container
// (state and lastState) across a few answers.
constexpr std::size_t kTerminationsKept = 4;

PodEvent pod_event(const char* type, const PodStatus& pod) {
  PodEvent event;
  event.type = type;
  event.namespace_name = pod.namespace_name;
  event.pod = pod.name;
  event.uid = pod.uid;
  event.phase = pod.phase;
  event.owner = pod.owner;
  return event;
}

PodEvent container_event(const char* type, const PodStatus& pod, const ContainerStatus& container,
                         const ContainerTermination* ended) {
  PodEvent event = pod_event(type, pod);
  event.container = container.name;
  event.restart_count = container.restart_count;
  if (ended != nullptr) {
    event.reason = ended->reason;
    event.exit_code = ended->exit_code;
  }
  return event;
}

std::string owner_key(const std::string& namespace_name, const OwnerReference& owner) {
  return namespace_name + "/" + owner.kind + "/" + owner.name;
}

const std::pair<std::string, bool>* find_termination(const std::vector<std::pair<std::string, bool>>& seen,
                                                     const std::string& identity) {
  auto found = std::find_if(seen.begin(), seen.end(), [&](const auto& entry) { return entry.first == identity; });
  return found == seen.end() ? nullptr : &*found;
}

}  // namespace

std::optional<std::string> eviction_reason(const PodStatus& pod) {
  // status.reason: the kubelet's node-pressure eviction ("Evicted") and its
  // admission preemption of a critical pod ("Preempting").
  if (pod.reason == "Evicted" || pod.reason == "Preempting") return pod.reason;
  // DisruptionTarget (Kubernetes 1.26+): why the pod is being terminated.
  static const std::set<std::string, std::less<>> disruptions = {"EvictionByEvictionAPI", "TerminationByKubelet",
                                                                 "PreemptionByScheduler", "DeletionByTaintManager"};
  if (disruptions.contains(pod.disruption_reason)) return pod.disruption_reason;
  return std::nullopt;
}

void PodEventTracker::diff_containers(TrackedPod& tracked, const PodStatus& pod, std::vector<PodEvent>& events) const {
  for (const ContainerStatus& container : pod.containers) {
    TrackedContainer& known = tracked.containers[container.name];
    std::vector<const ContainerTermination*> fresh;
    for (const auto* ended : {&container.last_terminated, &container.terminated}) {
      if (*ended && find_termination(known.terminations, (*ended)->identity()) == nullptr) fresh.push_back(&**ended);
    }
    auto oom = std::find_if(fresh.begin(), fresh.end(), [](const auto* ended) { return ended->reason == "OOMKilled"; });
    bool restarted = container.restart_count > known.last.restart_count;
    if (oom != fresh.end()) {
      events.push_back(container_event(kContainerOomKilled, pod, container, *oom));
    } else if (restarted) {
      // The restart of a container whose OOM kill was already reported (as
      // its state) is part of that event.
      const auto* previous = container.last_terminated
                                 ? find_termination(known.terminations, container.last_terminated->identity())
                                 : nullptr;
      if (previous == nullptr || !previous->second) {
        const ContainerTermination* ended = container.last_terminated ? &*container.last_terminated : nullptr;
        events.push_back(container_event(kContainerRestarted, pod, container, ended));
      }
    }
    for (const ContainerTermination* ended : fresh) {
      known.terminations.emplace_back(ended->identity(), ended->reason == "OOMKilled");
      if (known.terminations.size() > kTerminationsKept) known.terminations.erase(known.terminations.begin());
    }
    std::int64_t restarts = std::max(known.last.restart_count, container.restart_count);
    known.last = container;
    known.last.restart_count = restarts;
  }
}

void PodEventTracker::leave_vacancy(const TrackedPod& tracked, std::chrono::system_clock::time_point now) {
  if (!tracked.last.owner) return;
  vacancies_[owner_key(tracked.last.namespace_name, *tracked.last.owner)] =
      Vacancy{tracked.last.name, tracked.last.uid, now};
}

void PodEventTracker::diff_pod_state(TrackedPod& tracked, const PodStatus& pod,
                                     std::chrono::system_clock::time_point now, std::vector<PodEvent>& events) {
  PodStatus last = pod;
  last.containers.clear();  // kept per container in tracked.containers
  tracked.last = std::move(last);
  if (auto reason = eviction_reason(pod); reason && !tracked.evicted) {
    tracked.evicted = true;
    PodEvent event = pod_event(kPodEvicted, pod);
    event.reason = *reason;
    event.message = pod.message;
    events.push_back(std::move(event));
    leave_vacancy(tracked, now);
  }
  if (pod.phase == "Failed" && !tracked.failed) {
    tracked.failed = true;
    leave_vacancy(tracked, now);
  }
}

std::vector<PodEvent> PodEventTracker::update(const std::vector<PodStatus>& pods,
                                              std::chrono::system_clock::time_point now) {
  std::vector<PodEvent> events;
  std::set<std::string> listed;
  std::vector<const PodStatus*> arrived;
  // Pods already known first, so an eviction and the replacement that
  // arrives in the same answer are seen in that order.
  for (const PodStatus& pod : pods) {
    if (!listed.insert(pod.uid).second) continue;  // a uid twice in one answer: the first counts
    auto found = pods_.find(pod.uid);
    if (found == pods_.end()) {
      arrived.push_back(&pod);
      continue;
    }
    found->second.missing_answers = 0;
    diff_containers(found->second, pod, events);
    diff_pod_state(found->second, pod, now, events);
  }
  for (const PodStatus* pod : arrived) {
    TrackedPod& tracked = pods_[pod->uid];
    events.push_back(pod_event(kPodStarted, *pod));
    if (pod->owner) {
      auto vacancy = vacancies_.find(owner_key(pod->namespace_name, *pod->owner));
      if (vacancy != vacancies_.end()) {
        PodEvent event = pod_event(kPodRescheduled, *pod);
        event.previous_pod = vacancy->second.pod;
        event.previous_pod_uid = vacancy->second.uid;
        events.push_back(std::move(event));
        vacancies_.erase(vacancy);
      }
    }
    diff_containers(tracked, *pod, events);
    diff_pod_state(tracked, *pod, now, events);
  }
  for (auto it = pods_.begin(); it != pods_.end();) {
    TrackedPod& tracked = it->second;
    if (listed.contains(it->first) || ++tracked.missing_answers < 2) {
      ++it;
      continue;
    }
    PodEvent event = pod_event(kPodDeleted, tracked.last);
    event.reason = eviction_reason(tracked.last).value_or(tracked.last.reason);
    events.push_back(std::move(event));
    it = pods_.erase(it);
  }
  std::erase_if(vacancies_, [&](const auto& entry) { return now - entry.second.since > kReplacementWindow; });
  if (!baseline_) {
    baseline_ = true;
    return {};  // the pods as they were when the agent started: not news
  }
  return events;
}

}  // namespace ainode
