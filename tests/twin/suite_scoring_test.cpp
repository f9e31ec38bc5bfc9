// Scoring a root-cause engine against a scenario's labels: the first
// finding about a label's subject in its window is the engine's answer;
// wrong subject, wrong time or no finding is a miss; any finding on a
// healthy scenario is a false positive.
#include <gtest/gtest.h>

#include "twin/suite_scoring.hpp"

using namespace ainode::twin;

namespace {

Label label(Cause cause, std::optional<unsigned> gpu, double from, double to, std::string pod = {}) {
  Label l;
  l.cause = cause;
  l.subject.gpu = gpu;
  l.subject.pod = std::move(pod);
  l.from_seconds = from;
  l.to_seconds = to;
  return l;
}

ObservedFinding finding(std::string cause, std::optional<unsigned> gpu, double at, double confidence = 0.9,
                        std::string pod = {}) {
  ObservedFinding f;
  f.cause = std::move(cause);
  f.gpu = gpu;
  f.pod = std::move(pod);
  f.reported_seconds = at;
  f.confidence = confidence;
  return f;
}

}  // namespace

TEST(SuiteScoring, FirstFindingAboutTheSubjectInTheWindowIsTheAnswer) {
  ScenarioOutcome o;
  o.labels = {label(Cause::thermal, 3, 60, 240)};
  o.findings = {finding("xid", 2, 70), finding("thermal", 3, 75), finding("power_cap", 3, 90)};
  ScenarioScore s = score_scenario(o);
  ASSERT_EQ(s.labels.size(), 1u);
  EXPECT_TRUE(s.labels[0].correct);
  EXPECT_EQ(s.labels[0].predicted, "thermal");
  EXPECT_DOUBLE_EQ(*s.labels[0].seconds_to_finding, 15);
  ASSERT_EQ(s.findings.size(), 3u);
  EXPECT_FALSE(s.findings[0].correct) << "another GPU";
  EXPECT_TRUE(s.findings[1].correct);
  EXPECT_FALSE(s.findings[2].correct) << "wrong cause";
}

TEST(SuiteScoring, TooEarlyTooLateOrMissingIsAMiss) {
  ScenarioOutcome o;
  o.labels = {label(Cause::thermal, 3, 60, 240)};
  o.findings = {finding("thermal", 3, 30), finding("thermal", 3, 256)};
  ScenarioScore s = score_scenario(o);
  EXPECT_FALSE(s.labels[0].correct);
  EXPECT_EQ(s.labels[0].predicted, "none");
  o.findings = {finding("thermal", 3, 255)};  // within kLateSeconds of the window's end
  EXPECT_TRUE(score_scenario(o).labels[0].correct);
}

TEST(SuiteScoring, HostCausesAreAboutTheNodeAndPodCausesAboutThePod) {
  ScenarioOutcome o;
  o.labels = {label(Cause::disk_io, std::nullopt, 50, 150), label(Cause::pod_eviction, std::nullopt, 60, 200, "uid-1")};
  PodSpec pod;
  pod.namespace_name = "ml";
  pod.name = "trainer-0";
  pod.uid = "uid-1";
  pod.gpus = {0};
  o.pods = {pod};
  o.findings = {finding("disk_io", 0, 55), finding("disk_io", std::nullopt, 56),
                finding("pod_eviction", std::nullopt, 61, 0.9, "trainer-0")};
  ScenarioScore s = score_scenario(o);
  ASSERT_EQ(s.labels.size(), 2u);
  EXPECT_TRUE(s.labels[0].correct);
  EXPECT_DOUBLE_EQ(*s.labels[0].seconds_to_finding, 6) << "the GPU finding is not about the node";
  EXPECT_TRUE(s.labels[1].correct) << "the pod's name matches the label's UID through [[pods]]";
}

TEST(SuiteScoring, SummaryCountsHealthyFalsePositivesConfusionAndReliability) {
  ScenarioOutcome healthy;
  healthy.name = "none_a";
  healthy.labels = {label(Cause::none, std::nullopt, 0, 300)};
  healthy.findings = {finding("cpu_contention", std::nullopt, 100, 0.55)};
  ScenarioOutcome faulty;
  faulty.name = "thermal_a";
  faulty.half = 1;
  faulty.labels = {label(Cause::thermal, 1, 60, 240)};
  faulty.findings = {finding("thermal", 1, 80, 0.97)};
  std::vector<ScenarioScore> scores = {score_scenario(healthy), score_scenario(faulty)};

  SuiteSummary all = summarize(scores, {0, 1});
  EXPECT_EQ(all.healthy_scenarios, 1u);
  EXPECT_EQ(all.healthy_with_finding, 1u);
  EXPECT_DOUBLE_EQ(all.top1_accuracy(), 1);
  EXPECT_DOUBLE_EQ(all.mean_seconds_to_finding, 20);
  EXPECT_EQ(all.confusion["none"]["cpu_contention"], 1u);
  EXPECT_EQ(all.confusion["thermal"]["thermal"], 1u);
  EXPECT_DOUBLE_EQ(all.precision_recall["cpu_contention"].first, 0);
  EXPECT_DOUBLE_EQ(all.precision_recall["thermal"].second, 1);
  unsigned binned = 0;
  for (const auto& bin : all.reliability) binned += bin.count;
  EXPECT_EQ(binned, 2u);
  EXPECT_NEAR(all.brier_score, (0.55 * 0.55 + 0.03 * 0.03) / 2, 1e-9);

  SuiteSummary held_out = summarize(scores, {1});
  EXPECT_EQ(held_out.healthy_scenarios, 0u);
  EXPECT_EQ(held_out.findings, 1u);
  EXPECT_NE(summary_markdown(all, "t").find("| thermal |  | 1 |"), std::string::npos);
}
