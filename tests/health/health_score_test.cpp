#include "health/health_score.hpp"

#include <gtest/gtest.h>

using namespace ainode;

TEST(HealthScore, IdleNodeScoresTen) {
  HealthInputs in{0.0, 100.0, 80.0, 0.0};
  EXPECT_DOUBLE_EQ(*health_score(in), 10.0);
}

TEST(HealthScore, SaturatedNodeScoresZero) {
  HealthInputs in{1.0, 100.0, 0.0, 0.9};
  EXPECT_DOUBLE_EQ(*health_score(in), 0.0);
}

TEST(HealthScore, WeightsAndScales) {
  // cpu 0.5 -> 0.5; memory 10% available -> 0.4; pressure 0.25 -> 0.5
  HealthInputs in{0.5, 100.0, 10.0, 0.25};
  double expected = 10.0 * (0.3 * 0.5 + 0.4 * 0.4 + 0.3 * 0.5) / 1.0;
  EXPECT_NEAR(*health_score(in), expected, 1e-12);
}

TEST(HealthScore, MissingComponentsAreLeftOut) {
  HealthInputs no_psi{0.5, 100.0, 50.0, std::nullopt};
  // cpu 0.5 (w 0.3), memory 1.0 (w 0.4)
  EXPECT_NEAR(*health_score(no_psi), 10.0 * (0.15 + 0.4) / 0.7, 1e-12);
  EXPECT_FALSE(health_score(HealthInputs{}));
  HealthInputs zero_total{std::nullopt, 0.0, 0.0, std::nullopt};
  EXPECT_FALSE(health_score(zero_total));
}

TEST(HealthScore, OutOfRangeInputsAreClamped) {
  HealthInputs in{1.7, 100.0, 400.0, -1.0};
  EXPECT_NEAR(*health_score(in), 10.0 * (0.0 + 0.4 + 0.3) / 1.0, 1e-12);
}
