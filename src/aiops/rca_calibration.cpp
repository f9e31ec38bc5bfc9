#include "aiops/rca_calibration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ainode::aiops {

CalibrationModel committed_calibration() {
  // Fitted with `build/twin/ainode-rca-suite --fit` on the fitting half of
  // tests/scenarios (docs/rca.md, "Confidence and its calibration"),
  // 2026-12-02, 132 scenarios: 60 findings of that half, 57 right. The
  // episode's length carries most of it (a cause named late in an episode is
  // usually a second symptom), then the margin; with three wrong findings the
  // signals and strength weights are small and not to be read much into.
  // Refit when rules or the suite change.
  CalibrationModel m;
  m.intercept = 3.4659;
  m.weights = {0.3784, -0.3017, 0.0907, -0.9119};
  return m;
}

std::array<double, kConfidenceTerms> confidence_terms(const ConfidenceFeatures& f) {
  return {f.margin, f.signals - 1, f.strength, std::log1p(std::max(0.0, f.episode_seconds))};
}

double calibrated_confidence(const ConfidenceFeatures& features, const CalibrationModel& m) {
  auto terms = confidence_terms(features);
  double z = m.intercept;
  for (std::size_t i = 0; i < kConfidenceTerms; ++i) z += m.weights[i] * terms[i];
  return 1.0 / (1.0 + std::exp(-z));
}

ConfidenceFeatures confidence_features(double score, double runner_up, const std::vector<Evidence>& evidence,
                                       double episode_seconds) {
  ConfidenceFeatures f;
  f.margin = score - runner_up;
  f.signals = static_cast<double>(evidence.size());
  f.episode_seconds = episode_seconds;
  double sum = 0;
  for (const auto& e : evidence) {
    // A flag (a reason bit, an event, a count over zero) is at its threshold
    // or past a zero one: it is either there or not.
    if (e.value == e.threshold || e.threshold == 0) {
      sum += 1;
      continue;
    }
    sum += std::min(1.0, std::abs(e.value - e.threshold) / std::abs(e.threshold));
  }
  f.strength = evidence.empty() ? 0 : sum / static_cast<double>(evidence.size());
  return f;
}

CalibrationModel fit_calibration(const std::vector<CalibrationSample>& samples, double ridge) {
  constexpr std::size_t n = kConfidenceTerms + 1;  // the intercept is parameter 0
  // A term that does not vary (every finding with one signal) would leave
  // the system singular: a floor under the penalty keeps its weight at 0.
  ridge = std::max(ridge, 1e-6);
  double positives = 0, negatives = 0;
  for (const auto& s : samples) (s.correct ? positives : negatives) += 1;
  double high = (positives + 1) / (positives + 2), low = 1 / (negatives + 2);
  CalibrationModel m;
  m.intercept = std::log((positives + 1) / (negatives + 1));
  for (int iteration = 0; iteration < 100; ++iteration) {
    // Gradient and Hessian of the penalised negative log-likelihood.
    std::array<double, n> gradient{};
    std::array<std::array<double, n>, n> hessian{};
    for (std::size_t i = 1; i < n; ++i) {
      gradient[i] = ridge * m.weights[i - 1];
      hessian[i][i] = ridge;
    }
    hessian[0][0] = 1e-9;
    for (const auto& s : samples) {
      auto t = confidence_terms(s.features);
      std::array<double, n> x{1, t[0], t[1], t[2], t[3]};
      double q = calibrated_confidence(s.features, m);
      double d = q - (s.correct ? high : low), w = q * (1 - q);
      for (std::size_t i = 0; i < n; ++i) {
        gradient[i] += d * x[i];
        for (std::size_t j = 0; j < n; ++j) hessian[i][j] += w * x[i] * x[j];
      }
    }
    // Solve hessian * step = gradient (Gaussian elimination with partial pivoting).
    std::array<double, n> step = gradient;
    auto a = hessian;
    bool singular = false;
    for (std::size_t c = 0; c < n && !singular; ++c) {
      std::size_t pivot = c;
      for (std::size_t r = c + 1; r < n; ++r) {
        if (std::abs(a[r][c]) > std::abs(a[pivot][c])) pivot = r;
      }
      if (std::abs(a[pivot][c]) < 1e-12) {
        singular = true;
        break;
      }
      std::swap(a[c], a[pivot]);
      std::swap(step[c], step[pivot]);
      for (std::size_t r = 0; r < n; ++r) {
        if (r == c) continue;
        double factor = a[r][c] / a[c][c];
        for (std::size_t k = c; k < n; ++k) a[r][k] -= factor * a[c][k];
        step[r] -= factor * step[c];
      }
    }
    if (singular) break;
    double moved = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double delta = step[i] / a[i][i];
      moved += std::abs(delta);
      if (i == 0) m.intercept -= delta;
      else m.weights[i - 1] -= delta;
    }
    if (moved < 1e-9) break;
  }
  return m;
}

std::string describe(const CalibrationModel& m) {
  char text[200];
  std::snprintf(text, sizeof text, "intercept %.4f, weights margin %.4f, signals %.4f, strength %.4f, ln(1+seconds) %.4f",
                m.intercept, m.weights[0], m.weights[1], m.weights[2], m.weights[3]);
  return text;
}

}  // namespace ainode::aiops
