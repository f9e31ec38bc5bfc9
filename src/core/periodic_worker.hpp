#pragma once
// Runs a piece of work on its own thread, again and again, `interval` apart
// (from start to start), until destroyed. For sources polled off the
// collection path (the kubelet's APIs). The work must return on its own
// (every call it makes has a deadline); destruction waits for it.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace ainode {

class PeriodicWorker {
 public:
  PeriodicWorker(std::chrono::milliseconds interval, std::function<void()> work)
      : interval_(interval), work_(std::move(work)) {}
  ~PeriodicWorker() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  // Starts the thread on the first call; later calls do nothing.
  void start() {
    std::call_once(started_, [this] {
      {
        std::lock_guard lock(mutex_);
        running_ = true;
      }
      thread_ = std::thread([this] { run(); });
    });
  }

  // Asks the thread to end after the work in progress, without waiting:
  // for an owner that must not block (a collector dropping a model server
  // whose scrape may be stuck until its deadline). Destroy it once finished().
  void request_stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
  }
  // True when no work is running or will run: destruction will not wait.
  bool finished() {
    std::lock_guard lock(mutex_);
    return !running_;
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      auto started = std::chrono::steady_clock::now();
      lock.unlock();
      work_();
      lock.lock();
      wake_.wait_until(lock, started + interval_, [this] { return stop_; });
    }
    running_ = false;
  }

  std::chrono::milliseconds interval_;
  std::function<void()> work_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool running_ = false;  // the thread has started and not yet left run()
  std::once_flag started_;
  std::thread thread_;
};

}  // namespace ainode
