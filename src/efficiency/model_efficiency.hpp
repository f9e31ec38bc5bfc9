#pragma once
// Tokens per joule per model (issue 12): a reader of snapshots that joins the
// app collector's token and request totals with the energy of the GPUs (or
// the node) serving each model, and adds the result to the next snapshots:
//
//   ainode_model_energy_joules_total{model,server,namespace,pod,endpoint,energy_source}
//   ainode_model_tokens_per_joule{...}    generation tokens per joule over app.window
//   ainode_model_requests_per_joule{...}  successful requests per joule over app.window
//   ainode_model_gpu_energy_share_ratio{model,server,namespace,pod,endpoint,gpu,uuid}
//
// Energy is matched to each scrape's own time (EnergyTimeline), apportioned
// as energy_shares() says, and split among the models of one server by their
// share of its generated tokens (else requests, else prompt tokens, else
// equally) in each interval. docs/model-efficiency.md has the rules.
//
// Discovered servers (app.discover) are not in the configuration: each is
// claimed by the namespace and pod its series carry, and forgotten (series,
// energy) when the app collector no longer lists it or another pod takes
// over its URL, so pods that come and go leave nothing behind.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "collectors/app/model_totals.hpp"
#include "config/config.hpp"
#include "core/metric.hpp"
#include "core/snapshot.hpp"
#include "core/time_window.hpp"
#include "efficiency/energy_shares.hpp"
#include "efficiency/energy_timeline.hpp"

namespace ainode {

class ModelEfficiency {
 public:
  // `discover`: servers other than `endpoints` may appear (discovered pods).
  ModelEfficiency(const std::vector<AppEndpoint>& endpoints, Duration window, bool discover = false);
  // Called once per published snapshot, on the scheduler's thread.
  void observe(const Snapshot& snapshot);
  // The families for the next snapshot (a builder contributor).
  void contribute(MetricSet& out) const;
  static std::vector<const MetricDesc*> descriptors();

 private:
  struct Point {
    std::optional<double> generation_tokens, requests;
    double energy = 0;
  };
  struct Series {
    std::vector<std::string> labels;  // model, server, namespace, pod, endpoint
    ModelTotals totals;               // at the last accounted scrape
    double energy = 0;
    TimeWindow<Point> window;
    std::vector<EnergyShare> shares;  // of the last interval, model split included
    bool on_node = false;
    bool present = false;  // in the latest snapshot (its server answering)
  };
  struct Scraped {
    std::vector<std::string> labels;
    ModelTotals totals;
  };
  void account(const std::string& endpoint, std::chrono::system_clock::time_point at,
               const std::map<ModelSeriesKey, Scraped>& scraped, const std::vector<EnergyShare>& shares);
  void restart(const std::string& endpoint, std::chrono::system_clock::time_point at,
               const std::map<ModelSeriesKey, Scraped>& scraped, const std::vector<EnergyShare>& shares);
  Series& series_for(const ModelSeriesKey& key, const std::vector<std::string>& labels);
  // The claims of this snapshot: the configured ones, and one per
  // discovered endpoint by the pod its series name.
  std::vector<EnergyClaim> claims_of(const std::map<std::string, std::map<ModelSeriesKey, std::vector<std::string>>>&
                                         labels) const;
  void forget_gone_servers(const Snapshot& snapshot,
                           const std::map<std::string, std::map<ModelSeriesKey, std::vector<std::string>>>& labels);
  void forget(const std::string& endpoint);

  std::vector<EnergyClaim> claims_;
  std::set<std::string> configured_;  // endpoint labels of claims_
  bool discover_ = false;
  std::map<std::string, std::pair<std::string, std::string>> pod_of_;  // discovered endpoint -> namespace, pod
  std::chrono::system_clock::duration window_;
  std::map<std::string, EnergyTimeline> timelines_;  // GPU UUID or "node"
  std::map<ModelSeriesKey, Series> series_;
  std::map<std::string, std::chrono::system_clock::time_point> accounted_at_;  // per endpoint
  mutable std::mutex mutex_;
};

}  // namespace ainode
