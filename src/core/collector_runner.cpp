#include "core/collector_runner.hpp"

#include "core/kept_open_files.hpp"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace ainode {

// Shared between the runner and its thread, so a thread abandoned in a hung
// collector keeps everything it touches alive.
struct CollectorRunner::State {
  explicit State(std::unique_ptr<Collector> c, const HostFs& f) : collector(std::move(c)), fs(f) {}

  std::unique_ptr<Collector> collector;
  HostFs fs;  // a copy: the thread may outlive the owner's HostFs
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  bool requested = false;
  bool running = false;
  std::chrono::system_clock::time_point wall_time;
  std::chrono::steady_clock::time_point monotonic_time;
  std::optional<RunResult> result;
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

}  // namespace

void CollectorRunner::worker_loop(const std::shared_ptr<State>& state) {
  // The collector's per-cycle files stay open between its cycles.
  KeptOpenFiles::enable_for_this_thread();
  std::unique_lock lock(state->mutex);
  for (;;) {
    state->wake.wait(lock, [&] { return state->stopping || state->requested; });
    if (state->stopping) return;
    state->requested = false;
    state->running = true;
    auto wall = state->wall_time;
    auto monotonic = state->monotonic_time;
    lock.unlock();
    RunResult result = run_collector(*state->collector, state->fs, wall, monotonic);
    KeptOpenFiles::end_cycle_for_this_thread();
    lock.lock();
    state->running = false;
    state->result = std::move(result);
    state->wake.notify_one();  // the scheduler is the only waiter
  }
}

CollectorRunner::CollectorRunner(std::unique_ptr<Collector> collector, const HostFs& fs)
    : state_(std::make_shared<State>(std::move(collector), fs)), name_(state_->collector->name()) {
  state_->thread = std::thread([state = state_] { worker_loop(state); });
}

CollectorRunner::~CollectorRunner() {
  std::unique_lock lock(state_->mutex);
  state_->stopping = true;
  bool stuck = state_->running;
  state_->wake.notify_all();
  lock.unlock();
  if (stuck) {
    state_->thread.detach();
  } else {
    state_->thread.join();
  }
}

const std::string& CollectorRunner::name() const { return name_; }

std::vector<const MetricDesc*> CollectorRunner::describe() const { return state_->collector->describe(); }

bool CollectorRunner::trigger(std::chrono::system_clock::time_point wall_time,
                              std::chrono::steady_clock::time_point monotonic_time) {
  std::lock_guard lock(state_->mutex);
  if (state_->running || state_->requested) return false;
  state_->result.reset();
  state_->wall_time = wall_time;
  state_->monotonic_time = monotonic_time;
  state_->requested = true;
  state_->wake.notify_one();  // the worker is the only waiter
  return true;
}

std::optional<RunResult> CollectorRunner::wait_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(state_->mutex);
  state_->wake.wait_until(lock, deadline, [&] { return state_->result.has_value(); });
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
