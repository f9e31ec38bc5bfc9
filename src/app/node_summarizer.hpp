#pragma once
#include <chrono>
#include <optional>
#include <span>
#include <string>

#include "core/metric.hpp"
#include "core/node_summary.hpp"

namespace ainode {

// Builds the NodeSummary of each cycle; keeps the previous cycle's NIC
// counters so rates come from deltas, not single readings.
class NodeSummarizer {
 public:
  NodeSummary summarize(std::span<const Family> families, std::chrono::steady_clock::time_point now);

 private:
  struct NicCounters {
    std::string device;
    double receive_bytes;
    double transmit_bytes;
    std::chrono::steady_clock::time_point at;
  };
  std::optional<NicCounters> previous_;
};

}  // namespace ainode
