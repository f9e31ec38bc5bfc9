#pragma once
// The app collector (issue 12): model servers' token and request counters
// per model, from their own /metrics (vLLM, SGLang, llama.cpp, TGI, Triton,
// TensorRT-LLM; docs/model-efficiency.md). Each endpoint is scraped by its
// own ModelServerScraper thread; collecting reads the latest answers and
// never waits. A server that is down is said once, counted, and its model
// series are absent (not zero) until it answers again. The energy join
// (ainode_model_energy_joules_total, ainode_model_tokens_per_joule) reads
// these series back from the snapshot: src/efficiency/model_efficiency.hpp.
#include <memory>
#include <string>
#include <vector>

#include "collectors/app/model_server_scraper.hpp"
#include "collectors/app/model_totals.hpp"
#include "config/config.hpp"
#include "core/collector.hpp"

namespace ainode {

class AppCollector : public Collector {
 public:
  AppCollector(std::vector<AppEndpoint> endpoints, Duration timeout, std::size_t max_body_bytes, Duration interval);
  std::string_view name() const override { return "app"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  struct Endpoint {
    AppEndpoint config;
    std::string label;
    std::unique_ptr<ModelServerScraper> scraper;
    std::chrono::system_clock::time_point counted_at{};  // the answer last added to the totals
    std::vector<std::pair<ModelSeriesKey, ModelTotals>> totals;
    bool said_down = false, said_empty = false;
  };
  void export_totals(const Endpoint& endpoint, MetricSet& out) const;

  std::vector<Endpoint> endpoints_;
  ModelTotalsAccumulator accumulator_;
};

}  // namespace ainode
