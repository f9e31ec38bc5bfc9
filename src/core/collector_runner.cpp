#include "core/collector_runner.hpp"

#include "core/kept_open_files.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace ainode {

// Shared between the runner and its lane's thread, so a thread abandoned in a
// hung collector keeps everything it touches alive.
struct CollectorRunner::State {
  explicit State(std::unique_ptr<Collector> c, const HostFs& f) : collector(std::move(c)), fs(f) {}

  std::unique_ptr<Collector> collector;
  HostFs fs;  // a copy: the thread may outlive the owner's HostFs
  std::mutex mutex;
  std::condition_variable done;
  bool removed = false;    // the runner is gone: a queued run is dropped
  bool requested = false;  // posted to the lane, not started yet
  bool running = false;
  std::chrono::system_clock::time_point wall_time;
  std::chrono::steady_clock::time_point monotonic_time;
  std::optional<RunResult> result;
};

struct CollectorLane::Queue {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::shared_ptr<CollectorRunner::State>> runs;
  bool stopping = false;
  bool running = false;  // in a collector now
  std::thread thread;
};

namespace {

RunResult run_collector(Collector& collector, const HostFs& fs, std::chrono::system_clock::time_point wall,
                        std::chrono::steady_clock::time_point monotonic) {
  RunResult result;
  CollectContext context{fs, wall, monotonic, {}, nullptr, {}};
  MetricSet out;
  auto started = std::chrono::steady_clock::now();
  // The collector boundary: nothing escapes, everything is reported.
  try {
    collector.collect(context, out);
    result.success = true;
    result.families = std::move(out.families());
    result.details = std::move(context.details);
  } catch (const std::exception& error) {
    result.error = error.what();
  } catch (...) {
    result.error = "unknown exception";
  }
  result.warnings = std::move(context.warnings);
  result.notices = std::move(context.notices);
  result.duration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

void run_posted(CollectorRunner::State& state) {
  std::unique_lock lock(state.mutex);
  if (state.removed || !state.requested) return;
  state.requested = false;
  state.running = true;
  auto wall = state.wall_time;
  auto monotonic = state.monotonic_time;
  lock.unlock();
  RunResult result = run_collector(*state.collector, state.fs, wall, monotonic);
  lock.lock();
  state.running = false;
  state.result = std::move(result);
  state.done.notify_all();
}

void lane_loop(const std::shared_ptr<CollectorLane::Queue>& queue) {
  // The lane's collectors keep their per-cycle files open between cycles.
  KeptOpenFiles::enable_for_this_thread();
  std::optional<std::chrono::steady_clock::time_point> cycle;
  std::unique_lock lock(queue->mutex);
  for (;;) {
    queue->wake.wait(lock, [&] { return queue->stopping || !queue->runs.empty(); });
    if (queue->stopping) return;
    auto state = std::move(queue->runs.front());
    queue->runs.pop_front();
    queue->running = true;
    lock.unlock();
    // A new cycle's first run ends the previous cycle for the kept files:
    // those no collector on this lane read in it are closed.
    std::chrono::steady_clock::time_point started;
    {
      std::lock_guard state_lock(state->mutex);
      started = state->monotonic_time;
    }
    if (cycle && *cycle != started) KeptOpenFiles::end_cycle_for_this_thread();
    cycle = started;
    run_posted(*state);
    lock.lock();
    queue->running = false;
  }
}

}  // namespace

CollectorLane::CollectorLane() : queue_(std::make_shared<Queue>()) {
  queue_->thread = std::thread([queue = queue_] { lane_loop(queue); });
}

CollectorLane::~CollectorLane() {
  std::unique_lock lock(queue_->mutex);
  queue_->stopping = true;
  bool stuck = queue_->running;
  queue_->wake.notify_all();
  lock.unlock();
  if (stuck) {
    queue_->thread.detach();
  } else {
    queue_->thread.join();
  }
}

CollectorRunner::CollectorRunner(std::unique_ptr<Collector> collector, const HostFs& fs,
                                 std::shared_ptr<CollectorLane> lane)
    : state_(std::make_shared<State>(std::move(collector), fs)),
      lane_(lane ? std::move(lane) : std::make_shared<CollectorLane>()),
      name_(state_->collector->name()) {}

CollectorRunner::~CollectorRunner() {
  std::lock_guard lock(state_->mutex);
  state_->removed = true;
}

const std::string& CollectorRunner::name() const { return name_; }

std::vector<const MetricDesc*> CollectorRunner::describe() const { return state_->collector->describe(); }

bool CollectorRunner::trigger(std::chrono::system_clock::time_point wall_time,
                              std::chrono::steady_clock::time_point monotonic_time) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->running || state_->requested) return false;
    state_->result.reset();
    state_->wall_time = wall_time;
    state_->monotonic_time = monotonic_time;
    state_->requested = true;
  }
  auto& queue = *lane_->queue_;
  std::lock_guard lock(queue.mutex);
  queue.runs.push_back(state_);
  queue.wake.notify_one();  // the lane's thread is the only waiter
  return true;
}

std::optional<RunResult> CollectorRunner::wait_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(state_->mutex);
  state_->done.wait_until(lock, deadline, [&] { return state_->result.has_value(); });
  if (!state_->result) return std::nullopt;
  std::optional<RunResult> out = std::move(state_->result);
  state_->result.reset();
  return out;
}

bool CollectorRunner::busy() const {
  std::lock_guard lock(state_->mutex);
  return state_->running || state_->requested;
}

}  // namespace ainode
