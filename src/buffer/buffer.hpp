#pragma once
// The local buffer: every collection cycle, kept on disk in the state
// directory (SqliteLog) for remote_write replay and /v1/query_range.
//
// append() is called from the scheduler callback and never blocks: it hands
// the snapshot to the buffer's own thread through a bounded queue, which
// encodes, compresses, writes (one fsynced commit per cycle) and evicts.
// When the disk refuses a write (full, quota, I/O error) the buffer keeps
// cycles in memory (bounded), says so loudly in its status, and retries the
// disk every disk_retry_interval, moving the memory cycles there in order.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "buffer/sqlite_log.hpp"
#include "buffer/stored_cycle.hpp"
#include "core/snapshot.hpp"

namespace ainode {

struct BufferOptions {
  std::string directory;  // "" = no usable state directory: memory only
  std::string directory_problem;  // why there is none, for the status
  bool memory_by_choice = false;  // buffer.enable = false: memory only is configured, not a fault
  std::int64_t max_bytes = 256LL * 1024 * 1024;
  std::chrono::milliseconds max_age = std::chrono::hours(24);
  std::int64_t memory_max_bytes = 64LL * 1024 * 1024;  // the degraded mode's bound
  std::size_t queue_capacity = 16;                     // snapshots waiting for the writer
  std::chrono::milliseconds disk_retry_interval = std::chrono::seconds(30);
};

struct BufferStatus {
  std::string mode;   // "disk" or "memory"
  std::string problem;  // why memory, or "" on disk
  bool degraded = false;  // memory only although the disk was wanted
  std::string path;
  LogRecovery recovery;
  std::int64_t cycles = 0, samples = 0, data_bytes = 0, file_bytes = 0, memory_cycles = 0;
  std::int64_t appended_cycles_total = 0, appended_samples_total = 0;
  std::map<std::string, std::int64_t> dropped_samples_total;  // by reason
  std::int64_t disk_errors_total = 0;
  double write_seconds_total = 0;  // encode + compress + commit, summed
  std::uint64_t last_seq = 0;
};

class Buffer {
 public:
  explicit Buffer(BufferOptions options);
  ~Buffer();  // writes what is queued, then stops
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  // Never blocks on I/O. A full queue (the disk stalled for many cycles)
  // drops the oldest queued snapshot, counted as reason "queue_full".
  void append(std::shared_ptr<const Snapshot> snapshot);

  // Cycles with seq > after, oldest first, up to max_samples (at least one).
  std::vector<StoredCycle> read_after(std::uint64_t after, std::int64_t max_samples);
  std::vector<StoredCycle> read_time_range(std::int64_t start_ms, std::int64_t end_ms);
  PendingCycles pending_after(std::uint64_t after);
  // Blocks until a cycle with seq > after is stored or `timeout` passes.
  void wait_for(std::uint64_t after, std::chrono::milliseconds timeout);

  // Send positions (last seq acknowledged) per receiver, kept with the data.
  std::optional<std::uint64_t> position(const std::string& receiver);
  void save_position(const std::string& receiver, std::uint64_t seq);
  // Samples evicted before `receiver` had sent them, since start.
  std::int64_t evicted_unsent_samples(const std::string& receiver);

  std::uint64_t last_seq();
  // As of the last write; never waits for the disk (the collector reads it).
  BufferStatus status();
  // Waits until every appended snapshot is written (tests, benchmarks).
  void flush();

 private:
  void run();
  void write(const Snapshot& snapshot);
  void store(StoredCycle cycle);
  void to_memory(StoredCycle cycle);
  void try_disk_again();
  void evict_disk();
  void note_evicted(std::uint64_t seq, std::int64_t samples, const std::string& reason);
  void update_status();  // with store_mutex_ held

  BufferOptions options_;

  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<std::shared_ptr<const Snapshot>> queue_;
  bool writing_ = false;
  std::int64_t queued_drops_ = 0;  // samples of snapshots the full queue dropped
  bool stop_ = false;

  std::mutex store_mutex_;
  std::condition_variable stored_;
  SqliteLog log_;
  bool on_disk_ = false;
  std::string problem_;
  std::deque<StoredCycle> memory_;
  std::int64_t memory_bytes_ = 0;
  std::uint64_t next_seq_ = 1;
  std::map<std::string, std::uint64_t> positions_;
  std::map<std::string, std::int64_t> evicted_unsent_;
  std::chrono::steady_clock::time_point next_disk_retry_;
  BufferStatus counters_;

  std::mutex status_mutex_;
  BufferStatus status_;

  std::thread thread_;
};

// The status as JSON for /v1/status.
nlohmann::json buffer_status_json(const BufferStatus& status);

}  // namespace ainode
