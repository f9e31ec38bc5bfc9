#pragma once
// A model server's counters made into ainode's own counters: counted from
// the first answer the agent saw (so they line up with the energy ainode
// attributes from then on), with a decrease taken as the server's restart
// (the new value is what it counted since), never as a negative increment.
#include <compare>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "collectors/app/model_tokens_parser.hpp"

namespace ainode {

class ResetAwareCounter {
 public:
  // Returns the total so far: 0 at the first value.
  double observe(double raw);

 private:
  std::optional<double> last_;
  double total_ = 0;
};

struct ModelSeriesKey {
  std::string endpoint, server, model;
  auto operator<=>(const ModelSeriesKey&) const = default;
};

struct ModelTotals {
  std::optional<double> prompt_tokens, generation_tokens, requests;  // absent: the server does not count it
};

class ModelTotalsAccumulator {
 public:
  // One good answer of `endpoint`: the totals of every (server, model) in it.
  std::vector<std::pair<ModelSeriesKey, ModelTotals>> observe(const std::string& endpoint,
                                                              const std::vector<ModelCounters>& counters);
  // The endpoint is gone (a discovered pod deleted): a new server at the
  // same URL later counts from its own first answer.
  void forget(const std::string& endpoint);

 private:
  struct Counters {
    ResetAwareCounter prompt, generation, requests;
  };
  std::map<ModelSeriesKey, Counters> counters_;
};

}  // namespace ainode
