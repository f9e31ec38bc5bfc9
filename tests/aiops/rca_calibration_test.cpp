#include <gtest/gtest.h>

#include "aiops/rca_calibration.hpp"

using namespace ainode::aiops;

TEST(RcaCalibration, ConfidenceIsALogisticCurveOfTheMargin) {
  PlattParameters p{1, 0};
  EXPECT_DOUBLE_EQ(calibrated_confidence(0, p), 0.5);
  EXPECT_GT(calibrated_confidence(3, p), calibrated_confidence(1, p));
  EXPECT_GT(calibrated_confidence(0.5), 0);
  EXPECT_LT(calibrated_confidence(100), 1.0000001);
}

TEST(RcaCalibration, PlattFitFollowsTheData) {
  // Small margins right half the time, large ones nearly always.
  std::vector<CalibrationSample> samples;
  for (int i = 0; i < 50; ++i) samples.push_back({1, i % 2 == 0});
  for (int i = 0; i < 50; ++i) samples.push_back({5, i % 10 != 0});
  PlattParameters p = fit_platt(samples);
  EXPECT_NEAR(calibrated_confidence(1, p), 0.5, 0.05);
  EXPECT_NEAR(calibrated_confidence(5, p), 0.9, 0.05);
}

TEST(RcaCalibration, AllRightStillFitsBelowOne) {
  std::vector<CalibrationSample> samples(20, CalibrationSample{3, true});
  PlattParameters p = fit_platt(samples);
  double c = calibrated_confidence(3, p);
  EXPECT_LT(c, 1);
  EXPECT_NEAR(c, 21.0 / 22.0, 0.01);  // Platt's smoothed target for 20 of 20
}
