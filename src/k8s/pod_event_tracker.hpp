#pragma once
// What happened to this node's pods between two answers of the kubelet's
// /pods: started, deleted, container restarted, OOM-killed, evicted, and
// rescheduled (a new pod of the same owner after an eviction or failure).
// Pure: answers in, events out; no clock of its own, no I/O.
//
// Never a false event from the source's own hiccups:
// - the first answer is the baseline (no pod_started flood at start);
// - failed polls do not reach the tracker, so the first good answer after an
//   outage is compared with the last good one, never with nothing;
// - a pod is deleted only when two answers in a row lack it (a kubelet that
//   has just restarted may briefly list fewer pods);
// - a container's restart count never goes backwards and a container status
//   missing from one answer keeps its last one, so a partial answer does not
//   read as a restart when the full one returns;
// - each container termination is reported once, whether the kubelet shows
//   it first as the current state or only as the last state after the
//   restart; an OOM kill and the restart it causes are one event.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "k8s/kubelet_pods_parser.hpp"

namespace ainode {

// The six types, as published on the event bus (events/event_types.hpp).
inline constexpr const char* kPodStarted = "pod_started";
inline constexpr const char* kPodDeleted = "pod_deleted";
inline constexpr const char* kContainerRestarted = "container_restarted";
inline constexpr const char* kContainerOomKilled = "container_oom_killed";
inline constexpr const char* kPodEvicted = "pod_evicted";
inline constexpr const char* kPodRescheduled = "pod_rescheduled";
inline constexpr std::array<const char*, 6> kPodEventTypes{kPodStarted,   kPodDeleted, kContainerRestarted,
                                                           kContainerOomKilled, kPodEvicted, kPodRescheduled};

struct PodEvent {
  std::string type;  // one of kPodEventTypes
  std::string namespace_name, pod, uid, phase;
  std::optional<OwnerReference> owner;
  std::string container;  // container events only
  std::string reason;     // termination reason, eviction reason, or the pod's status reason
  std::string message;    // the kubelet's message (evictions say which resource ran short)
  std::optional<std::int64_t> exit_code;
  std::optional<std::int64_t> restart_count;
  std::string previous_pod;      // pod_rescheduled: the evicted or failed pod it replaces
  std::string previous_pod_uid;  // likewise
};

// Whether a pod was evicted (node pressure, the Eviction API, taints,
// preemption), and why: status.reason "Evicted" or a DisruptionTarget reason.
std::optional<std::string> eviction_reason(const PodStatus& pod);

class PodEventTracker {
 public:
  // Evicted or failed pods wait this long for a replacement of the same
  // owner to be scheduled here; most are replaced on another node.
  static constexpr std::chrono::minutes kReplacementWindow{60};

  // Compares a good answer with the last good one. The first call only
  // records the baseline and returns nothing.
  std::vector<PodEvent> update(const std::vector<PodStatus>& pods, std::chrono::system_clock::time_point now);
  bool has_baseline() const { return baseline_; }
  std::size_t tracked_pods() const { return pods_.size(); }

 private:
  struct TrackedContainer {
    ContainerStatus last;
    // The last few terminations seen (identity, reported as an OOM kill), oldest first.
    std::vector<std::pair<std::string, bool>> terminations;
  };
  struct TrackedPod {
    PodStatus last;  // containers kept in `containers`, not here
    std::map<std::string, TrackedContainer> containers;
    bool evicted = false, failed = false;
    int missing_answers = 0;
  };
  struct Vacancy {  // an evicted or failed pod whose owner may replace it here
    std::string pod, uid;
    std::chrono::system_clock::time_point since;
  };

  void diff_containers(TrackedPod& tracked, const PodStatus& pod, std::vector<PodEvent>& events) const;
  void diff_pod_state(TrackedPod& tracked, const PodStatus& pod, std::chrono::system_clock::time_point now,
                      std::vector<PodEvent>& events);
  void leave_vacancy(const TrackedPod& tracked, std::chrono::system_clock::time_point now);

  bool baseline_ = false;
  std::map<std::string, TrackedPod> pods_;       // by uid
  std::map<std::string, Vacancy> vacancies_;     // by namespace/kind/owner
};

}  // namespace ainode
