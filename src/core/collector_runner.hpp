#pragma once
// Runs collectors on worker threads so a hung source (NFS statfs, a stuck
// sensor, an NVML call that never returns) holds only its own thread. The
// scheduler triggers a run and waits for it until the cycle's deadline; a run
// still going then is reported as timed out and no new run of that collector
// starts until it returns.
//
// A collector that can hang (Collector::can_hang) gets a thread of its own.
// Those that only read the kernel's own tables share one thread (a
// CollectorLane) and run there one after another: a thread each bought
// nothing for them but ~20 KiB of stack and TLS apiece (issue 15: 28 threads
// at idle).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/collector.hpp"

namespace ainode {

struct RunResult {
  bool success = false;
  double duration_seconds = 0;
  std::vector<Family> families;
  std::vector<std::string> warnings;
  std::vector<Notice> notices;
  std::string error;
  std::shared_ptr<const CollectorDetails> details;
};

// A worker thread and the queue of runs posted to it.
class CollectorLane {
 public:
  CollectorLane();
  // Stops the thread; a thread stuck in a collector is abandoned (detached).
  ~CollectorLane();
  CollectorLane(const CollectorLane&) = delete;
  CollectorLane& operator=(const CollectorLane&) = delete;

  struct Queue;

 private:
  friend class CollectorRunner;
  std::shared_ptr<Queue> queue_;
};

class CollectorRunner {
 public:
  // On `lane` when given (shared with other runners), else on a lane of its own.
  CollectorRunner(std::unique_ptr<Collector> collector, const HostFs& fs,
                  std::shared_ptr<CollectorLane> lane = nullptr);
  // A run not yet started is dropped; one stuck in the collector is abandoned
  // with its lane's thread rather than blocking shutdown.
  ~CollectorRunner();
  CollectorRunner(const CollectorRunner&) = delete;
  CollectorRunner& operator=(const CollectorRunner&) = delete;

  const std::string& name() const;
  std::vector<const MetricDesc*> describe() const;

  // Starts a run unless the previous one is still going; returns whether it did.
  bool trigger(std::chrono::system_clock::time_point wall_time, std::chrono::steady_clock::time_point monotonic_time);
  // The result of the triggered run, or nullopt if it has not finished by `deadline`.
  std::optional<RunResult> wait_until(std::chrono::steady_clock::time_point deadline);
  bool busy() const;

  struct State;  // shared with the lane's thread, defined in the .cpp

 private:
  std::shared_ptr<State> state_;
  std::shared_ptr<CollectorLane> lane_;
  std::string name_;
};

}  // namespace ainode
