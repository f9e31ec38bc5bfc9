#pragma once
// Calibrated confidence of a finding: Platt scaling (a logistic curve) of the
// finding's evidence margin over the best competing cause, fitted on one half
// of the labelled twin suite and checked on the other (bench/RESULTS.md,
// docs/rca.md). `ainode-rca-suite --fit` refits the constants below.
#include <vector>

namespace ainode::aiops {

struct PlattParameters {
  double slope = 0, intercept = 0;
};

// The committed fit (see rca_calibration.cpp for the command and the data).
PlattParameters committed_calibration();

// P(correct) = 1 / (1 + exp(-(slope * margin + intercept))).
double calibrated_confidence(double margin, const PlattParameters& parameters = committed_calibration());

struct CalibrationSample {
  double margin = 0;
  bool correct = false;
};

// Platt's method: maximum likelihood with his smoothed targets
// ((N+ + 1) / (N+ + 2) and 1 / (N- + 2)), so a half with few wrong findings
// does not fit a confidence of exactly 1. Newton's method on two parameters.
PlattParameters fit_platt(const std::vector<CalibrationSample>& samples);

}  // namespace ainode::aiops
