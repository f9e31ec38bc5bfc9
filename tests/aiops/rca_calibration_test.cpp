#include <gtest/gtest.h>

#include <cmath>

#include "aiops/rca_calibration.hpp"

using namespace ainode::aiops;

namespace {

ConfidenceFeatures with_margin(double margin, double signals = 1, double strength = 1, double seconds = 2) {
  ConfidenceFeatures f;
  f.margin = margin;
  f.signals = signals;
  f.strength = strength;
  f.episode_seconds = seconds;
  return f;
}

}  // namespace

TEST(RcaCalibration, ConfidenceIsALogisticCurveOfTheTerms) {
  CalibrationModel m;
  m.weights = {1, 0, 0, 0};
  EXPECT_DOUBLE_EQ(calibrated_confidence(with_margin(0), m), 0.5);
  EXPECT_GT(calibrated_confidence(with_margin(3), m), calibrated_confidence(with_margin(1), m));
  EXPECT_GT(calibrated_confidence(with_margin(0.5)), 0);
  EXPECT_LT(calibrated_confidence(with_margin(100)), 1.0000001);
  m.weights = {0, 0, 0, 1};
  EXPECT_NEAR(calibrated_confidence(with_margin(0, 1, 1, std::exp(2.0) - 1), m), 1 / (1 + std::exp(-2.0)), 1e-12);
}

TEST(RcaCalibration, FitFollowsTheMargin) {
  // Small margins right half the time, large ones nearly always.
  std::vector<CalibrationSample> samples;
  for (int i = 0; i < 50; ++i) samples.push_back({with_margin(1), i % 2 == 0});
  for (int i = 0; i < 50; ++i) samples.push_back({with_margin(5), i % 10 != 0});
  CalibrationModel m = fit_calibration(samples, 0);
  EXPECT_NEAR(calibrated_confidence(with_margin(1), m), 0.5, 0.05);
  EXPECT_NEAR(calibrated_confidence(with_margin(5), m), 0.9, 0.05);
}

TEST(RcaCalibration, FitUsesWhicheverTermSeparates) {
  // The margin says nothing here; weak evidence (strength 0.1) is right a
  // fifth of the time, strong evidence nine times in ten.
  std::vector<CalibrationSample> samples;
  for (int i = 0; i < 60; ++i) samples.push_back({with_margin(3, 2, 0.1), i % 5 == 0});
  for (int i = 0; i < 60; ++i) samples.push_back({with_margin(3, 2, 1.0), i % 10 != 0});
  CalibrationModel m = fit_calibration(samples, 0.01);
  EXPECT_NEAR(calibrated_confidence(with_margin(3, 2, 0.1), m), 0.2, 0.05);
  EXPECT_NEAR(calibrated_confidence(with_margin(3, 2, 1.0), m), 0.9, 0.05);
  EXPECT_GT(m.weights[2], 0);
}

TEST(RcaCalibration, AllRightStillFitsBelowOne) {
  std::vector<CalibrationSample> samples(20, CalibrationSample{with_margin(3), true});
  CalibrationModel m = fit_calibration(samples);
  double c = calibrated_confidence(with_margin(3), m);
  EXPECT_LT(c, 1);
  EXPECT_NEAR(c, 21.0 / 22.0, 0.01);  // Platt's smoothed target for 20 of 20
}

TEST(RcaCalibration, FeaturesReadTheEvidence) {
  Evidence flag;  // a reason bit: value 1 at threshold 1
  flag.value = 1;
  flag.threshold = 1;
  Evidence marginal;  // 1.2 NVLink errors a second over a threshold of 1
  marginal.value = 1.2;
  marginal.threshold = 1;
  ConfidenceFeatures f = confidence_features(5, 2, {flag, marginal}, 7);
  EXPECT_DOUBLE_EQ(f.margin, 3);
  EXPECT_DOUBLE_EQ(f.signals, 2);
  EXPECT_NEAR(f.strength, (1 + 0.2) / 2, 1e-12);
  EXPECT_DOUBLE_EQ(f.episode_seconds, 7);
}
