#pragma once
// Root-cause analysis (issue 11): each cycle, features from the snapshot,
// evidence from the rules, episodes per subject (a GPU, a pod, the node)
// that open on the first evidence and close when it has been gone for a
// while, and at most one finding per episode and cause, naming the cause
// the evidence weighs most with a calibrated confidence.
//
// observe() is a pure function of the snapshots (and bus events) it is
// shown, in time order: the labelled twin suite drives it with virtual time
// and no threads. The agent calls observe() on the scheduler's thread,
// to_json() from the HTTP thread and on_event() from publishers' threads.
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiops/rca_features.hpp"
#include "aiops/rca_finding.hpp"
#include "core/metric.hpp"
#include "core/snapshot.hpp"
#include "core/time_window.hpp"
#include "events/event.hpp"

namespace ainode::aiops {

struct RcaOptions {
  std::chrono::seconds window{900};         // a baseline signal not seen this long is forgotten (15 min)
  std::chrono::seconds baseline_span{300};  // healthy level = mean of the last 5 min outside episodes (points kept)
  std::size_t baseline_min_points = 10;
  std::chrono::seconds close_after{15};     // an episode ends this long after its last evidence
  double min_score = 2;                     // evidence weight a cause needs before it is reported
  unsigned confirm_cycles = 2;              // ...in this many consecutive cycles
  unsigned unknown_confirm_cycles = 10;     // "unknown" must persist longer: it has no positive evidence
  std::size_t keep_closed = 200;            // closed findings kept for /v1/rca
};

class RcaEngine {
 public:
  using Publish = std::function<void(EventDraft)>;
  explicit RcaEngine(RcaOptions options = {}, Publish publish = {});

  void observe(const Snapshot& snapshot) { observe(snapshot.families, snapshot.taken_at); }
  void observe(std::span<const Family> families, std::chrono::system_clock::time_point time);

  // Bus events RCA reads: policy_action / policy_restored (our own power
  // caps), pod_evicted, container_restarted, container_oom_killed. Only
  // queues (safe inside a bus listener); observe() consumes the queue.
  void on_event(const EventDraft& draft);
  // The event types on_event reads.
  static const std::vector<std::string>& subscribed_types();

  std::vector<Finding> findings() const;  // open first, then closed, newest first
  nlohmann::json to_json() const;         // GET /v1/rca
  void add_metrics(MetricSet& out) const;

 private:
  struct CauseTrack {
    unsigned cycles = 0;  // consecutive cycles at or above min_score
    double score = 0;
    std::map<std::string, Evidence> evidence;  // by signal, newest
  };
  struct Episode {
    RcaSubject subject;
    std::chrono::system_clock::time_point start, last_evidence;
    std::map<std::string, CauseTrack> causes;
    std::map<std::string, std::string> reported;  // cause -> finding id
    std::set<std::string> frozen_baselines;       // keys the episode's evidence compared with
  };

  void consume_events(std::chrono::system_clock::time_point now, std::vector<Evidence>& held);
  void update_episodes(const std::vector<Evidence>& evidence, std::chrono::system_clock::time_point now);
  void report(Episode& episode, std::chrono::system_clock::time_point now);
  void close_quiet_episodes(std::chrono::system_clock::time_point now);
  void update_baselines(const CycleFeatures& features, const std::vector<Evidence>& evidence);
  Baselines current_baselines(std::chrono::system_clock::time_point now) const;

  RcaOptions options_;
  Publish publish_;
  FeatureExtractor extractor_;
  std::map<std::string, TimeWindow<double>> history_;  // baseline samples by key
  std::vector<Evidence> held_;                          // one-off evidence still counting
  std::map<std::string, Episode> episodes_;             // open, by subject key
  std::map<std::string, OwnPowerCap> own_caps_;         // uuid -> our policy's cap
  std::map<std::string, double> last_slowdown_margin_;  // uuid -> slowdown threshold - temperature, last seen up
  std::map<std::string, TimeWindow<std::pair<double, double>>> thermal_history_;  // "gpu/3" -> (lagged power, temperature)
  std::map<std::string, PodFeatures> previous_pods_;
  std::uint64_t next_id_ = 1;

  mutable std::mutex mutex_;  // guards what readers see and the event queue
  std::vector<Finding> findings_;  // open and recent closed
  std::map<std::string, std::uint64_t> totals_;  // findings by cause since start
  std::deque<EventDraft> queued_;
};

const std::vector<const MetricDesc*>& rca_metric_descriptors();

}  // namespace ainode::aiops
