#include "remote_write/sender.hpp"

#include <random>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/unix_millis.hpp"
#include "remote_write/retry_policy.hpp"
#include "remote_write/snappy_block.hpp"
#include "remote_write/write_request.hpp"

namespace ainode {

RemoteWriteSender::RemoteWriteSender(Buffer& buffer, RemoteWriteEndpoint endpoint, const RemoteWriteConfig& config,
                                     PostFunction post)
    : buffer_(buffer), endpoint_(std::move(endpoint)), config_(config), post_(std::move(post)) {
  stats_.url = endpoint_.url;
}

RemoteWriteSender::~RemoteWriteSender() {
  cancel_ = true;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RemoteWriteSender::start() {
  // A receiver seen for the first time starts at the newest cycle, as
  // Prometheus does; one with a saved position resumes after it.
  if (auto saved = buffer_.position(endpoint_.url)) {
    position_ = *saved;
    spdlog::info("remote_write {}: resuming after cycle {}", endpoint_.url, position_);
  } else {
    position_ = buffer_.last_seq();
    buffer_.save_position(endpoint_.url, position_);
  }
  thread_ = std::thread([this] { run(); });
}

SenderStats RemoteWriteSender::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

bool RemoteWriteSender::sleep_for(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, delay, [this] { return stop_; });
}

void RemoteWriteSender::run() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
    auto delay = send_once();
    if (delay.count() > 0 && !sleep_for(delay)) return;
  }
}

void RemoteWriteSender::refresh_pending(std::uint64_t position) {
  auto pending = buffer_.pending_after(position);
  std::lock_guard lock(mutex_);
  stats_.pending_samples = pending.samples;
  stats_.lag_seconds = pending.cycles > 0 ? static_cast<double>(pending.newest_ms - pending.oldest_ms) / 1000.0 : 0;
  stats_.position = position;
  stats_.samples_dropped_total["evicted"] = buffer_.evicted_unsent_samples(endpoint_.url);
}

std::chrono::milliseconds RemoteWriteSender::send_once() {
  auto cycles = buffer_.read_after(position_, config_.max_samples_per_send);
  refresh_pending(position_);
  if (cycles.empty()) {
    buffer_.wait_for(position_, std::chrono::seconds(1));
    return std::chrono::milliseconds(0);
  }
  BatchBuilder batch(endpoint_.external_labels, unix_millis_now() - config_.max_sample_age.count());
  std::int64_t corrupt = 0;
  for (const auto& cycle : cycles) {
    auto raw = snappy_block_uncompress(cycle.data);
    if (!raw || !batch.add_cycle(*raw)) corrupt += cycle.samples;
  }
  std::uint64_t last = cycles.back().seq;
  auto advance = [&] {
    position_ = last;
    attempt_ = 0;
    buffer_.save_position(endpoint_.url, position_);
  };
  {
    std::lock_guard lock(mutex_);
    if (batch.too_old() > 0) stats_.samples_dropped_total["too_old"] += batch.too_old();
    if (corrupt > 0) stats_.samples_dropped_total["corrupt"] += corrupt;
  }
  if (batch.samples() == 0) {
    advance();
    return std::chrono::milliseconds(0);
  }

  // Rate bound: a replay after an outage must not flood the receiver, and
  // new cycles queue behind it in order.
  auto now = std::chrono::steady_clock::now();
  if (next_allowed_ > now) {
    if (!sleep_for(std::chrono::duration_cast<std::chrono::milliseconds>(next_allowed_ - now))) return {};
    now = std::chrono::steady_clock::now();
  }
  next_allowed_ = std::max(next_allowed_, now) +
                  std::chrono::microseconds(batch.samples() * 1'000'000 / std::max<std::int64_t>(1, config_.max_samples_per_second));

  std::string body = snappy_block_compress(batch.serialize());
  auto answer = post_(endpoint_, body, config_.timeout, cancel_);
  auto outcome = classify_response(answer.status, answer.body);
  std::lock_guard lock(mutex_);
  stats_.last_status = answer.status;
  switch (outcome.verdict) {
    case SendVerdict::sent:
      stats_.samples_sent_total += batch.samples();
      stats_.bytes_sent_total += static_cast<std::int64_t>(body.size());
      stats_.last_error.clear();
      advance();
      return std::chrono::milliseconds(0);
    case SendVerdict::drop:
      stats_.samples_dropped_total[outcome.reason] += batch.samples();
      stats_.last_error = "HTTP " + std::to_string(answer.status) + ": " + answer.body.substr(0, 200);
      spdlog::warn("remote_write {}: {} samples dropped ({}): {}", endpoint_.url, batch.samples(), outcome.reason,
                   stats_.last_error);
      advance();
      return std::chrono::milliseconds(0);
    case SendVerdict::retry:
      break;
  }
  stats_.samples_failed_total += batch.samples();
  ++stats_.retries_total;
  stats_.last_error = answer.status == 0 ? answer.error
                                         : "HTTP " + std::to_string(answer.status) + ": " + answer.body.substr(0, 200);
  if (attempt_ == 0) spdlog::warn("remote_write {}: send failed, retrying: {}", endpoint_.url, stats_.last_error);
  auto delay = backoff_delay(attempt_++, config_.min_backoff, config_.max_backoff,
                             std::uniform_real_distribution<double>(0, 1)(jitter_));
  if (auto retry_after = parse_retry_after(answer.retry_after, std::chrono::system_clock::now())) {
    delay = std::min(*retry_after, std::chrono::duration_cast<std::chrono::milliseconds>(config_.max_sample_age));
  }
  // The batch is rebuilt from the buffer on the next try, so samples that
  // aged past max_sample_age meanwhile are dropped instead of retried.
  return delay;
}

nlohmann::json sender_stats_json(const SenderStats& s) {
  return {{"url", s.url},
          {"samples_sent_total", s.samples_sent_total},
          {"samples_failed_total", s.samples_failed_total},
          {"retries_total", s.retries_total},
          {"bytes_sent_total", s.bytes_sent_total},
          {"samples_dropped_total", s.samples_dropped_total},
          {"pending_samples", s.pending_samples},
          {"lag_seconds", s.lag_seconds},
          {"last_status", s.last_status},
          {"last_error", s.last_error},
          {"position", s.position}};
}

}  // namespace ainode
