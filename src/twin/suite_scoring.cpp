#include "twin/suite_scoring.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace ainode::twin {

namespace {

bool is_pod_cause(Cause c) { return c == Cause::pod_eviction || c == Cause::pod_restart; }

std::string fixed(double value, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

}  // namespace

bool same_subject(const ObservedFinding& f, const Label& label, const std::vector<PodSpec>& pods) {
  if (is_gpu_cause(label.cause)) return f.gpu && label.subject.gpu && *f.gpu == *label.subject.gpu;
  if (is_pod_cause(label.cause)) {
    if (f.pod.empty() || f.gpu) return false;
    if (label.subject.pod.empty() || f.pod == label.subject.pod) return true;
    return std::any_of(pods.begin(), pods.end(),
                       [&](const PodSpec& p) { return p.uid == label.subject.pod && p.name == f.pod; });
  }
  return !f.gpu && f.pod.empty();
}

ScenarioScore score_scenario(const ScenarioOutcome& outcome) {
  ScenarioScore score;
  score.name = outcome.name;
  score.half = outcome.half;
  score.healthy = std::all_of(outcome.labels.begin(), outcome.labels.end(), [](const Label& l) { return l.cause == Cause::none; });
  auto in_window = [](const ObservedFinding& f, const Label& l) {
    return f.reported_seconds >= l.from_seconds && f.reported_seconds <= l.to_seconds + kLateSeconds;
  };
  for (const auto& label : outcome.labels) {
    if (label.cause == Cause::none) continue;
    LabelResult r;
    r.label = label;
    const ObservedFinding* first = nullptr;
    for (const auto& f : outcome.findings) {
      if (!same_subject(f, label, outcome.pods) || !in_window(f, label)) continue;
      if (first == nullptr || f.reported_seconds < first->reported_seconds) first = &f;
    }
    if (first != nullptr) {
      r.predicted = first->cause;
      r.correct = first->cause == cause_name(label.cause);
      if (r.correct) r.seconds_to_finding = first->reported_seconds - label.from_seconds;
    }
    score.labels.push_back(r);
  }
  for (const auto& f : outcome.findings) {
    FindingResult r;
    r.finding = f;
    r.correct = std::any_of(outcome.labels.begin(), outcome.labels.end(), [&](const Label& l) {
      return l.cause != Cause::none && f.cause == cause_name(l.cause) && same_subject(f, l, outcome.pods) && in_window(f, l);
    });
    score.findings.push_back(r);
  }
  return score;
}

SuiteSummary summarize(const std::vector<ScenarioScore>& scores, const std::vector<int>& halves) {
  SuiteSummary s;
  double seconds = 0;
  unsigned timed = 0;
  std::map<std::string, unsigned> labels_of, correct_of, findings_of, true_findings_of;
  std::vector<std::pair<double, bool>> confidences;
  for (const auto& score : scores) {
    if (std::find(halves.begin(), halves.end(), score.half) == halves.end()) continue;
    if (score.healthy) {
      ++s.healthy_scenarios;
      if (!score.findings.empty()) ++s.healthy_with_finding;
      ++s.confusion["none"][score.findings.empty() ? "none" : score.findings.front().finding.cause];
    }
    for (const auto& l : score.labels) {
      std::string truth(cause_name(l.label.cause));
      ++s.faulty_labels;
      ++labels_of[truth];
      ++s.confusion[truth][l.predicted];
      if (l.correct) {
        ++s.correct_top1;
        ++correct_of[truth];
      }
      if (l.seconds_to_finding) {
        seconds += *l.seconds_to_finding;
        ++timed;
      }
    }
    for (const auto& f : score.findings) {
      ++s.findings;
      ++findings_of[f.finding.cause];
      if (f.correct) {
        ++s.correct_findings;
        ++true_findings_of[f.finding.cause];
      }
      confidences.emplace_back(f.finding.confidence, f.correct);
    }
  }
  s.mean_seconds_to_finding = timed ? seconds / timed : 0;
  std::set<std::string> causes;
  for (const auto& [c, n] : labels_of) causes.insert(c);
  for (const auto& [c, n] : findings_of) causes.insert(c);
  for (const auto& c : causes) {
    double precision = findings_of[c] ? static_cast<double>(true_findings_of[c]) / findings_of[c] : -1;
    double recall = labels_of[c] ? static_cast<double>(correct_of[c]) / labels_of[c] : -1;
    s.precision_recall[c] = {precision, recall};
  }
  const double edges[] = {0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0000001};
  for (std::size_t i = 0; i + 1 < std::size(edges); ++i) {
    CalibrationBin bin;
    bin.low = edges[i];
    bin.high = std::min(1.0, edges[i + 1]);
    double confidence = 0, right = 0;
    for (const auto& [c, ok] : confidences) {
      if (c < edges[i] || c >= edges[i + 1]) continue;
      ++bin.count;
      confidence += c;
      right += ok ? 1 : 0;
    }
    if (bin.count) {
      bin.mean_confidence = confidence / bin.count;
      bin.accuracy = right / bin.count;
      s.expected_calibration_error += bin.count * std::abs(bin.mean_confidence - bin.accuracy);
    }
    s.reliability.push_back(bin);
  }
  for (const auto& [c, ok] : confidences) s.brier_score += (c - (ok ? 1 : 0)) * (c - (ok ? 1 : 0));
  if (!confidences.empty()) {
    s.expected_calibration_error /= static_cast<double>(confidences.size());
    s.brier_score /= static_cast<double>(confidences.size());
  }
  return s;
}

std::string summary_markdown(const SuiteSummary& s, const std::string& title) {
  std::string out = "### " + title + "\n\n";
  out += "| measure | value | bar |\n|---|---|---|\n";
  out += "| top-1 cause accuracy over faulty episodes | " + fixed(100 * s.top1_accuracy(), 1) + "% (" +
         std::to_string(s.correct_top1) + "/" + std::to_string(s.faulty_labels) + ") | >= 90% |\n";
  out += "| healthy scenarios with any finding | " + fixed(100 * s.healthy_finding_rate(), 1) + "% (" +
         std::to_string(s.healthy_with_finding) + "/" + std::to_string(s.healthy_scenarios) + ") | <= 2% |\n";
  out += "| mean time from fault start to finding | " + fixed(s.mean_seconds_to_finding, 1) + " s | <= 30 s |\n";
  out += "| findings that match a label | " + std::to_string(s.correct_findings) + "/" + std::to_string(s.findings) + " | |\n";
  out += "| expected calibration error / Brier score | " + fixed(s.expected_calibration_error, 3) + " / " +
         fixed(s.brier_score, 3) + " | |\n\n";

  std::set<std::string> predicted;
  for (const auto& [truth, row] : s.confusion) {
    for (const auto& [p, n] : row) predicted.insert(p);
  }
  out += "Confusion (rows: labelled cause; columns: the first finding about its subject; none: no finding)\n\n| |";
  for (const auto& p : predicted) out += " " + p + " |";
  out += "\n|---|";
  for (std::size_t i = 0; i < predicted.size(); ++i) out += "---|";
  out += "\n";
  for (const auto& [truth, row] : s.confusion) {
    out += "| " + truth + " |";
    for (const auto& p : predicted) {
      auto it = row.find(p);
      out += " " + (it == row.end() ? std::string() : std::to_string(it->second)) + " |";
    }
    out += "\n";
  }
  out += "\n| cause | precision | recall |\n|---|---|---|\n";
  auto ratio = [](double v) { return v < 0 ? std::string("-") : fixed(v, 2); };
  for (const auto& [cause, pr] : s.precision_recall) {
    out += "| " + cause + " | " + ratio(pr.first) + " | " + ratio(pr.second) + " |\n";
  }
  out += "\nReliability (findings by reported confidence)\n\n| confidence | findings | mean confidence | right |\n|---|---|---|---|\n";
  for (const auto& bin : s.reliability) {
    out += "| " + fixed(bin.low, 2) + "-" + fixed(bin.high, 2) + " | " + std::to_string(bin.count) + " | " +
           (bin.count ? fixed(bin.mean_confidence, 3) : "-") + " | " + (bin.count ? fixed(bin.accuracy, 3) : "-") + " |\n";
  }
  return out;
}

}  // namespace ainode::twin
