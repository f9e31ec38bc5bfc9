#include "core/scheduler.hpp"

#include "core/code_pages.hpp"
#include "core/heap_trim.hpp"

namespace ainode {

Scheduler::Scheduler(std::vector<std::unique_ptr<Collector>> collectors, const HostFs& fs, SchedulerOptions options,
                     CycleSink sink)
    : options_(options), sink_(std::move(sink)) {
  std::shared_ptr<CollectorLane> shared_lane;  // started for the first collector that cannot hang
  for (auto& collector : collectors) {
    std::shared_ptr<CollectorLane> lane;
    if (!collector->can_hang()) {
      if (!shared_lane) shared_lane = std::make_shared<CollectorLane>();
      lane = shared_lane;
    }
    runners_.push_back(std::make_unique<CollectorRunner>(std::move(collector), fs, std::move(lane)));
  }
  history_.resize(runners_.size());
}

Scheduler::~Scheduler() { stop(); }

std::vector<const MetricDesc*> Scheduler::describe() const {
  std::vector<const MetricDesc*> out;
  for (const auto& runner : runners_) {
    auto descs = runner->describe();
    out.insert(out.end(), descs.begin(), descs.end());
  }
  return out;
}

void Scheduler::run_once() {
  CycleResult cycle = collect();
  cycle.sequence = ++sequence_;
  for (std::size_t i = 0; i < first_reading_notices_.size() && i < cycle.collectors.size(); ++i) {
    auto& notices = cycle.collectors[i].notices;
    notices.insert(notices.begin(), first_reading_notices_[i].begin(), first_reading_notices_[i].end());
  }
  first_reading_notices_.clear();
  sink_(std::move(cycle));
}

void Scheduler::take_first_reading() {
  CycleResult reading = collect();
  for (auto& status : reading.collectors) first_reading_notices_.push_back(std::move(status.notices));
}

CycleResult Scheduler::collect() {
  CycleResult cycle;
  cycle.started_at = std::chrono::system_clock::now();
  auto started = std::chrono::steady_clock::now();
  auto deadline = started + options_.timeout;

  std::vector<bool> triggered(runners_.size());
  for (std::size_t i = 0; i < runners_.size(); ++i) triggered[i] = runners_[i]->trigger(cycle.started_at, started);

  for (std::size_t i = 0; i < runners_.size(); ++i) {
    CollectorRunner& runner = *runners_[i];
    History& history = history_[i];
    CollectorStatus status;
    status.name = runner.name();
    // A run left over from an earlier cycle may finish now; its result is
    // stale for this cycle, so only a run triggered now counts.
    std::optional<RunResult> result = runner.wait_until(deadline);
    if (!triggered[i]) result.reset();
    if (result) {
      status.success = result->success;
      status.duration_seconds = result->duration_seconds;
      status.warnings = std::move(result->warnings);
      status.notices = std::move(result->notices);
      status.details = std::move(result->details);
      if (result->success) {
        history.last_success = cycle.started_at;
        for (auto& family : result->families) cycle.families.push_back(std::move(family));
      } else {
        ++history.errors_total;
        history.last_error = result->error;
      }
      history.errors_total += status.warnings.size();
      if (!status.warnings.empty()) history.last_error = status.warnings.back();
    } else {
      status.timed_out = true;
      status.duration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      ++history.errors_total;
      ++history.timeouts_total;
      history.last_error = triggered[i] ? "timed out after " + std::to_string(options_.timeout.count()) + "ms"
                                        : "still running since an earlier cycle (hung)";
    }
    status.errors_total = history.errors_total;
    status.timeouts_total = history.timeouts_total;
    status.last_success = history.last_success;
    status.last_error = history.last_error;
    cycle.collectors.push_back(std::move(status));
  }
  cycle.collect_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return cycle;
}

void Scheduler::start() {
  thread_ = std::thread([this] {
    auto next = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    if (options_.first_reading_gap.count() > 0) {
      lock.unlock();
      take_first_reading();
      lock.lock();
      next = std::chrono::steady_clock::now() + options_.first_reading_gap;
      wake_.wait_until(lock, next, [this] { return stopping_; });
    }
    HeapTrimmer trimmer(std::chrono::seconds(10));
    // By then every collector has run and every integration was probed:
    // the code only start-up ran is given back once (core/code_pages.hpp).
    const auto release_code_at = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool code_released = false;
    while (!stopping_) {
      lock.unlock();
      run_once();
      const auto ran = std::chrono::steady_clock::now();
      trimmer.maybe_trim(ran);
      if (!code_released && ran >= release_code_at) {
        release_code_pages();
        code_released = true;
      }
      lock.lock();
      // Fixed-rate schedule; after an overrun, start again at once rather
      // than trying to catch up with a burst of cycles.
      next += options_.interval;
      auto now = std::chrono::steady_clock::now();
      if (next < now) next = now;
      wake_.wait_until(lock, next, [this] { return stopping_; });
    }
  });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ainode
