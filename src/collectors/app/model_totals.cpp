#include "collectors/app/model_totals.hpp"

namespace ainode {

double ResetAwareCounter::observe(double raw) {
  if (last_) total_ += raw >= *last_ ? raw - *last_ : raw;
  last_ = raw;
  return total_;
}

std::vector<std::pair<ModelSeriesKey, ModelTotals>> ModelTotalsAccumulator::observe(
    const std::string& endpoint, const std::vector<ModelCounters>& counters) {
  std::vector<std::pair<ModelSeriesKey, ModelTotals>> out;
  for (const auto& c : counters) {
    ModelSeriesKey key{endpoint, c.server, c.model};
    Counters& mine = counters_[key];
    ModelTotals totals;
    if (c.prompt_tokens) totals.prompt_tokens = mine.prompt.observe(*c.prompt_tokens);
    if (c.generation_tokens) totals.generation_tokens = mine.generation.observe(*c.generation_tokens);
    if (c.requests) totals.requests = mine.requests.observe(*c.requests);
    out.emplace_back(std::move(key), totals);
  }
  return out;
}

void ModelTotalsAccumulator::forget(const std::string& endpoint) {
  std::erase_if(counters_, [&](const auto& entry) { return entry.first.endpoint == endpoint; });
}

}  // namespace ainode
