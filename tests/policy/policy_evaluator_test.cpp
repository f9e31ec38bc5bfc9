#include "policy/policy_evaluator.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy_test_support.hpp"

using namespace ainode;
using namespace ainode::testing;

namespace {

struct Cycles {
  PolicyEvaluator evaluator;
  std::map<std::string, PolicyMode> modes;
  Evaluation at(int second, std::vector<PolicyGpu> gpus, std::optional<double> node_power = std::nullopt,
                std::optional<double> envelope = std::nullopt, int minute = 0) {
    PolicyInput input;
    input.now = at_second(second);
    input.gpus = std::move(gpus);
    input.node_power_watts = node_power;
    input.envelope_watts = envelope;
    input.local_minute = minute;
    return evaluator.evaluate(input, modes);
  }
};

const ProfileGpuState& state_of(const Evaluation& e, const std::string& profile, unsigned gpu) {
  for (const auto& s : e.states) {
    if (s.profile == profile && s.gpu == gpu) return s;
  }
  throw std::runtime_error("no state");
}

TEST(PolicyEvaluator, CanonicalProfileHoldsForThenAppliesAndLiftsAfterCooldown) {
  Cycles run;
  run.evaluator.set_profiles(profiles_from(canonical()));
  // The 10 s window is not 90% covered before t = 9: nothing is known yet.
  Evaluation e;
  for (int t = 0; t <= 8; ++t) {
    e = run.at(t, {h100(0, 0.2)});
    EXPECT_EQ(state_of(e, "max-250w-when-light", 0).phase, ProfilePhase::idle);
    EXPECT_THAT(state_of(e, "max-250w-when-light", 0).condition.reason, ::testing::HasSubstr("window not yet covered"));
  }
  e = run.at(9, {h100(0, 0.2)});  // covered: the 20 s hold starts
  EXPECT_EQ(state_of(e, "max-250w-when-light", 0).phase, ProfilePhase::pending);
  EXPECT_EQ(state_of(e, "max-250w-when-light", 0).next_change_at, at_second(29));
  EXPECT_TRUE(e.targets.empty());
  int t = 10;
  for (; t < 29; ++t) e = run.at(t, {h100(0, 0.2)});
  EXPECT_EQ(state_of(e, "max-250w-when-light", 0).phase, ProfilePhase::pending);
  e = run.at(29, {h100(0, 0.2)});
  ASSERT_EQ(state_of(e, "max-250w-when-light", 0).phase, ProfilePhase::applied);
  ASSERT_EQ(e.targets.size(), 1u);
  EXPECT_DOUBLE_EQ(e.targets[0].setting.watts, 250);
  EXPECT_EQ(e.targets[0].profile, "max-250w-when-light");
  EXPECT_NEAR(e.targets[0].condition["gpu.utilization avg 10s"].template get<double>(), 0.2, 1e-9);
  // Load rises: the average crosses 0.5 after a few seconds, then 30 s of cooldown.
  int cleared = -1;
  for (t = 30; t < 120; ++t) {
    e = run.at(t, {h100(0, 0.9)});
    auto phase = state_of(e, "max-250w-when-light", 0).phase;
    if (phase == ProfilePhase::cooldown && cleared < 0) cleared = t;
    if (phase == ProfilePhase::idle) break;
    EXPECT_EQ(e.targets.size(), 1u) << "the cap stays during cooldown, t=" << t;
  }
  ASSERT_GT(cleared, 0);
  EXPECT_EQ(t, cleared + 30);
  EXPECT_TRUE(e.targets.empty());
}

TEST(PolicyEvaluator, ABriefDipDoesNotRestartTheCooldownButABriefSpikeRestartsTheHold) {
  Cycles run;
  run.evaluator.set_profiles(profiles_from(
      "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata: {name: hot}\nspec:\n  mode: enforce\n"
      "  selector: {gpus: all}\n  when:\n    - {signal: gpu.temperature, above: 80}\n  for: 5s\n  cooldown: 5s\n"
      "  then: {power_limit: 300W}\n"));
  auto hot = [](double c) {
    auto g = h100(0, 0.5);
    g.signals.temperature_celsius = c;
    return g;
  };
  for (int t = 0; t < 4; ++t) run.at(t, {hot(85)});
  run.at(4, {hot(70)});  // the hold restarts
  Evaluation e;
  for (int t = 5; t < 10; ++t) e = run.at(t, {hot(85)});
  EXPECT_EQ(state_of(e, "hot", 0).phase, ProfilePhase::pending);
  e = run.at(10, {hot(85)});
  EXPECT_EQ(state_of(e, "hot", 0).phase, ProfilePhase::applied);
}

TEST(PolicyEvaluator, HigherPriorityWinsTheKnobAndDryRunNeverTargets) {
  Cycles run;
  auto profiles = profiles_from(
      "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata: {name: low}\nspec:\n  mode: enforce\n"
      "  priority: 1\n  selector: {gpus: all}\n  for: 0s\n  then: {power_limit: 300W}\n---\n"
      "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata: {name: high}\nspec:\n  mode: enforce\n"
      "  priority: 5\n  selector: {gpus: [1]}\n  for: 0s\n  then: {power_limit: 60%}\n---\n"
      "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata: {name: trial}\nspec:\n  priority: 9\n"
      "  selector: {gpus: all}\n  for: 0s\n  then: {power_limit: 200W}\n");
  run.evaluator.set_profiles(profiles);
  auto e = run.at(0, {h100(0, 0.5), h100(1, 0.5)});
  ASSERT_EQ(e.targets.size(), 2u);
  EXPECT_EQ(e.targets[0].uuid, "GPU-0");
  EXPECT_EQ(e.targets[0].profile, "low");
  EXPECT_DOUBLE_EQ(e.targets[0].setting.watts, 300);
  EXPECT_EQ(e.targets[1].profile, "high");
  EXPECT_DOUBLE_EQ(e.targets[1].setting.watts, 420);  // 60% of 700 W
  EXPECT_EQ(state_of(e, "trial", 0).phase, ProfilePhase::applied);  // evaluated, but dry_run
  // Turned off at run time: no state, no target.
  run.modes["low"] = PolicyMode::off;
  e = run.at(1, {h100(0, 0.5), h100(1, 0.5)});
  ASSERT_EQ(e.targets.size(), 1u);
  EXPECT_EQ(e.targets[0].profile, "high");
}

TEST(PolicyEvaluator, FloorWhileAWorkloadRunsAndDeviceBounds) {
  Cycles run;
  run.evaluator.set_profiles(profiles_from(
      "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata: {name: cap}\nspec:\n  mode: enforce\n"
      "  selector: {gpus: all}\n  for: 0s\n  floor_watts: 400\n  then: {power_limit: 10%}\n"));
  auto idle = h100(0, 0.1);
  auto busy = h100(1, 0.1);
  busy.workload_running = true;
  auto e = run.at(0, {idle, busy});
  ASSERT_EQ(e.targets.size(), 2u);
  EXPECT_DOUBLE_EQ(e.targets[0].setting.watts, 200);  // 70 W asked, the device's minimum is 200 W
  EXPECT_DOUBLE_EQ(e.targets[1].setting.watts, 400);  // the floor while a workload runs
}

TEST(PolicyEvaluator, SelectorsNarrowByNamespaceMigModelAndPodLabelsSelectNothing) {
  auto gpu = h100(0, 0.1);
  gpu.namespace_name = "inference";
  gpu.mig = false;
  ProfileSelector s;
  s.namespace_name = "inference";
  EXPECT_TRUE(selector_selects(s, gpu));
  s.namespace_name = "training";
  EXPECT_FALSE(selector_selects(s, gpu));
  s = {};
  s.mig = true;
  EXPECT_FALSE(selector_selects(s, gpu));
  s = {};
  s.model = "NVIDIA H100*";
  EXPECT_TRUE(selector_selects(s, gpu));
  s.model = "NVIDIA A100*";
  EXPECT_FALSE(selector_selects(s, gpu));
  s = {};
  s.all_gpus = false;
  s.gpu_uuids = {"GPU-0"};
  EXPECT_TRUE(selector_selects(s, gpu));
  s.gpu_uuids = {"GPU-1"};
  EXPECT_FALSE(selector_selects(s, gpu));
  s = {};
  s.pod_labels["app"] = "x";
  EXPECT_FALSE(selector_selects(s, gpu));
}

TEST(PolicyEvaluator, TimeOfDayAndNoWorkload) {
  Cycles run;
  run.evaluator.set_profiles(profiles_from(
      "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata: {name: night}\nspec:\n  mode: enforce\n"
      "  selector: {gpus: all}\n  for: 0s\n  when:\n    - {signal: time_of_day, between: \"22:00-06:00\"}\n"
      "    - {signal: no_workload}\n  then: {power_limit: 300W}\n"));
  EXPECT_EQ(run.at(0, {h100(0, 0)}, {}, {}, 23 * 60).targets.size(), 1u);
  EXPECT_EQ(run.at(1, {h100(0, 0)}, {}, {}, 5 * 60 + 59).targets.size(), 1u);
  auto e = run.at(2, {h100(0, 0)}, {}, {}, 12 * 60);
  EXPECT_EQ(state_of(e, "night", 0).phase, ProfilePhase::cooldown);  // default cooldown 120s
  auto busy = h100(0, 0);
  busy.workload_running = true;
  e = run.at(3, {busy}, {}, {}, 23 * 60);
  EXPECT_EQ(state_of(e, "night", 0).condition.reason, "a workload runs on the GPU");
}

TEST(PolicyEvaluator, NodeBudgetStaysInsideTheEnvelopeAndBusyGpusGetMore) {
  Cycles run;
  run.evaluator.set_profiles(profiles_from(
      "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata: {name: budget}\nspec:\n  mode: enforce\n"
      "  selector: {node: true}\n  for: 0s\n  then:\n    power_budget: {envelope_watts: envelope, min_watts_per_gpu: 200W}\n"));
  std::vector<PolicyGpu> gpus;
  for (unsigned i = 0; i < 8; ++i) gpus.push_back(h100(i, i < 4 ? 0.95 : 0.05));
  double gpu_power = 0;
  for (const auto& g : gpus) gpu_power += *g.signals.power_watts;
  // The rest of the node draws 400 W: the GPUs share 3600 - 400.
  auto e = run.at(0, gpus, gpu_power + 400, 3600);
  ASSERT_EQ(e.targets.size(), 8u);
  double sum = 0;
  for (const auto& t : e.targets) {
    sum += t.setting.watts;
    EXPECT_GE(t.setting.watts, 200);
    EXPECT_LE(t.setting.watts, 700);
  }
  EXPECT_LE(sum, 3200 + 1e-6);
  EXPECT_GT(sum, 3200 - 1e-6);
  EXPECT_GT(e.targets[0].setting.watts, e.targets[7].setting.watts + 100);
  // Without any envelope the profile cannot act, and says why.
  Cycles none;
  none.evaluator.set_profiles(profiles_from(
      "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata: {name: budget}\nspec:\n  mode: enforce\n"
      "  selector: {node: true}\n  for: 0s\n  then:\n    power_budget: {envelope_watts: envelope}\n"));
  e = none.at(0, gpus);
  EXPECT_TRUE(e.targets.empty());
  EXPECT_THAT(state_of(e, "budget", 0).unsupported, ::testing::HasSubstr("no envelope"));
}

TEST(PolicyEvaluator, StepTowardMovesAtMostOneStep) {
  auto from = GpuSetting::power(700);
  EXPECT_DOUBLE_EQ(step_toward(from, GpuSetting::power(250), 50.0).watts, 650);
  EXPECT_DOUBLE_EQ(step_toward(GpuSetting::power(280), GpuSetting::power(250), 50.0).watts, 250);
  EXPECT_DOUBLE_EQ(step_toward(GpuSetting::power(250), GpuSetting::power(700), 50.0).watts, 300);
  EXPECT_DOUBLE_EQ(step_toward(from, GpuSetting::power(250), std::nullopt).watts, 250);
  auto clocks = GpuSetting::clocks(Knob::locked_clocks, 900, 1410);
  EXPECT_TRUE(same_setting(step_toward(GpuSetting::default_of(Knob::locked_clocks), clocks, 50.0), clocks));
}

}  // namespace
