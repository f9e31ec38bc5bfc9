#pragma once
// The app collector (issue 12): model servers' token and request counters
// per model, from their own /metrics (vLLM, SGLang, llama.cpp, TGI, Triton,
// TensorRT-LLM; docs/model-efficiency.md). Each endpoint is scraped by its
// own ModelServerScraper thread; collecting reads the latest answers and
// never waits. A server that is down is said once, counted, and its model
// series are absent (not zero) until it answers again. The energy join
// (ainode_model_energy_joules_total, ainode_model_tokens_per_joule) reads
// these series back from the snapshot: src/efficiency/model_efficiency.hpp.
//
// Endpoints are configured (app.endpoints) and, with app.discover and the
// kubelet's /pods, discovered from pod annotations (model_server_discovery):
// a discovered server lives as long as its pod is Running with that URL;
// when it goes, its scraper is told to stop (never waited for on the
// collection path) and its series disappear.
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "collectors/app/model_server_discovery.hpp"
#include "collectors/app/model_server_scraper.hpp"
#include "collectors/app/model_totals.hpp"
#include "config/config.hpp"
#include "core/collector.hpp"
#include "k8s/kubelet_pods_parser.hpp"

namespace ainode {

class AppCollector : public Collector {
 public:
  // The kubelet's last good /pods answer (null before the first); an empty
  // function: discovery off.
  using PodListSource = std::function<std::shared_ptr<const std::vector<PodStatus>>()>;
  AppCollector(std::vector<AppEndpoint> endpoints, PodListSource pods, Duration timeout, std::size_t max_body_bytes,
               Duration interval);
  std::string_view name() const override { return "app"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  struct Endpoint {
    AppEndpoint config;
    std::string label;
    bool discovered = false;
    std::string pod_uid;  // of a discovered server
    std::unique_ptr<ModelServerScraper> scraper;
    std::chrono::system_clock::time_point counted_at{};  // the answer last added to the totals
    std::vector<std::pair<ModelSeriesKey, ModelTotals>> totals;
    bool said_down = false, said_empty = false;
  };
  Endpoint make_endpoint(AppEndpoint config) const;
  void discover(CollectContext& context);
  void export_totals(const Endpoint& endpoint, MetricSet& out) const;
  void export_discovery(MetricSet& out, nlohmann::json& details) const;

  std::vector<Endpoint> endpoints_;  // configured first, then discovered
  Duration timeout_, interval_;
  std::size_t max_body_bytes_;
  PodListSource pods_;
  std::shared_ptr<const std::vector<PodStatus>> seen_pods_;  // the answer last reconciled
  ModelServerDiscovery last_discovery_;
  std::set<std::string> said_rejected_;  // uid|message of rejected pods already said (and counted)
  std::map<std::string, std::uint64_t> discovery_errors_;  // by reason
  std::vector<std::unique_ptr<ModelServerScraper>> stopping_;  // dropped servers whose thread may still run
  ModelTotalsAccumulator accumulator_;
};

}  // namespace ainode
