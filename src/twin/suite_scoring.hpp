#pragma once
// Scoring a root-cause engine on the labelled twin suite: each scenario's
// findings against its [[label]] ground truth. Pure (no agent, no files), so
// the scoring rules are tested on hand-made findings
// (tests/twin/suite_scoring_test.cpp). The runner is src/twin/suite/.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "twin/causes.hpp"
#include "twin/pods.hpp"

namespace ainode::twin {

// One finding as the engine reported it, in scenario seconds.
struct ObservedFinding {
  std::string cause;
  std::optional<unsigned> gpu;  // GPU findings
  std::string pod;              // pod findings (the pod's name)
  double start_seconds = 0, reported_seconds = 0;
  double confidence = 0;
  // What the confidence is computed from (aiops::ConfidenceFeatures), kept
  // so the calibration can be refitted and recorded results rescored.
  double margin = 0, signals = 0, strength = 0, episode_seconds = 0;
};

struct ScenarioOutcome {
  std::string name;
  int half = 0;  // 0: fitting half, 1: held-out half
  std::vector<Label> labels;
  std::vector<PodSpec> pods;
  std::vector<ObservedFinding> findings;
};

// A finding is about a label's subject when it names the same GPU (GPU
// causes), the same pod (pod causes, by name or UID) or the node (host causes).
bool same_subject(const ObservedFinding& finding, const Label& label, const std::vector<PodSpec>& pods);

// How late a finding may come after its label's window and still belong to it.
inline constexpr double kLateSeconds = 15;

struct LabelResult {
  Label label;
  std::string predicted = "none";  // the first finding about the label's subject in its window, or none
  std::optional<double> seconds_to_finding;
  bool correct = false;
};

struct FindingResult {
  ObservedFinding finding;
  bool correct = false;  // matches a label: cause, subject and window
};

struct ScenarioScore {
  std::string name;
  int half = 0;
  bool healthy = false;  // labelled none
  std::vector<LabelResult> labels;
  std::vector<FindingResult> findings;
};

ScenarioScore score_scenario(const ScenarioOutcome& outcome);

struct CalibrationBin {
  double low = 0, high = 0;
  unsigned count = 0;
  double mean_confidence = 0, accuracy = 0;
};

struct SuiteSummary {
  unsigned faulty_labels = 0, correct_top1 = 0;
  unsigned healthy_scenarios = 0, healthy_with_finding = 0;
  double mean_seconds_to_finding = 0;  // over correctly found labels
  unsigned findings = 0, correct_findings = 0;
  std::map<std::string, std::map<std::string, unsigned>> confusion;  // true cause -> predicted -> count
  std::map<std::string, std::pair<double, double>> precision_recall;  // cause -> (precision, recall); -1 when undefined
  std::vector<CalibrationBin> reliability;
  double expected_calibration_error = 0, brier_score = 0;
  double top1_accuracy() const { return faulty_labels ? static_cast<double>(correct_top1) / faulty_labels : 0; }
  double healthy_finding_rate() const {
    return healthy_scenarios ? static_cast<double>(healthy_with_finding) / healthy_scenarios : 0;
  }
};

// Summary over the scores whose half is in `halves`.
SuiteSummary summarize(const std::vector<ScenarioScore>& scores, const std::vector<int>& halves);

// Markdown tables (summary, confusion, precision/recall, reliability).
std::string summary_markdown(const SuiteSummary& summary, const std::string& title);

}  // namespace ainode::twin
