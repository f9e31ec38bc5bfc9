#include "policy/profile_validation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/profile_parser.hpp"

using namespace ainode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

namespace {

// One profile document: name, mode, priority, selector and then as YAML flow.
std::string document(const std::string& name, const std::string& mode, int priority, const std::string& selector,
                     const std::string& then) {
  return "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata:\n  name: " + name + "\nspec:\n  mode: " + mode +
         "\n  priority: " + std::to_string(priority) + "\n  selector: " + selector + "\n  then: " + then + "\n";
}

std::vector<EfficiencyProfile> parsed(const std::string& yaml, const std::string& file) {
  auto result = parse_profile(yaml, file);
  EXPECT_TRUE(result.ok()) << format_profile_error(result.errors.front());
  return result.profiles;
}

std::vector<std::string> messages(const std::vector<ProfileError>& errors) {
  std::vector<std::string> lines;
  for (const auto& error : errors) lines.push_back(format_profile_error(error));
  return lines;
}

std::vector<std::string> validate(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<EfficiencyProfile> all;
  for (const auto& [file, yaml] : files) {
    for (auto& profile : parsed(yaml, file)) all.push_back(std::move(profile));
  }
  return messages(validate_profiles(all));
}

ProfileSelector selector_of(const std::string& flow) {
  return parsed(document("s", "dry_run", 0, flow, "{power_limit: 200W}"), "s.yaml").at(0).selector;
}

}  // namespace

TEST(ProfileValidation, DuplicateNamesNameBothFiles) {
  auto a = document("cap", "dry_run", 0, "{gpus: all}", "{power_limit: 200W}");
  EXPECT_THAT(validate({{"a.yaml", a}, {"b.yaml", a}}),
              ElementsAre("b.yaml:4: metadata.name: duplicate profile name 'cap' (also at a.yaml:4)"));
}

TEST(ProfileValidation, EnforceProfilesSettingTheSameKnobAtOnePriorityContradict) {
  auto a = document("cap-a", "enforce", 10, "{gpus: all}", "{power_limit: 200W}");
  auto b = document("cap-b", "enforce", 10, "{model: \"H100*\"}", "{power_limit: 60%}");
  EXPECT_THAT(validate({{"a.yaml", a}, {"b.yaml", b}}),
              ElementsAre("b.yaml:9: spec.then.power_limit: contradicts profile 'cap-a' (a.yaml:9): both enforce the "
                          "power limit on the same GPUs at priority 10; give one a higher priority or disjoint selectors"));
}

TEST(ProfileValidation, NodeBudgetAndGpuPowerLimitShareTheKnob) {
  auto node = document("budget", "enforce", 0, "{node: true}", "{power_budget: {envelope_watts: envelope}}");
  auto gpu = document("cap", "enforce", 0, "{gpus: [1]}", "{power_limit: 300W}");
  EXPECT_THAT(validate({{"node.yaml", node}, {"gpu.yaml", gpu}}),
              ElementsAre(HasSubstr("gpu.yaml:9: spec.then.power_limit: contradicts profile 'budget' (node.yaml:9)")));
}

TEST(ProfileValidation, NoContradictionWhenPriorityModeSelectorOrKnobDiffer) {
  auto base = document("a", "enforce", 0, "{gpus: [0, 1]}", "{power_limit: 200W}");
  auto other_priority = document("b", "enforce", 1, "{gpus: [0, 1]}", "{power_limit: 250W}");
  auto dry_run = document("c", "dry_run", 0, "{gpus: [0, 1]}", "{power_limit: 250W}");
  auto disjoint = document("d", "enforce", 0, "{gpus: [2, 3]}", "{power_limit: 250W}");
  auto other_knob = document("e", "enforce", 0, "{gpus: [0]}", "{locked_clocks: {min_mhz: 900, max_mhz: 1200}}");
  EXPECT_THAT(validate({{"a.yaml", base}, {"b.yaml", other_priority}, {"c.yaml", dry_run}, {"d.yaml", disjoint},
                        {"e.yaml", other_knob}}),
              IsEmpty());
}

TEST(ProfileValidation, SelectorOverlapIsRefutedOnlyWhenProvable) {
  EXPECT_TRUE(selectors_may_overlap(selector_of("{gpus: all}"), selector_of("{gpus: [3]}")));
  EXPECT_FALSE(selectors_may_overlap(selector_of("{gpus: [0, 1]}"), selector_of("{gpus: [2]}")));
  EXPECT_TRUE(selectors_may_overlap(selector_of("{gpus: [0, 1]}"), selector_of("{gpus: [1, 2]}")));
  // An index and a UUID may be one GPU.
  EXPECT_TRUE(selectors_may_overlap(selector_of("{gpus: [0]}"), selector_of("{gpus: [GPU-aaaa]}")));
  EXPECT_FALSE(selectors_may_overlap(selector_of("{gpus: [GPU-aaaa]}"), selector_of("{gpus: [GPU-bbbb]}")));
  EXPECT_FALSE(selectors_may_overlap(selector_of("{model: \"H100*\"}"), selector_of("{model: \"A100*\"}")));
  EXPECT_TRUE(selectors_may_overlap(selector_of("{model: \"H100*\"}"), selector_of("{model: \"H1*\"}")));
  // fnmatch: "H100*" does not match a model that starts with "NVIDIA ".
  EXPECT_FALSE(selectors_may_overlap(selector_of("{model: \"H100*\"}"), selector_of("{model: NVIDIA H100 80GB HBM3}")));
  EXPECT_TRUE(selectors_may_overlap(selector_of("{model: \"NVIDIA H100*\"}"), selector_of("{model: NVIDIA H100 80GB HBM3}")));
  EXPECT_FALSE(selectors_may_overlap(selector_of("{mig: true}"), selector_of("{mig: false}")));
  EXPECT_FALSE(selectors_may_overlap(selector_of("{namespace: a}"), selector_of("{namespace: b}")));
  EXPECT_TRUE(selectors_may_overlap(selector_of("{namespace: a}"), selector_of("{gpus: [0]}")));
  EXPECT_FALSE(selectors_may_overlap(selector_of("{pod_labels: {app: x}}"), selector_of("{pod_labels: {app: y}}")));
  EXPECT_TRUE(selectors_may_overlap(selector_of("{pod_labels: {app: x}}"), selector_of("{pod_labels: {tier: y}}")));
}

TEST(ProfileValidation, WattsOutsideTheDeviceConstraints) {
  std::vector<GpuPowerConstraints> gpus{{0, "", "", 100, 700, 700.0}, {1, "", "", 100, 700, 700.0}};
  auto too_high = parsed(document("high", "enforce", 0, "{gpus: all}", "{power_limit: 800W}"), "high.yaml");
  EXPECT_THAT(messages(check_device_constraints(too_high, gpus)),
              ElementsAre("high.yaml:9: spec.then.power_limit: power_limit 800W is outside GPU 0's power limit range 100W-700W"));
  auto low_percent = parsed(document("low", "enforce", 0, "{gpus: all}", "{power_limit: 10%}"), "low.yaml");
  EXPECT_THAT(messages(check_device_constraints(low_percent, gpus)),
              ElementsAre(HasSubstr("power_limit (of the default) 70W is outside GPU 0's power limit range")));
  auto fine = parsed(document("ok", "enforce", 0, "{gpus: [1]}", "{power_limit: 250W}"), "ok.yaml");
  EXPECT_THAT(check_device_constraints(fine, gpus), IsEmpty());
  // Only the GPUs the selector selects are checked.
  std::vector<GpuPowerConstraints> mixed{{0, "", "NVIDIA A100", 150, 400, std::nullopt},
                                         {1, "", "NVIDIA H100", 200, 700, std::nullopt}};
  auto h100 = parsed(document("h", "enforce", 0, "{model: \"*H100*\"}", "{power_limit: 500W}"), "h.yaml");
  EXPECT_THAT(check_device_constraints(h100, mixed), IsEmpty());
  auto a100 = parsed(document("a", "enforce", 0, "{model: \"*A100*\"}", "{power_limit: 500W}"), "a.yaml");
  EXPECT_THAT(messages(check_device_constraints(a100, mixed)), ElementsAre(HasSubstr("outside GPU 0's power limit range 150W-400W")));
}

TEST(ProfileValidation, FloorAndBudgetAgainstTheDevices) {
  std::vector<GpuPowerConstraints> gpus;
  for (unsigned i = 0; i < 8; ++i) gpus.push_back({i, "", "", 200, 700, std::nullopt});
  auto floor = parsed(document("f", "enforce", 0, "{gpus: all}", "{power_limit: 300W}") + "  floor_watts: 150W\n", "f.yaml");
  EXPECT_THAT(messages(check_device_constraints(floor, gpus)),
              ElementsAre("f.yaml:10: spec.floor_watts: floor_watts 150W is outside GPU 0's power limit range 200W-700W"));
  auto budget = parsed(document("b", "enforce", 0, "{node: true}", "{power_budget: {envelope_watts: 1000W}}"), "b.yaml");
  EXPECT_THAT(messages(check_device_constraints(budget, gpus)),
              ElementsAre("b.yaml:9: spec.then.power_budget.envelope_watts: envelope 1000W is below the 1600W the 8 GPUs need at their minimum"));
  auto per_gpu = parsed(document("p", "enforce", 0, "{node: true}",
                                 "{power_budget: {envelope_watts: 4000W, min_watts_per_gpu: 800W}}"),
                        "p.yaml");
  EXPECT_THAT(messages(check_device_constraints(per_gpu, gpus)),
              ElementsAre(HasSubstr("min_watts_per_gpu 800W is outside GPU 0's power limit range"),
                          HasSubstr("envelope 4000W is below the 6400W the 8 GPUs need")));
  auto enough = parsed(document("e", "enforce", 0, "{node: true}", "{power_budget: {envelope_watts: 4000W}}"), "e.yaml");
  EXPECT_THAT(check_device_constraints(enough, gpus), IsEmpty());
}
