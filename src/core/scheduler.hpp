#pragma once
// Runs every collector once per interval, each on its own thread under a
// deadline, and hands the cycle's results on. A collector still running at
// the deadline is reported as timed out and skipped until it returns; the
// others are never held up by it.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/collector_runner.hpp"
#include "core/snapshot.hpp"

namespace ainode {

struct CycleResult {
  std::uint64_t sequence = 0;
  std::chrono::system_clock::time_point started_at;
  double collect_seconds = 0;  // from trigger until the last result or the deadline
  std::vector<Family> families;             // successful collectors', in registration order
  std::vector<CollectorStatus> collectors;  // one per collector, same order
};

struct SchedulerOptions {
  std::chrono::milliseconds interval{5000};
  std::chrono::milliseconds timeout{5000};  // deadline of one cycle
  // start() first takes an unpublished reading this long before the first
  // published cycle, so series computed from two readings (CPU utilization,
  // RAPL power, NIC rates) are in the first snapshot; 0 = no such reading.
  std::chrono::milliseconds first_reading_gap{0};
};

class Scheduler {
 public:
  using CycleSink = std::function<void(CycleResult&&)>;

  Scheduler(std::vector<std::unique_ptr<Collector>> collectors, const HostFs& fs, SchedulerOptions options,
            CycleSink sink);
  ~Scheduler();

  // Runs one cycle on the calling thread and hands it to the sink.
  void run_once();
  // Runs cycles on a background thread: the first one immediately, or
  // first_reading_gap after an unpublished first reading.
  void start();
  void stop();

  // Every descriptor the enabled collectors can emit.
  std::vector<const MetricDesc*> describe() const;

 private:
  struct History {
    std::uint64_t errors_total = 0;
    std::uint64_t timeouts_total = 0;
    std::optional<std::chrono::system_clock::time_point> last_success;
    std::string last_error;
  };

  CycleResult collect();
  // The unpublished first reading: its notices ("NVML not available", said
  // once by the collector) are handed on with the first published cycle.
  void take_first_reading();

  std::vector<std::unique_ptr<CollectorRunner>> runners_;
  std::vector<std::vector<Notice>> first_reading_notices_;
  std::vector<History> history_;
  SchedulerOptions options_;
  CycleSink sink_;
  std::uint64_t sequence_ = 0;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ainode
