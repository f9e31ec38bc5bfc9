#pragma once
// statvfs with a deadline. statvfs on a dead NFS server blocks in the
// kernel, uninterruptibly, for as long as the server is gone; no signal or
// timeout option stops it. So calls run on a helper thread: when one
// overruns, that thread is left to it and a fresh one serves the other
// mounts, and the stuck mount is not tried again until its call returns. At
// most one thread is ever stuck per mount.
#include <sys/statvfs.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace ainode {

class TimedStatfs {
 public:
  // Returns 0 and fills `out`, or returns an errno value.
  using Function = std::function<int(const std::string& path, struct statvfs* out)>;
  static Function system_statvfs();

  TimedStatfs(Function function, std::chrono::milliseconds timeout);
  ~TimedStatfs();
  TimedStatfs(const TimedStatfs&) = delete;
  TimedStatfs& operator=(const TimedStatfs&) = delete;

  enum class Status { ok, failed, timed_out, still_hung };
  struct Outcome {
    Status status;
    struct statvfs stats;
    int error_number;  // for Status::failed
  };
  // Blocks for at most the timeout. A path whose earlier call is still stuck
  // answers still_hung at once, without a new call.
  Outcome stat(const std::string& path);

  std::chrono::milliseconds timeout() const { return timeout_; }

  // Calls currently stuck (for tests and status).
  std::size_t hung_count() const;

 private:
  struct Worker;
  std::shared_ptr<Worker> start_worker();

  Function function_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<Worker> worker_;
  // Path -> "its call is still stuck", cleared by the stuck thread on return.
  std::map<std::string, std::shared_ptr<bool>> hung_;
  std::shared_ptr<std::mutex> hung_mutex_;
};

}  // namespace ainode
