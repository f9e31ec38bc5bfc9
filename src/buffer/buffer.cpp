#include "buffer/buffer.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/unix_millis.hpp"
#include "remote_write/snappy_block.hpp"
#include "remote_write/write_request.hpp"

namespace ainode {

Buffer::Buffer(BufferOptions options) : options_(std::move(options)) {
  if (options_.directory.empty()) {
    problem_ = "no state directory: " + options_.directory_problem;
  } else {
    std::string path = options_.directory + "/buffer.db";
    counters_.path = path;
    if (auto error = log_.open(path)) {
      problem_ = path + ": " + *error;
    } else {
      on_disk_ = true;
      next_seq_ = log_.last_seq() + 1;
      const auto& recovery = log_.recovery();
      if (!recovery.torn_wal.empty()) spdlog::warn("buffer {}: {}", path, recovery.torn_wal);
      if (!recovery.set_aside.empty()) spdlog::error("buffer {}: unreadable, moved to {}", path, recovery.set_aside);
      if (recovery.corrupt_rows > 0) spdlog::error("buffer {}: {} corrupt cycles cut", path, recovery.corrupt_rows);
      spdlog::info("buffer {}: {} cycles, {} samples, {} bytes", path, log_.cycles(), log_.samples(),
                   log_.data_bytes());
    }
  }
  if (!on_disk_ && !options_.memory_by_choice) {
    spdlog::error("buffer is memory-only (history is lost on restart): {}", problem_);
  }
  update_status();
  next_disk_retry_ = std::chrono::steady_clock::now() + options_.disk_retry_interval;
  thread_ = std::thread([this] { run(); });
}

Buffer::~Buffer() {
  {
    std::lock_guard lock(queue_mutex_);
    stop_ = true;
  }
  queue_changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Buffer::append(std::shared_ptr<const Snapshot> snapshot) {
  std::int64_t dropped = 0;
  {
    std::lock_guard lock(queue_mutex_);
    if (queue_.size() >= options_.queue_capacity) {
      for (const auto& family : queue_.front()->families) dropped += static_cast<std::int64_t>(family.samples.size());
      queue_.pop_front();
      // Counted through the queue lock: the store lock may be held across I/O.
      queued_drops_ += dropped;
    }
    queue_.push_back(std::move(snapshot));
  }
  queue_changed_.notify_all();
}

void Buffer::run() {
  std::unique_lock lock(queue_mutex_);
  while (true) {
    queue_changed_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty() && stop_) break;
    auto snapshot = std::move(queue_.front());
    queue_.pop_front();
    std::int64_t drops = std::exchange(queued_drops_, 0);
    writing_ = true;
    lock.unlock();
    if (drops > 0) {
      std::lock_guard store_lock(store_mutex_);
      counters_.dropped_samples_total["queue_full"] += drops;
    }
    write(*snapshot);
    snapshot.reset();
    lock.lock();
    writing_ = false;
    queue_changed_.notify_all();
  }
}

void Buffer::write(const Snapshot& snapshot) {
  auto started = std::chrono::steady_clock::now();
  auto taken_at_ms = unix_millis(snapshot.taken_at);
  StoredCycle cycle{0, taken_at_ms, 0, {}};
  {
    // The uncompressed request (~0.5 MB on the 8-GPU twin) is freed before
    // the disk write, which can wait on fsync for a large part of a cycle.
    auto encoded = encode_cycle(snapshot.families, taken_at_ms);
    cycle.samples = encoded.samples;
    cycle.data = snappy_block_compress(encoded.bytes);
  }
  std::lock_guard lock(store_mutex_);
  cycle.seq = next_seq_++;
  ++counters_.appended_cycles_total;
  counters_.appended_samples_total += cycle.samples;
  store(std::move(cycle));
  counters_.write_seconds_total += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  update_status();
  stored_.notify_all();
}

void Buffer::store(StoredCycle cycle) {
  if (!on_disk_ && log_.is_open() && std::chrono::steady_clock::now() >= next_disk_retry_) try_disk_again();
  if (!on_disk_) {
    to_memory(std::move(cycle));
    return;
  }
  auto written = log_.append(cycle);
  if (!written.ok) {
    ++counters_.disk_errors_total;
    spdlog::error("buffer: disk write failed ({}); keeping cycles in memory (at most {} bytes) until it works again",
                  written.error, options_.memory_max_bytes);
    on_disk_ = false;
    problem_ = "disk write failed: " + written.error;
    next_disk_retry_ = std::chrono::steady_clock::now() + options_.disk_retry_interval;
    to_memory(std::move(cycle));
    return;
  }
  evict_disk();
}

void Buffer::to_memory(StoredCycle cycle) {
  memory_bytes_ += static_cast<std::int64_t>(cycle.data.size());
  memory_.push_back(std::move(cycle));
  std::int64_t oldest_allowed = unix_millis_now() - options_.max_age.count();
  while (!memory_.empty() && (memory_bytes_ > std::min(options_.memory_max_bytes, options_.max_bytes) ||
                              memory_.front().taken_at_ms < oldest_allowed)) {
    const auto& front = memory_.front();
    note_evicted(front.seq, front.samples, front.taken_at_ms < oldest_allowed ? "max_age" : "memory_full");
    memory_bytes_ -= static_cast<std::int64_t>(front.data.size());
    memory_.pop_front();
  }
}

// Moves the memory cycles to disk, oldest first; stays in memory on the
// first failure (the cycles not yet moved stay where they are).
void Buffer::try_disk_again() {
  next_disk_retry_ = std::chrono::steady_clock::now() + options_.disk_retry_interval;
  while (!memory_.empty()) {
    auto written = log_.append(memory_.front());
    if (!written.ok) {
      ++counters_.disk_errors_total;
      problem_ = "disk write failed: " + written.error;
      return;
    }
    memory_bytes_ -= static_cast<std::int64_t>(memory_.front().data.size());
    memory_.pop_front();
  }
  for (const auto& [receiver, seq] : positions_) log_.save_position(receiver, seq);
  on_disk_ = true;
  problem_.clear();
  spdlog::info("buffer: disk writable again, cycles kept in memory are now on disk");
  evict_disk();
}

void Buffer::evict_disk() {
  for (const auto& evicted : log_.evict(options_.max_bytes, unix_millis_now() - options_.max_age.count())) {
    note_evicted(evicted.seq, evicted.samples, evicted.too_old ? "max_age" : "max_bytes");
  }
}

void Buffer::note_evicted(std::uint64_t seq, std::int64_t samples, const std::string& reason) {
  counters_.dropped_samples_total[reason] += samples;
  for (const auto& [receiver, position] : positions_) {
    if (position < seq) evicted_unsent_[receiver] += samples;
  }
}

std::vector<StoredCycle> Buffer::read_after(std::uint64_t after, std::int64_t max_samples) {
  std::lock_guard lock(store_mutex_);
  // Disk cycles are all older than memory ones: memory only ever holds what
  // came after the disk failed.
  auto out = log_.read_after(after, max_samples);
  std::int64_t samples = 0;
  for (const auto& cycle : out) samples += cycle.samples;
  for (const auto& cycle : memory_) {
    if (cycle.seq <= after) continue;
    if (!out.empty() && samples + cycle.samples > max_samples) break;
    out.push_back(cycle);
    samples += cycle.samples;
  }
  return out;
}

std::vector<StoredCycle> Buffer::read_time_range(std::int64_t start_ms, std::int64_t end_ms) {
  std::lock_guard lock(store_mutex_);
  auto out = log_.read_time_range(start_ms, end_ms);
  for (const auto& cycle : memory_) {
    if (cycle.taken_at_ms >= start_ms && cycle.taken_at_ms <= end_ms) out.push_back(cycle);
  }
  return out;
}

void Buffer::wait_for(std::uint64_t after, std::chrono::milliseconds timeout) {
  std::unique_lock lock(store_mutex_);
  stored_.wait_for(lock, timeout, [&] { return next_seq_ - 1 > after; });
}

std::optional<std::uint64_t> Buffer::position(const std::string& receiver) {
  std::lock_guard lock(store_mutex_);
  if (auto found = positions_.find(receiver); found != positions_.end()) return found->second;
  auto stored = log_.position(receiver);
  if (stored) positions_[receiver] = *stored;
  return stored;
}

void Buffer::save_position(const std::string& receiver, std::uint64_t seq) {
  std::lock_guard lock(store_mutex_);
  positions_[receiver] = seq;
  if (!on_disk_) return;  // written when the disk comes back (try_disk_again)
  auto written = log_.save_position(receiver, seq);
  if (!written.ok) {
    ++counters_.disk_errors_total;
    spdlog::warn("buffer: cannot save the send position of {}: {}", receiver, written.error);
  }
}

std::int64_t Buffer::evicted_unsent_samples(const std::string& receiver) {
  std::lock_guard lock(store_mutex_);
  auto found = evicted_unsent_.find(receiver);
  return found == evicted_unsent_.end() ? 0 : found->second;
}

std::uint64_t Buffer::last_seq() {
  std::lock_guard lock(store_mutex_);
  return next_seq_ - 1;
}

PendingCycles Buffer::pending_after(std::uint64_t after) {
  std::lock_guard lock(store_mutex_);
  auto out = log_.pending_after(after);
  for (const auto& cycle : memory_) {
    if (cycle.seq <= after) continue;
    if (out.cycles == 0) out.oldest_ms = cycle.taken_at_ms;
    ++out.cycles;
    out.samples += cycle.samples;
    out.newest_ms = std::max(out.newest_ms, cycle.taken_at_ms);
  }
  return out;
}

BufferStatus Buffer::status() {
  std::lock_guard lock(status_mutex_);
  return status_;
}

void Buffer::update_status() {
  BufferStatus out = counters_;
  out.mode = on_disk_ ? "disk" : "memory";
  out.degraded = !on_disk_ && !options_.memory_by_choice;
  out.problem = problem_;
  out.recovery = log_.recovery();
  out.cycles = log_.cycles() + static_cast<std::int64_t>(memory_.size());
  out.samples = log_.samples();
  for (const auto& cycle : memory_) out.samples += cycle.samples;
  out.data_bytes = log_.data_bytes() + memory_bytes_;
  out.file_bytes = log_.is_open() ? log_.file_bytes() : 0;
  out.memory_cycles = static_cast<std::int64_t>(memory_.size());
  out.last_seq = next_seq_ - 1;
  std::lock_guard lock(status_mutex_);
  status_ = std::move(out);
}

void Buffer::flush() {
  std::unique_lock lock(queue_mutex_);
  queue_changed_.wait(lock, [this] { return queue_.empty() && !writing_; });
}

nlohmann::json buffer_status_json(const BufferStatus& s) {
  nlohmann::json recovery = {{"torn_wal", s.recovery.torn_wal},
                             {"set_aside", s.recovery.set_aside},
                             {"corrupt_cycles_cut", s.recovery.corrupt_rows}};
  return {{"mode", s.mode},
          {"degraded", s.degraded},
          {"problem", s.problem},
          {"path", s.path},
          {"recovery", recovery},
          {"cycles", s.cycles},
          {"samples", s.samples},
          {"data_bytes", s.data_bytes},
          {"file_bytes", s.file_bytes},
          {"memory_cycles", s.memory_cycles},
          {"appended_cycles_total", s.appended_cycles_total},
          {"appended_samples_total", s.appended_samples_total},
          {"dropped_samples_total", s.dropped_samples_total},
          {"disk_errors_total", s.disk_errors_total},
          {"last_seq", s.last_seq}};
}

}  // namespace ainode
