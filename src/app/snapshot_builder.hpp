#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <vector>
#include <memory>

#include "app/node_summarizer.hpp"
#include "core/scheduler.hpp"
#include "core/snapshot.hpp"
#include "health/degradation.hpp"
#include "health/node_power.hpp"
#include "http/server.hpp"

namespace ainode {

// Turns a scheduler cycle into a published snapshot: adds derived and self
// metrics, then renders both exposition formats once.
class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(std::chrono::system_clock::time_point start_time, double node_power_envelope_watts = 0)
      : start_time_(start_time), node_power_envelope_watts_(node_power_envelope_watts) {}
  std::shared_ptr<const Snapshot> build(CycleResult&& cycle);
  // The server whose counters go into each snapshot's self metrics. Set
  // before the scheduler starts; the server must outlive the builder's use.
  void set_http_server(const HttpServer* server) { http_server_ = server; }

  // Modules outside the collectors (event bus, control API, policies, RCA)
  // add their own families to every snapshot through these. Called on the
  // scheduler's thread; each must be quick and thread-safe.
  using Contributor = std::function<void(MetricSet&)>;
  void add_contributor(Contributor contributor) { contributors_.push_back(std::move(contributor)); }
  void set_node_power_envelope_watts(double watts) { node_power_envelope_watts_.store(watts); }

 private:
  std::chrono::system_clock::time_point start_time_;
  std::atomic<double> node_power_envelope_watts_;
  std::vector<Contributor> contributors_;
  NodeSummarizer summarizer_;
  NodeEnergyIntegrator node_energy_;
  DegradationDetector degradation_;
  const HttpServer* http_server_ = nullptr;
};

}  // namespace ainode
