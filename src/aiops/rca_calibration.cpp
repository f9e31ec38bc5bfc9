#include "aiops/rca_calibration.hpp"

#include <cmath>

namespace ainode::aiops {

PlattParameters committed_calibration() {
  // Fitted with `build/twin/ainode-rca-suite --fit` on the fitting half of
  // tests/scenarios (docs/rca.md, "Confidence and its calibration"), 2026-12-02:
  // all 42 findings of that half were right, so the margin carries no
  // information there (slope 0) and the confidence is Platt's smoothed
  // 43/44. Refit when rules or the suite change.
  return PlattParameters{0.0, 3.7612};
}

double calibrated_confidence(double margin, const PlattParameters& p) {
  return 1.0 / (1.0 + std::exp(-(p.slope * margin + p.intercept)));
}

PlattParameters fit_platt(const std::vector<CalibrationSample>& samples) {
  double positives = 0, negatives = 0;
  for (const auto& s : samples) (s.correct ? positives : negatives) += 1;
  double high = (positives + 1) / (positives + 2), low = 1 / (negatives + 2);
  PlattParameters p{0, std::log((positives + 1) / (negatives + 1))};
  for (int iteration = 0; iteration < 100; ++iteration) {
    // Gradient and Hessian of the negative log-likelihood in (slope, intercept).
    double g_a = 0, g_b = 0, h_aa = 1e-9, h_ab = 0, h_bb = 1e-9;
    for (const auto& s : samples) {
      double target = s.correct ? high : low;
      double q = calibrated_confidence(s.margin, p);
      double d = q - target, w = q * (1 - q);
      g_a += d * s.margin;
      g_b += d;
      h_aa += w * s.margin * s.margin;
      h_ab += w * s.margin;
      h_bb += w;
    }
    double det = h_aa * h_bb - h_ab * h_ab;
    if (std::abs(det) < 1e-12) break;
    double step_a = (h_bb * g_a - h_ab * g_b) / det, step_b = (h_aa * g_b - h_ab * g_a) / det;
    p.slope -= step_a;
    p.intercept -= step_b;
    if (std::abs(step_a) + std::abs(step_b) < 1e-9) break;
  }
  return p;
}

}  // namespace ainode::aiops
