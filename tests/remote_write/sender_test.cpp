#include "remote_write/sender.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <thread>

#include "buffer/buffer_test_support.hpp"

namespace ainode {
namespace {

using namespace std::chrono_literals;
using testing::make_snapshot;
using testing::StateDirectory;
using testing::wall_ms;

// A receiver in the test process: decodes what it is sent the way a
// remote_write receiver does and answers from a script (then 204).
class FakeReceiver {
 public:
  void script(std::vector<PostResult> answers) {
    std::lock_guard lock(mutex_);
    answers_.assign(answers.begin(), answers.end());
  }
  void set_down(bool down) {
    std::lock_guard lock(mutex_);
    down_ = down;
  }
  PostFunction post() {
    return [this](const RemoteWriteEndpoint&, const std::string& body, std::chrono::milliseconds,
                  const std::atomic<bool>&) {
      std::lock_guard lock(mutex_);
      calls_.push_back(std::chrono::steady_clock::now());
      if (down_) return PostResult{0, "", "", "Connection refused"};
      PostResult answer{204, "", "", ""};
      if (!answers_.empty()) {
        answer = answers_.front();
        answers_.pop_front();
      }
      if (answer.status >= 200 && answer.status < 300) {
        prometheus::WriteRequest request;
        auto raw = snappy_block_uncompress(body);
        EXPECT_TRUE(raw && request.ParseFromString(*raw));
        for (const auto& series : request.timeseries()) {
          std::string device;
          for (const auto& label : series.labels()) {
            if (label.name() == "device") device = label.value();
          }
          for (const auto& sample : series.samples()) {
            if (device == "dev0") accepted_.push_back(sample.timestamp());
          }
        }
      }
      return answer;
    };
  }
  std::vector<std::int64_t> accepted() {
    std::lock_guard lock(mutex_);
    return accepted_;
  }
  std::vector<std::chrono::steady_clock::time_point> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::mutex mutex_;
  std::deque<PostResult> answers_;
  bool down_ = false;
  std::vector<std::int64_t> accepted_;  // timestamps of series dev0, in arrival order
  std::vector<std::chrono::steady_clock::time_point> calls_;
};

RemoteWriteConfig fast_config() {
  RemoteWriteConfig config;
  config.min_backoff = 1ms;
  config.max_backoff = 20ms;
  config.max_samples_per_send = 6;  // two cycles of three samples per request
  config.max_samples_per_second = 1'000'000;
  return config;
}

RemoteWriteEndpoint endpoint() {
  RemoteWriteEndpoint e;
  e.url = "http://receiver.test/api/v1/write";
  return e;
}

template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit = 5s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

std::vector<std::int64_t> timestamps(std::int64_t start, int count) {
  std::vector<std::int64_t> out;
  for (int i = 0; i < count; ++i) out.push_back(start + i * 1000);
  return out;
}

TEST(RemoteWriteSender, SendsEveryCycleOnceInOrderAndSavesThePosition) {
  StateDirectory state;
  Buffer buffer(state.options());
  FakeReceiver receiver;
  RemoteWriteSender sender(buffer, endpoint(), fast_config(), receiver.post());
  sender.start();
  std::int64_t start = wall_ms() - 60'000;
  for (int i = 0; i < 5; ++i) buffer.append(make_snapshot(start + i * 1000, i));
  ASSERT_TRUE(eventually([&] { return receiver.accepted().size() == 5; }));
  EXPECT_EQ(receiver.accepted(), timestamps(start, 5));
  ASSERT_TRUE(eventually([&] { return sender.stats().pending_samples == 0; }));
  auto stats = sender.stats();
  EXPECT_EQ(stats.samples_sent_total, 15);
  EXPECT_GT(stats.bytes_sent_total, 0);
  EXPECT_EQ(stats.retries_total, 0);
  EXPECT_EQ(buffer.position(endpoint().url), 5u);
}

TEST(RemoteWriteSender, Retries5xxAndNoAnswerWithoutDuplicatingOrReordering) {
  StateDirectory state;
  Buffer buffer(state.options());
  FakeReceiver receiver;
  receiver.script({{500, "boom", "", ""}, {503, "", "", ""}, {0, "", "", "timeout"}});
  RemoteWriteSender sender(buffer, endpoint(), fast_config(), receiver.post());
  sender.start();
  std::int64_t start = wall_ms() - 60'000;
  for (int i = 0; i < 4; ++i) buffer.append(make_snapshot(start + i * 1000, i));
  ASSERT_TRUE(eventually([&] { return receiver.accepted().size() == 4; }));
  EXPECT_EQ(receiver.accepted(), timestamps(start, 4));
  // The receiver records a batch before post() returns and the sender
  // counts it: wait for the count, not only for the receiver.
  ASSERT_TRUE(eventually([&] { return sender.stats().samples_sent_total == 12; }))
      << sender.stats().samples_sent_total;
  auto stats = sender.stats();
  EXPECT_EQ(stats.retries_total, 3);
  EXPECT_GT(stats.samples_failed_total, 0);
  EXPECT_EQ(stats.samples_sent_total, 12);
}

TEST(RemoteWriteSender, Drops4xxAndNonRetryable5xxCountedByReason) {
  StateDirectory state;
  Buffer buffer(state.options());
  FakeReceiver receiver;
  receiver.script({{400, "bad labels", "", ""}, {500, "too old sample", "", ""}});
  auto config = fast_config();
  config.max_samples_per_send = 3;  // one cycle per request
  RemoteWriteSender sender(buffer, endpoint(), config, receiver.post());
  sender.start();
  std::int64_t start = wall_ms() - 60'000;
  for (int i = 0; i < 4; ++i) buffer.append(make_snapshot(start + i * 1000, i));
  ASSERT_TRUE(eventually([&] { return receiver.accepted().size() == 2; }));
  EXPECT_EQ(receiver.accepted(), (std::vector<std::int64_t>{start + 2000, start + 3000}));
  auto stats = sender.stats();
  EXPECT_EQ(stats.samples_dropped_total["http_400"], 3);
  EXPECT_EQ(stats.samples_dropped_total["too_old"], 3);
  EXPECT_EQ(stats.retries_total, 0);
  EXPECT_EQ(receiver.calls().size(), 4u);
}

TEST(RemoteWriteSender, HonoursRetryAfterOn429) {
  StateDirectory state;
  Buffer buffer(state.options());
  FakeReceiver receiver;
  receiver.script({{429, "rate limited", "1", ""}});
  RemoteWriteSender sender(buffer, endpoint(), fast_config(), receiver.post());
  sender.start();
  buffer.append(make_snapshot(wall_ms() - 1000, 1));
  ASSERT_TRUE(eventually([&] { return receiver.accepted().size() == 1; }));
  auto calls = receiver.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_GE(calls[1] - calls[0], 950ms);  // not the 1-20 ms backoff
  EXPECT_EQ(sender.stats().retries_total, 1);
}

TEST(RemoteWriteSender, SamplesOlderThanMaxSampleAgeAreDroppedNotSent) {
  StateDirectory state;
  Buffer buffer(state.options());
  FakeReceiver receiver;
  auto config = fast_config();
  config.max_sample_age = 1h;
  RemoteWriteSender sender(buffer, endpoint(), config, receiver.post());
  sender.start();
  std::int64_t now = wall_ms();
  buffer.append(make_snapshot(now - 2 * 3'600'000, 1));
  buffer.append(make_snapshot(now - 1000, 2));
  ASSERT_TRUE(eventually([&] { return receiver.accepted().size() == 1; }));
  EXPECT_EQ(receiver.accepted(), std::vector<std::int64_t>{now - 1000});
  EXPECT_EQ(sender.stats().samples_dropped_total["too_old"], 3);
}

// Prometheus agent mode loses its backlog when it restarts during an outage
// (prometheus#13542); here the restart resumes at the saved position.
TEST(RemoteWriteSender, RestartDuringAnOutageResumesWithNoGapAndNoDuplicate) {
  StateDirectory state;
  FakeReceiver receiver;
  std::int64_t start = wall_ms() - 60'000;
  {
    Buffer buffer(state.options());
    RemoteWriteSender sender(buffer, endpoint(), fast_config(), receiver.post());
    sender.start();
    for (int i = 0; i < 3; ++i) buffer.append(make_snapshot(start + i * 1000, i));
    ASSERT_TRUE(eventually([&] { return receiver.accepted().size() == 3; }));
    ASSERT_TRUE(eventually([&] { return buffer.position(endpoint().url) == 3u; }));
    receiver.set_down(true);
    for (int i = 3; i < 8; ++i) buffer.append(make_snapshot(start + i * 1000, i));
    buffer.flush();
    ASSERT_TRUE(eventually([&] { return sender.stats().retries_total >= 2; }));
  }
  receiver.set_down(false);
  Buffer buffer(state.options());
  RemoteWriteSender sender(buffer, endpoint(), fast_config(), receiver.post());
  sender.start();
  for (int i = 8; i < 10; ++i) buffer.append(make_snapshot(start + i * 1000, i));
  ASSERT_TRUE(eventually([&] { return receiver.accepted().size() >= 10; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(receiver.accepted(), timestamps(start, 10));
}

TEST(RemoteWriteSender, ReplayIsBoundedByMaxSamplesPerSecond) {
  StateDirectory state;
  Buffer buffer(state.options());
  FakeReceiver receiver;
  std::int64_t start = wall_ms() - 60'000;
  buffer.save_position(endpoint().url, 0);  // a backlog from before the start
  for (int i = 0; i < 10; ++i) buffer.append(make_snapshot(start + i * 1000, i));
  buffer.flush();
  auto config = fast_config();
  config.max_samples_per_second = 30;  // 30 samples = 1 s, at 6 per request
  RemoteWriteSender sender(buffer, endpoint(), config, receiver.post());
  auto began = std::chrono::steady_clock::now();
  sender.start();
  ASSERT_TRUE(eventually([&] { return receiver.accepted().size() == 10; }));
  // 5 requests of 6 samples: the first goes at once, the last after 4 x 200 ms.
  EXPECT_GE(std::chrono::steady_clock::now() - began, 750ms);
  EXPECT_EQ(receiver.accepted(), timestamps(start, 10));
}

}  // namespace
}  // namespace ainode

namespace ainode {
namespace {

// A receiver that never answers must not hold up shutdown for the request
// timeout: the request in flight is cancelled.
TEST(RemoteWriteSender, ShutdownCancelsARequestToAHungReceiver) {
  StateDirectory state;
  Buffer buffer(state.options());
  std::atomic<bool> in_flight{false};
  auto config = fast_config();
  config.timeout = 60s;
  auto sender = std::make_unique<RemoteWriteSender>(
      buffer, endpoint(), config,
      [&](const RemoteWriteEndpoint&, const std::string&, std::chrono::milliseconds timeout,
          const std::atomic<bool>& cancel) {
        in_flight = true;
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!cancel && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
        return PostResult{0, "", "", "aborted"};
      });
  sender->start();
  buffer.append(make_snapshot(wall_ms(), 1));
  ASSERT_TRUE(eventually([&] { return in_flight.load(); }));
  auto began = std::chrono::steady_clock::now();
  sender.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
}

}  // namespace
}  // namespace ainode
