#pragma once
// Calibrated confidence of a finding: a logistic model (Platt scaling
// extended to the four measures below) of how good the finding's evidence
// is, fitted on one half of the labelled twin suite and checked on the other
// (bench/RESULTS.md, docs/rca.md). `ainode-rca-suite --fit` refits the
// constants in rca_calibration.cpp.
#include <array>
#include <string>
#include <vector>

#include "aiops/rca_evidence.hpp"

namespace ainode::aiops {

// What the confidence is a function of, each a property of the evidence
// when the finding is reported.
struct ConfidenceFeatures {
  double margin = 0;           // the cause's score minus the best competing cause's
  double signals = 0;          // distinct signals that agree on the cause
  double strength = 0;         // 0..1: how far past their thresholds they are (mean; a flag is 1)
  double episode_seconds = 0;  // from the episode's first evidence to the report
};

inline constexpr std::size_t kConfidenceTerms = 4;

struct CalibrationModel {
  double intercept = 0;
  // margin, signals - 1, strength, ln(1 + episode_seconds)
  std::array<double, kConfidenceTerms> weights{};
};

// The committed fit (see rca_calibration.cpp for the command and the data).
CalibrationModel committed_calibration();

// The model's inputs: margin, signals - 1, strength, ln(1 + episode seconds).
std::array<double, kConfidenceTerms> confidence_terms(const ConfidenceFeatures& features);

// P(correct) = 1 / (1 + exp(-(intercept + weights . terms))).
double calibrated_confidence(const ConfidenceFeatures& features, const CalibrationModel& model = committed_calibration());

// The features of a cause's evidence: `score` and `runner_up` are the
// cause's and the best competing cause's scores.
ConfidenceFeatures confidence_features(double score, double runner_up, const std::vector<Evidence>& evidence,
                                       double episode_seconds);

struct CalibrationSample {
  ConfidenceFeatures features;
  bool correct = false;
};

// Maximum likelihood with Platt's smoothed targets ((N+ + 1) / (N+ + 2) and
// 1 / (N- + 2)), so a half with few wrong findings does not fit a confidence
// of exactly 1, and a ridge penalty (`ridge` x the squared weights, not the
// intercept) so a few dozen findings cannot push a weight to infinity.
// Newton's method.
CalibrationModel fit_calibration(const std::vector<CalibrationSample>& samples, double ridge = 1);

// "intercept a, weights b c d e" for logs and the committed constants.
std::string describe(const CalibrationModel& model);

}  // namespace ainode::aiops
