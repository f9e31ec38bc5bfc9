#include "remote_write/retry_policy.hpp"

#include <gtest/gtest.h>

namespace ainode {
namespace {

using namespace std::chrono_literals;

TEST(RetryPolicy, FollowsTheRemoteWriteSpec) {
  EXPECT_EQ(classify_response(204, "").verdict, SendVerdict::sent);
  EXPECT_EQ(classify_response(200, "").verdict, SendVerdict::sent);
  EXPECT_EQ(classify_response(500, "internal").verdict, SendVerdict::retry);
  EXPECT_EQ(classify_response(503, "").verdict, SendVerdict::retry);
  EXPECT_EQ(classify_response(429, "slow down").verdict, SendVerdict::retry);
  EXPECT_EQ(classify_response(0, "").verdict, SendVerdict::retry);  // connection refused
  auto bad = classify_response(400, "invalid labels");
  EXPECT_EQ(bad.verdict, SendVerdict::drop);
  EXPECT_EQ(bad.reason, "http_400");
  EXPECT_EQ(classify_response(413, "").reason, "http_413");
}

// Debian 12's Prometheus 2.42 answers these (research notes, verified there).
TEST(RetryPolicy, RecognisesNonRetryableAnswersByTheirBody) {
  auto too_old = classify_response(500, "too old sample\n");
  EXPECT_EQ(too_old.verdict, SendVerdict::drop);
  EXPECT_EQ(too_old.reason, "too_old");
  EXPECT_EQ(classify_response(400, "out of bounds").reason, "out_of_bounds");
  EXPECT_EQ(classify_response(400, "out of order sample").reason, "out_of_order");
}

TEST(RetryPolicy, BackoffDoublesUpToTheCapWithJitterInTheUpperHalf) {
  EXPECT_EQ(backoff_delay(0, 100ms, 10s, 1.0), 100ms);
  EXPECT_EQ(backoff_delay(1, 100ms, 10s, 1.0), 200ms);
  EXPECT_EQ(backoff_delay(3, 100ms, 10s, 1.0), 800ms);
  EXPECT_EQ(backoff_delay(30, 100ms, 10s, 1.0), 10s);
  EXPECT_EQ(backoff_delay(1000, 100ms, 10s, 1.0), 10s);
  EXPECT_EQ(backoff_delay(3, 100ms, 10s, 0.0), 400ms);
  EXPECT_EQ(backoff_delay(30, 100ms, 10s, 0.0), 5s);
}

TEST(RetryPolicy, RetryAfterAsSecondsOrHttpDate) {
  auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parse_retry_after("5", now), 5s);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0s);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now), 30s);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), 0s);  // in the past: at once
  EXPECT_FALSE(parse_retry_after("", now).has_value());
  EXPECT_FALSE(parse_retry_after("-3", now).has_value());
  EXPECT_FALSE(parse_retry_after("soon", now).has_value());
}

}  // namespace
}  // namespace ainode
