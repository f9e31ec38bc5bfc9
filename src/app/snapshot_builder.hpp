#pragma once
#include <chrono>
#include <memory>

#include "app/node_summarizer.hpp"
#include "core/scheduler.hpp"
#include "core/snapshot.hpp"

namespace ainode {

// Turns a scheduler cycle into a published snapshot: adds derived and self
// metrics, then renders both exposition formats once.
class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(std::chrono::system_clock::time_point start_time) : start_time_(start_time) {}
  std::shared_ptr<const Snapshot> build(CycleResult&& cycle);

 private:
  std::chrono::system_clock::time_point start_time_;
  NodeSummarizer summarizer_;
};

}  // namespace ainode
