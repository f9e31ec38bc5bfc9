#pragma once
// The agent's side of failure risk: each cycle it folds the snapshot's GPUs
// and the XIDs seen on the bus (NVML and kernel log, already counted once)
// into per-GPU histories, assesses them (risk_rules), announces a changed
// recommended action as gpu_risk_changed, exports the metrics, answers the
// "risk" object of /v1/gpus and keeps the histories in the state directory.
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiops/risk_history.hpp"
#include "aiops/risk_rules.hpp"
#include "core/metric.hpp"
#include "core/snapshot.hpp"
#include "events/event_bus.hpp"

namespace ainode {

std::vector<const MetricDesc*> risk_metric_descriptors();

nlohmann::json risk_to_json(const RiskAssessment& assessment);

class RiskTracker {
 public:
  using Clock = GpuRiskHistory::Clock;
  // `state_file` "" keeps the history in memory only.
  RiskTracker(EventBus& bus, std::string state_file);
  // Saves what the last minute added (the agent stops after its scheduler).
  ~RiskTracker();
  RiskTracker(const RiskTracker&) = delete;
  RiskTracker& operator=(const RiskTracker&) = delete;

  // Once per cycle, after the cycle's events were published.
  void observe(const Snapshot& snapshot);
  void observe_at(const Snapshot& snapshot, Clock::time_point now);  // for tests

  void add_metrics(MetricSet& out) const;
  // Adds "risk" to one GPU object of /v1/gpus (matched by "uuid").
  void annotate_gpu(nlohmann::json& gpu) const;
  // The last cycle's assessments, by GPU UUID.
  std::map<std::string, RiskAssessment> assessments() const;
  // Where the history lives and whether it loads and saves ("" = fine).
  std::string state_problem() const;

 private:
  void take_xids();
  void load();
  void save(Clock::time_point now);

  EventBus& bus_;
  std::string state_file_;
  EventBus::Subscription subscription_;

  std::mutex pending_mutex_;  // XIDs from bus listeners, until the next cycle
  std::vector<std::pair<std::string, XidSighting>> pending_;

  mutable std::mutex mutex_;
  std::map<std::string, GpuRiskHistory> histories_;  // by UUID, GPUs gone included
  std::map<std::string, RiskAssessment> current_;    // GPUs of the last snapshot
  std::map<std::string, unsigned> index_;
  std::string load_problem_, save_error_;
  Clock::time_point next_save_{};
  bool dirty_ = false;
};

}  // namespace ainode
