#include "core/time_window.hpp"

#include <gtest/gtest.h>

using namespace ainode;
using namespace std::chrono_literals;

namespace {
TimeWindow<double>::Clock::time_point at(int seconds) {
  return TimeWindow<double>::Clock::time_point(std::chrono::seconds(1'700'000'000 + seconds));
}
}  // namespace

TEST(TimeWindow, KeepsOnlyTheConfiguredDuration) {
  TimeWindow<double> window(10s);
  for (int t = 0; t <= 30; ++t) window.push(at(t), t);
  EXPECT_EQ(window.points().front().time, at(20));
  EXPECT_EQ(window.size(), 11u);
}

TEST(TimeWindow, BoundedByPointCountToo) {
  TimeWindow<double> window(1h, 5);
  for (int t = 0; t < 100; ++t) window.push(at(t), t);
  EXPECT_EQ(window.size(), 5u);
  EXPECT_DOUBLE_EQ(window.points().front().value, 95);
}

TEST(TimeWindow, OutOfOrderPointIsDropped) {
  TimeWindow<double> window(1min);
  window.push(at(10), 1);
  window.push(at(5), 2);
  ASSERT_EQ(window.size(), 1u);
  EXPECT_DOUBLE_EQ(window.newest()->value, 1);
}

TEST(TimeWindow, StatsOverTheLastSpan) {
  TimeWindow<double> window(1min);
  for (int t = 0; t < 60; ++t) window.push(at(t), t < 30 ? 0.9 : 0.1);
  auto last = window_stats(window, at(59), 9s);  // t = 50..59
  ASSERT_TRUE(last);
  EXPECT_EQ(last->count, 10u);
  EXPECT_DOUBLE_EQ(last->mean, 0.1);
  auto all = window_stats(window, at(59), 1min);
  ASSERT_TRUE(all);
  EXPECT_DOUBLE_EQ(all->max, 0.9);
  EXPECT_DOUBLE_EQ(all->min, 0.1);
  EXPECT_EQ(window.covered(at(59), 9s), 9s);
  EXPECT_FALSE(window_stats(TimeWindow<double>(1min), at(0), 1min));
}
