#pragma once
// Polls the kubelet's /pods on its own thread and interval (a slow kubelet
// never holds up a collection cycle), turns each good answer into pod
// events with a PodEventTracker, and hands them to a sink; the last good
// pod list is kept for model-server discovery (collectors/app). Failed polls
// (down, slow, refused, garbage) are counted and leave the tracker as it
// was, so the next good answer is compared with the last good one.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/periodic_worker.hpp"
#include "k8s/kubelet_http_client.hpp"
#include "k8s/pod_event_tracker.hpp"

namespace ainode {

struct KubeletPodsState {
  bool asked_yet = false;
  bool up = false;               // the last poll succeeded
  bool baseline = false;         // a good answer has been seen: events flow from the next one
  std::size_t pods = 0;          // in the last good answer
  std::string last_error;        // of the last poll; "" when it went well
  std::map<std::string, std::uint64_t> errors;  // by reason: "http_403", "timeout", "connect", "parse", ...
  std::map<std::string, std::uint64_t> events;  // published, by type (every type present, from 0)
  std::chrono::system_clock::time_point last_success{};
  // The pods of the last good answer, for model-server discovery (kept
  // through failed polls: a kubelet that is down does not end the servers).
  std::shared_ptr<const std::vector<PodStatus>> pod_list;
};

class KubeletPodsWatcher {
 public:
  // Called on the watcher's thread with the events of one answer, in order.
  // An empty sink: no events are derived (only the pod list is kept).
  using Sink = std::function<void(std::vector<PodEvent>)>;
  KubeletPodsWatcher(KubeletHttpOptions http, std::chrono::milliseconds interval, Sink sink);
  void start() { worker_.start(); }
  std::shared_ptr<const KubeletPodsState> latest() const;
  const KubeletHttpOptions& options() const { return http_; }

 private:
  void poll();

  KubeletHttpOptions http_;
  Sink sink_;
  PodEventTracker tracker_;  // the worker's own
  mutable std::mutex mutex_;
  std::shared_ptr<const KubeletPodsState> state_;
  PeriodicWorker worker_;  // last: joined before what it uses goes
};

}  // namespace ainode
