#include "policy/actuator.hpp"

namespace ainode {

std::string_view to_string(ActuationCode code) {
  switch (code) {
    case ActuationCode::applied: return "applied";
    case ActuationCode::failed: return "failed";
    case ActuationCode::no_permission: return "no_permission";
    case ActuationCode::unsupported: return "unsupported";
  }
  return "?";
}

struct AsyncActuator::Shared {
  std::unique_ptr<ActuatorBackend> backend;
  mutable std::mutex mutex;
  std::condition_variable wake, idle;
  std::deque<ActuationRequest> queue;
  std::vector<ActuationResult> results;
  std::optional<std::chrono::steady_clock::time_point> busy_since;
  std::uint64_t next_id = 1;
  bool stopping = false;
};

AsyncActuator::AsyncActuator(std::unique_ptr<ActuatorBackend> backend) : shared_(std::make_shared<Shared>()) {
  shared_->backend = std::move(backend);
  worker_ = std::thread([shared = shared_] {
    std::unique_lock lock(shared->mutex);
    while (true) {
      shared->wake.wait(lock, [&] { return shared->stopping || !shared->queue.empty(); });
      if (shared->queue.empty()) return;  // stopping with nothing left
      ActuationRequest request = std::move(shared->queue.front());
      shared->queue.pop_front();
      shared->busy_since = std::chrono::steady_clock::now();
      lock.unlock();
      ActuationResult result = shared->backend->apply(request);
      result.request = request;
      lock.lock();
      shared->busy_since.reset();
      shared->results.push_back(std::move(result));
      if (shared->queue.empty()) shared->idle.notify_all();
    }
  });
}

AsyncActuator::~AsyncActuator() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    shared_->queue.clear();
  }
  shared_->wake.notify_all();
  // A call hung in the driver cannot be interrupted; the process is exiting.
  if (wait_idle(std::chrono::seconds(2))) {
    worker_.join();
  } else {
    worker_.detach();
  }
}

std::uint64_t AsyncActuator::submit(ActuationRequest request) {
  std::lock_guard lock(shared_->mutex);
  request.id = shared_->next_id++;
  std::uint64_t id = request.id;
  shared_->queue.push_back(std::move(request));
  shared_->wake.notify_one();
  return id;
}

std::vector<ActuationResult> AsyncActuator::take_results() {
  std::lock_guard lock(shared_->mutex);
  std::vector<ActuationResult> out;
  out.swap(shared_->results);
  return out;
}

bool AsyncActuator::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(shared_->mutex);
  return shared_->idle.wait_for(lock, timeout, [&] { return shared_->queue.empty() && !shared_->busy_since; });
}

std::optional<std::chrono::steady_clock::time_point> AsyncActuator::busy_since() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->busy_since;
}

}  // namespace ainode
