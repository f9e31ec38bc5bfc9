#pragma once
// Runs one collector on its own thread so a hung source (NFS statfs, a stuck
// sensor, an NVML call that never returns) holds only that thread. The
// scheduler triggers a run and waits for it until the cycle's deadline; a run
// still going then is reported as timed out and no new run of that collector
// starts until it returns.
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
  std::shared_ptr<const nlohmann::json> details;
};

class CollectorRunner {
 public:
  CollectorRunner(std::unique_ptr<Collector> collector, const HostFs& fs);
  // Stops the thread; a run stuck in the collector is abandoned (detached)
  // rather than blocking shutdown.
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

 private:
  struct State;
  static void worker_loop(const std::shared_ptr<State>& state);
  std::shared_ptr<State> state_;
  std::string name_;
};

}  // namespace ainode
