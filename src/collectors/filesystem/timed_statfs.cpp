#include "collectors/filesystem/timed_statfs.hpp"

#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace ainode {

struct TimedStatfs::Worker {
  std::mutex mutex;
  std::condition_variable wake;
  std::optional<std::string> request;
  std::optional<Outcome> result;
  bool stopping = false;
  bool abandoned = false;        // left behind in a stuck call
  std::shared_ptr<bool> hung_flag;  // set when abandoned; cleared when the call returns
  std::shared_ptr<std::mutex> hung_mutex;
  std::thread thread;
};

TimedStatfs::Function TimedStatfs::system_statvfs() {
  return [](const std::string& path, struct statvfs* out) { return ::statvfs(path.c_str(), out) == 0 ? 0 : errno; };
}

TimedStatfs::TimedStatfs(Function function, std::chrono::milliseconds timeout)
    : function_(std::move(function)), timeout_(timeout), hung_mutex_(std::make_shared<std::mutex>()) {}

TimedStatfs::~TimedStatfs() {
  if (!worker_) return;
  std::unique_lock lock(worker_->mutex);
  worker_->stopping = true;
  worker_->wake.notify_all();
  bool busy = worker_->request.has_value();
  lock.unlock();
  if (busy) {
    worker_->thread.detach();
  } else {
    worker_->thread.join();
  }
}

std::shared_ptr<TimedStatfs::Worker> TimedStatfs::start_worker() {
  auto worker = std::make_shared<Worker>();
  worker->hung_mutex = hung_mutex_;
  worker->thread = std::thread([worker, function = function_] {
    std::unique_lock lock(worker->mutex);
    for (;;) {
      worker->wake.wait(lock, [&] { return worker->stopping || worker->request; });
      if (!worker->request) return;
      std::string path = *worker->request;
      lock.unlock();
      Outcome outcome{Status::ok, {}, 0};
      int error = function(path, &outcome.stats);
      if (error != 0) outcome = Outcome{Status::failed, {}, error};
      lock.lock();
      worker->request.reset();
      if (worker->abandoned) {
        std::lock_guard hung_lock(*worker->hung_mutex);
        *worker->hung_flag = false;
        return;  // a fresh worker serves the others now
      }
      worker->result = outcome;
      worker->wake.notify_all();
      if (worker->stopping) return;
    }
  });
  return worker;
}

TimedStatfs::Outcome TimedStatfs::stat(const std::string& path) {
  {
    std::lock_guard hung_lock(*hung_mutex_);
    auto found = hung_.find(path);
    if (found != hung_.end()) {
      if (*found->second) return Outcome{Status::still_hung, {}, 0};
      hung_.erase(found);
    }
  }
  if (!worker_) worker_ = start_worker();
  std::unique_lock lock(worker_->mutex);
  worker_->result.reset();
  worker_->request = path;
  worker_->wake.notify_all();
  if (worker_->wake.wait_for(lock, timeout_, [&] { return worker_->result.has_value(); })) {
    Outcome outcome = *worker_->result;
    worker_->result.reset();
    return outcome;
  }
  // Overran: leave this worker to its call and remember the mount as hung.
  auto flag = std::make_shared<bool>(true);
  {
    std::lock_guard hung_lock(*hung_mutex_);
    hung_[path] = flag;
  }
  worker_->abandoned = true;
  worker_->hung_flag = flag;
  lock.unlock();
  worker_->thread.detach();
  worker_.reset();
  return Outcome{Status::timed_out, {}, 0};
}

std::size_t TimedStatfs::hung_count() const {
  std::lock_guard hung_lock(*hung_mutex_);
  std::size_t count = 0;
  for (const auto& [path, flag] : hung_) count += *flag ? 1 : 0;
  return count;
}

}  // namespace ainode
