#include "efficiency/energy_timeline.hpp"

#include <gtest/gtest.h>

namespace ainode {
namespace {

using Clock = std::chrono::system_clock;
Clock::time_point at(double seconds) {
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds + 1.7e9)));
}

TEST(EnergyTimeline, IntegratesPowerBetweenStaleCounterReadsAndReanchors) {
  EnergyTimeline timeline(std::chrono::minutes(15));
  // The counter is read at t = 0 and t = 30 only (gpu.slow_read_interval); power every second.
  for (int t = 0; t <= 40; ++t) {
    double counter = t < 30 ? 1000 : 1000 + 30 * 200 + 90;  // the truth drew 90 J more than 200 W says
    timeline.add(at(t), counter, 200.0);
  }
  EXPECT_DOUBLE_EQ(*timeline.at(at(0)), 1000);
  EXPECT_DOUBLE_EQ(*timeline.at(at(10)), 1000 + 10 * 200);
  EXPECT_DOUBLE_EQ(*timeline.at(at(10.5)), 1000 + 10.5 * 200);  // interpolated
  EXPECT_DOUBLE_EQ(*timeline.at(at(30)), 7090);                   // re-anchored on the counter
  EXPECT_DOUBLE_EQ(*timeline.at(at(40)), 7090 + 10 * 200);
  EXPECT_DOUBLE_EQ(*timeline.at(at(40.5)), 7090 + 10.5 * 200);  // a step's length past the newest
  EXPECT_FALSE(timeline.at(at(42)).has_value());
  EXPECT_FALSE(timeline.at(at(-1)).has_value());
}

TEST(EnergyTimeline, NeverDecreases) {
  EnergyTimeline timeline(std::chrono::minutes(15));
  timeline.add(at(0), 500, 100.0);
  timeline.add(at(10), 500, 100.0);  // estimate 1500
  timeline.add(at(11), 1450, 100.0);  // the counter says less than the estimate so far: held
  EXPECT_DOUBLE_EQ(*timeline.at(at(11)), 1500);
  timeline.add(at(12), 1450, 100.0);
  EXPECT_DOUBLE_EQ(*timeline.at(at(12)), 1550);  // grows again from the counter
  timeline.add(at(20), 20, 100.0);                // driver reload: the counter restarts
  EXPECT_DOUBLE_EQ(*timeline.at(at(20)), 1450 + 9 * 100);  // continues, no drop
  timeline.add(at(21), 120, 100.0);
  EXPECT_NEAR(*timeline.at(at(21)) - *timeline.at(at(20)), 100, 1e-9);
}

TEST(EnergyTimeline, PowerAloneOrCounterAlone) {
  EnergyTimeline power_only(std::chrono::minutes(15));
  power_only.add(at(0), std::nullopt, 100.0);
  power_only.add(at(2), std::nullopt, 300.0);  // trapezoid: 400 J
  EXPECT_DOUBLE_EQ(*power_only.at(at(2)), 400);
  power_only.add(at(3), 1e6, 300.0);  // a counter appearing later continues, no jump
  EXPECT_DOUBLE_EQ(*power_only.at(at(3)), 700);
  EnergyTimeline counter_only(std::chrono::minutes(15));
  counter_only.add(at(0), 10, std::nullopt);
  counter_only.add(at(1), 25, std::nullopt);
  EXPECT_DOUBLE_EQ(*counter_only.at(at(1)), 25);
  counter_only.add(at(2), std::nullopt, std::nullopt);  // nothing known: no point
  EXPECT_FALSE(counter_only.at(at(2.5)).has_value());
}

}  // namespace
}  // namespace ainode
