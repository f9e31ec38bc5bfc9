#pragma once
// Sends the buffer to one remote_write receiver, oldest cycle first, on its
// own thread: one request at a time (one shard), so a series is never
// reordered. The position (last cycle the receiver acknowledged) is saved in
// the buffer's database after every answer, so a restart, even kill -9 in
// the middle of an outage, resumes where the receiver stopped: at most the
// request in flight is sent twice, which Prometheus-compatible receivers
// accept as identical samples (docs/remote-write.md).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include <nlohmann/json_fwd.hpp>

#include "buffer/buffer.hpp"
#include "config/config.hpp"
#include "remote_write/http_post.hpp"

namespace ainode {

struct SenderStats {
  std::string url;
  std::int64_t samples_sent_total = 0;
  std::int64_t samples_failed_total = 0;  // samples in requests that failed (each attempt)
  std::int64_t retries_total = 0;         // requests retried
  std::int64_t bytes_sent_total = 0;      // compressed request bodies acknowledged
  std::map<std::string, std::int64_t> samples_dropped_total;  // by reason
  std::int64_t pending_samples = 0;       // in the buffer, not yet acknowledged
  double lag_seconds = 0;                 // newest collected - oldest unsent cycle; 0 when caught up
  std::string last_error;
  long last_status = 0;
  std::uint64_t position = 0;
};

using PostFunction = std::function<PostResult(const RemoteWriteEndpoint&, const std::string& body,
                                              std::chrono::milliseconds timeout, const std::atomic<bool>& cancel)>;

class RemoteWriteSender {
 public:
  // `post` is post_write_request except in tests.
  RemoteWriteSender(Buffer& buffer, RemoteWriteEndpoint endpoint, const RemoteWriteConfig& config,
                    PostFunction post = post_write_request);
  ~RemoteWriteSender();
  RemoteWriteSender(const RemoteWriteSender&) = delete;
  RemoteWriteSender& operator=(const RemoteWriteSender&) = delete;

  void start();
  SenderStats stats() const;

 private:
  void run();
  // One request; returns the delay before the next one (0 = at once).
  std::chrono::milliseconds send_once();
  bool sleep_for(std::chrono::milliseconds delay);  // false when stopping
  void refresh_pending(std::uint64_t position);

  Buffer& buffer_;
  RemoteWriteEndpoint endpoint_;
  RemoteWriteConfig config_;
  PostFunction post_;
  std::uint64_t position_ = 0;
  int attempt_ = 0;
  std::chrono::steady_clock::time_point next_allowed_;  // rate limit
  // Backoff jitter, used by the sender's thread only. A member, not a
  // thread_local std::mt19937: that one's 5,000 bytes were in every
  // thread's static TLS block (25 threads on the twin).
  std::minstd_rand jitter_{std::random_device{}()};

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::atomic<bool> cancel_{false};  // aborts a request in flight on shutdown
  SenderStats stats_;
  std::thread thread_;
};

nlohmann::json sender_stats_json(const SenderStats& stats);

}  // namespace ainode
