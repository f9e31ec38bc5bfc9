#pragma once
// Fetches the kubelet's /stats/summary on its own thread and interval and
// keeps the last answer: ephemeral storage per pod and the node's
// filesystems. Started on first use; the first caller waits for the first
// answer (at most twice the timeout), later callers never wait.
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/periodic_worker.hpp"
#include "k8s/kubelet_http_client.hpp"
#include "k8s/kubelet_summary_parser.hpp"

namespace ainode {

struct KubeletSummaryState {
  bool asked_yet = false;
  bool up = false;
  std::optional<KubeletSummary> summary;  // the last good answer
  std::string last_error;
  std::map<std::string, std::uint64_t> errors;  // by code: "http_401", "timeout", "parse", ...
  std::chrono::system_clock::time_point last_success{};
};

class KubeletSummaryWatcher {
 public:
  KubeletSummaryWatcher(KubeletHttpOptions http, std::chrono::milliseconds interval);
  std::shared_ptr<const KubeletSummaryState> latest();
  const KubeletHttpOptions& options() const { return http_; }

 private:
  void round();

  KubeletHttpOptions http_;
  std::mutex mutex_;
  std::condition_variable answered_;
  std::shared_ptr<const KubeletSummaryState> state_ = std::make_shared<const KubeletSummaryState>();
  PeriodicWorker worker_;  // last: joined before the state it writes goes
};

}  // namespace ainode
