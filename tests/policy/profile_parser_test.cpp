#include "policy/profile_parser.hpp"

#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <string>
#include <vector>

using namespace ainode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

// The canonical example of issue 16 (ESNODE's), verbatim: the user-facing
// contract, which must be accepted exactly as written.
constexpr const char* kCanonical = R"(apiVersion: ainode.io/v1
kind: EfficiencyProfile
metadata:
  name: max-250w-when-light
spec:
  mode: enforce                # off | dry_run (the default when absent) | enforce
  selector:
    gpus: all                  # or a list of indices / UUIDs, or model: "H100*", or namespace: …
  when:
    - signal: gpu.utilization  # 0..1
      window: 30s
      avg_below: 0.5           # also avg_above, max_below, max_above
  for: 60s                     # the condition must hold this long before acting
  cooldown: 120s               # and be false this long before the action is lifted
  then:
    power_limit: 250W          # or "60%" of the default limit
)";

std::vector<std::string> errors_of(const std::string& yaml) {
  std::vector<std::string> lines;
  for (const auto& error : parse_profile(yaml, "p.yaml").errors) lines.push_back(format_profile_error(error));
  return lines;
}

// A valid profile with `spec_tail` appended under spec (indented two spaces)
// after a default selector, and `then` given separately.
std::string profile_with(const std::string& spec_lines, const std::string& then_lines = "    power_limit: 250W\n") {
  return "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata:\n  name: test\nspec:\n  selector:\n    gpus: all\n" +
         spec_lines + "  then:\n" + then_lines;
}

// Lines of profile_with: the first spec_lines line is line 8.
std::string when_of(const std::string& condition_lines) { return profile_with("  when:\n" + condition_lines); }

}  // namespace

TEST(ProfileParser, CanonicalExampleIsAcceptedAsWritten) {
  auto result = parse_profile(kCanonical, "max-250w.yaml");
  ASSERT_TRUE(result.ok()) << format_profile_error(result.errors.front());
  ASSERT_EQ(result.profiles.size(), 1u);
  const auto& profile = result.profiles[0];
  EXPECT_EQ(profile.name, "max-250w-when-light");
  EXPECT_EQ(profile.mode, PolicyMode::enforce);
  EXPECT_EQ(profile.priority, 0);
  EXPECT_TRUE(profile.selector.all_gpus);
  ASSERT_EQ(profile.when.size(), 1u);
  EXPECT_EQ(profile.when[0].signal, PolicySignal::gpu_utilization);
  EXPECT_EQ(profile.when[0].window, std::chrono::seconds(30));
  ASSERT_TRUE(profile.when[0].avg_below);
  EXPECT_DOUBLE_EQ(profile.when[0].avg_below->value, 0.5);
  EXPECT_EQ(profile.when[0].line, 10);
  EXPECT_EQ(profile.hold_for, std::chrono::seconds(60));
  EXPECT_EQ(profile.cooldown, std::chrono::seconds(120));
  ASSERT_TRUE(profile.then.power_limit && profile.then.power_limit->watts);
  EXPECT_DOUBLE_EQ(*profile.then.power_limit->watts, 250);
  EXPECT_EQ(profile.file, "max-250w.yaml");
  EXPECT_EQ(profile.line_of("spec.then.power_limit"), 16);
}

TEST(ProfileParser, DefaultsWhenAbsent) {
  auto result = parse_profile(profile_with(""), "p.yaml");
  ASSERT_TRUE(result.ok());
  const auto& profile = result.profiles.at(0);
  EXPECT_EQ(profile.mode, PolicyMode::dry_run);
  EXPECT_EQ(profile.priority, 0);
  EXPECT_EQ(profile.hold_for, std::chrono::seconds(60));
  EXPECT_EQ(profile.cooldown, std::chrono::seconds(120));
  EXPECT_EQ(profile.max_changes_per_hour, 6u);
  EXPECT_FALSE(profile.step_watts);
  EXPECT_FALSE(profile.floor_watts);
  EXPECT_TRUE(profile.when.empty());
}

TEST(ProfileParser, EveryFieldParses) {
  auto result = parse_profile(R"(apiVersion: ainode.io/v1
kind: EfficiencyProfile
metadata:
  name: night-cap
  labels: {team: infra}
  annotations: {owner: sre}
spec:
  mode: "off"
  priority: -5
  selector:
    gpus: [0, 3, GPU-8f6f2a1e-0000-4b3c-9e1d-000000000001]
    model: "H100*"
    mig: false
    namespace: training
    pod_labels: {app: llm}
  when:
    - {signal: gpu.memory_used, window: 5m, avg_above: 40GiB, max_below: 70GiB}
    - {signal: gpu.temperature, above: 85}
    - {signal: gpu.power, window: 1m, max_above: 300W}
    - {signal: time_of_day, between: "22:00-06:00"}
    - {signal: no_workload, equals: false}
    - {signal: gpu.memory_utilization, below: 0.2}
  for: 1m30s
  cooldown: 0
  max_changes_per_hour: 2
  step_watts: 50W
  floor_watts: 150
  then:
    power_limit: 60%
    locked_clocks: {min_mhz: 900, max_mhz: 1500}
    memory_locked_clocks: {min_mhz: 1593, max_mhz: 1593}
    application_clocks: {memory_mhz: 1593, graphics_mhz: 1410}
)",
                              "p.yaml");
  ASSERT_TRUE(result.ok()) << format_profile_error(result.errors.front());
  const auto& p = result.profiles.at(0);
  EXPECT_EQ(p.mode, PolicyMode::off);
  EXPECT_EQ(p.priority, -5);
  EXPECT_EQ(p.labels.at("team"), "infra");
  EXPECT_FALSE(p.selector.all_gpus);
  EXPECT_THAT(p.selector.gpu_indices, ElementsAre(0u, 3u));
  EXPECT_THAT(p.selector.gpu_uuids, ElementsAre("GPU-8f6f2a1e-0000-4b3c-9e1d-000000000001"));
  EXPECT_EQ(p.selector.model, "H100*");
  EXPECT_EQ(p.selector.mig, false);
  EXPECT_EQ(p.selector.namespace_name, "training");
  EXPECT_EQ(p.selector.pod_labels.at("app"), "llm");
  ASSERT_EQ(p.when.size(), 6u);
  EXPECT_DOUBLE_EQ(p.when[0].avg_above->value, 40.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(p.when[0].max_below->value, 70.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(p.when[1].above->value, 85);
  EXPECT_DOUBLE_EQ(p.when[2].max_above->value, 300);
  EXPECT_EQ(p.when[3].between->start_minute, 22 * 60);
  EXPECT_EQ(p.when[3].between->end_minute, 6 * 60);
  EXPECT_FALSE(p.when[4].equals);
  EXPECT_EQ(p.hold_for, std::chrono::seconds(90));
  EXPECT_EQ(p.cooldown, std::chrono::seconds(0));
  EXPECT_EQ(p.max_changes_per_hour, 2u);
  EXPECT_DOUBLE_EQ(*p.step_watts, 50);
  EXPECT_DOUBLE_EQ(*p.floor_watts, 150);
  EXPECT_DOUBLE_EQ(*p.then.power_limit->percent_of_default, 60);
  EXPECT_EQ(p.then.locked_clocks->min_mhz, 900u);
  EXPECT_EQ(p.then.memory_locked_clocks->max_mhz, 1593u);
  EXPECT_EQ(p.then.application_clocks->graphics_mhz, 1410u);
}

TEST(ProfileParser, NodePowerBudget) {
  auto result = parse_profile(R"(apiVersion: ainode.io/v1
kind: EfficiencyProfile
metadata: {name: node-budget}
spec:
  mode: enforce
  selector: {node: true}
  when:
    - {signal: node.power, window: 1m, avg_above: envelope}
  then:
    power_budget: {envelope_watts: envelope, min_watts_per_gpu: 200W}
---
apiVersion: ainode.io/v1
kind: EfficiencyProfile
metadata: {name: fixed-budget}
spec:
  selector: {node: true}
  then:
    power_budget: {envelope_watts: 4800}
)",
                              "p.yaml");
  ASSERT_TRUE(result.ok()) << format_profile_error(result.errors.front());
  ASSERT_EQ(result.profiles.size(), 2u);
  EXPECT_TRUE(result.profiles[0].when[0].avg_above->envelope);
  EXPECT_FALSE(result.profiles[0].then.power_budget->envelope_watts);
  EXPECT_DOUBLE_EQ(result.profiles[0].then.power_budget->min_watts_per_gpu, 200);
  EXPECT_DOUBLE_EQ(*result.profiles[1].then.power_budget->envelope_watts, 4800);
  EXPECT_EQ(result.profiles[1].line, 12);
}

TEST(ProfileParser, MultiDocumentKeepsValidProfilesAndReportsTheOthers) {
  std::string text = profile_with("") + "---\n" + profile_with("  mode: sometimes\n") + "---\n";
  auto result = parse_profile(text, "p.yaml");
  EXPECT_EQ(result.documents, 2u);
  ASSERT_EQ(result.profiles.size(), 1u);
  EXPECT_THAT(errors_of(text), ElementsAre("p.yaml:18: spec.mode: invalid mode 'sometimes' (expected off, dry_run or enforce)"));
}

TEST(ProfileParser, EmptyFileHasNoProfiles) {
  auto result = parse_profile("# nothing here\n", "p.yaml");
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.documents, 0u);
}

TEST(ProfileParser, InvalidYamlNamesTheLine) {
  EXPECT_THAT(errors_of("apiVersion: ainode.io/v1\nkind: [unclosed\n"),
              ElementsAre(HasSubstr("p.yaml:3: invalid YAML:")));
}

// yaml-cpp 0.7's LoadAll never returns on these (found by fuzzing); the
// parser must report them instead of hanging.
TEST(ProfileParser, InputThatHangsYamlCppLoadAllIsAnError) {
  EXPECT_THAT(errors_of(",apia"), ElementsAre("p.yaml:1: invalid YAML: unexpected content (no progress)"));
  EXPECT_THAT(errors_of(profile_with("") + "---\n, x\n"), ElementsAre(HasSubstr("invalid YAML")));
}

TEST(ProfileParser, UnknownFieldsAtEveryLevel) {
  EXPECT_THAT(errors_of(profile_with("  colour: blue\n")),
              ElementsAre(HasSubstr("p.yaml:8: spec.colour: unknown field (expected one of: mode, priority")));
  EXPECT_THAT(errors_of(profile_with("", "    power_limit: 250W\n    fan_speed: 100\n")),
              ElementsAre(HasSubstr("p.yaml:10: spec.then.fan_speed: unknown field")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.utilization, window: 1m, avg_below: 0.5, mean_below: 0.4}\n")),
              ElementsAre(HasSubstr("p.yaml:9: spec.when[0].mean_below: unknown field")));
  EXPECT_THAT(errors_of("extra: 1\n" + profile_with("")), ElementsAre(HasSubstr("p.yaml:1: extra: unknown field")));
  EXPECT_THAT(errors_of(profile_with("", "    locked_clocks: {min_mhz: 1, max_mhz: 2, step: 3}\n")),
              ElementsAre(HasSubstr("p.yaml:9: spec.then.locked_clocks.step: unknown field (expected one of: min_mhz, max_mhz)")));
}

TEST(ProfileParser, DuplicateFieldsAreRefused) {
  EXPECT_THAT(errors_of(profile_with("  for: 1m\n  for: 2m\n")), ElementsAre("p.yaml:9: spec.for: duplicate field"));
}

TEST(ProfileParser, MissingRequiredFields) {
  EXPECT_THAT(errors_of("kind: EfficiencyProfile\nmetadata: {name: x}\nspec: {selector: {gpus: all}, then: {power_limit: 1W}}\n"),
              ElementsAre("p.yaml:1: apiVersion: missing required field (apiVersion: ainode.io/v1)"));
  EXPECT_THAT(errors_of("apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata: {}\nspec:\n  then: {power_limit: 1W}\n"),
              ElementsAre("p.yaml:3: metadata.name: missing required field",
                          HasSubstr("p.yaml:4: spec.selector: missing required field")));
  EXPECT_THAT(errors_of("apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata: {name: x}\nspec:\n  selector: {gpus: all}\n"),
              ElementsAre(HasSubstr("p.yaml:4: spec.then: missing required field")));
  EXPECT_THAT(errors_of(when_of("    - window: 1m\n      avg_below: 0.5\n")),
              ElementsAre(HasSubstr("p.yaml:9: spec.when[0].signal: missing required field")));
  EXPECT_THAT(errors_of(profile_with("", "    locked_clocks: {min_mhz: 900}\n")),
              ElementsAre(HasSubstr("p.yaml:9: spec.then.locked_clocks.max_mhz: missing")));
  EXPECT_THAT(errors_of(profile_with("", "    application_clocks: {memory_mhz: 900}\n")),
              ElementsAre(HasSubstr("spec.then.application_clocks.graphics_mhz: missing")));
}

TEST(ProfileParser, WrongApiVersionKindAndName) {
  std::string text = profile_with("");
  EXPECT_THAT(errors_of("apiVersion: v2" + text.substr(text.find('\n'))),
              ElementsAre("p.yaml:1: apiVersion: unsupported apiVersion 'v2' (expected ainode.io/v1)"));
  std::string wrong_kind = text;
  wrong_kind.replace(wrong_kind.find("EfficiencyProfile"), 17, "PowerProfile");
  EXPECT_THAT(errors_of(wrong_kind), ElementsAre(HasSubstr("p.yaml:2: kind: unsupported kind 'PowerProfile'")));
  std::string bad_name = text;
  bad_name.replace(bad_name.find("name: test"), 10, "name: Max_250W");
  EXPECT_THAT(errors_of(bad_name), ElementsAre(HasSubstr("p.yaml:4: metadata.name: 'Max_250W' is not a DNS-1123 label")));
  bad_name.replace(bad_name.find("Max_250W"), 8, "-cap");
  EXPECT_THAT(errors_of(bad_name), ElementsAre(HasSubstr("is not a DNS-1123 label")));
  bad_name.replace(bad_name.find("-cap"), 4, std::string(64, 'a'));
  EXPECT_THAT(errors_of(bad_name), ElementsAre(HasSubstr("is not a DNS-1123 label")));
}

TEST(ProfileParser, WrongTypes) {
  EXPECT_THAT(errors_of(profile_with("  priority: high\n")), ElementsAre("p.yaml:8: spec.priority: expected an integer, got 'high'"));
  EXPECT_THAT(errors_of(profile_with("  priority: 1.5\n")), ElementsAre(HasSubstr("expected an integer")));
  EXPECT_THAT(errors_of(profile_with("  when: {signal: gpu.utilization}\n")),
              ElementsAre(HasSubstr("p.yaml:8: spec.when: expected a list of conditions")));
  EXPECT_THAT(errors_of(profile_with("  max_changes_per_hour: 0\n")),
              ElementsAre("p.yaml:8: spec.max_changes_per_hour: must be between 1 and 3600, got 0"));
  EXPECT_THAT(errors_of(profile_with("", "    power_limit: [250W]\n")),
              ElementsAre(HasSubstr("p.yaml:9: spec.then.power_limit: expected a single value")));
  EXPECT_THAT(errors_of(profile_with("", "    locked_clocks: 1500\n")),
              ElementsAre("p.yaml:9: spec.then.locked_clocks: expected a mapping"));
  EXPECT_THAT(errors_of("- a\n- b\n"), ElementsAre("p.yaml:1: expected a mapping"));
}

TEST(ProfileParser, WattsUnits) {
  EXPECT_THAT(errors_of(profile_with("", "    power_limit: 250 W\n")),
              ElementsAre("p.yaml:9: spec.then.power_limit: no space between the number and W: write 250W"));
  EXPECT_THAT(errors_of(profile_with("", "    power_limit: 250w\n")),
              ElementsAre("p.yaml:9: spec.then.power_limit: the unit is an uppercase W: write 250W"));
  EXPECT_THAT(errors_of(profile_with("", "    power_limit: 250\n")),
              ElementsAre(HasSubstr("p.yaml:9: spec.then.power_limit: missing unit in '250'")));
  EXPECT_THAT(errors_of(profile_with("", "    power_limit: 0W\n")), ElementsAre(HasSubstr("watts must be positive")));
  EXPECT_THAT(errors_of(profile_with("", "    power_limit: -100W\n")), ElementsAre(HasSubstr("watts must be positive")));
  EXPECT_THAT(errors_of(profile_with("", "    power_limit: 0.25kW\n")), ElementsAre(HasSubstr("invalid unit in '0.25kW'")));
  EXPECT_THAT(errors_of(profile_with("", "    power_limit: 150%\n")), ElementsAre(HasSubstr("at most 100%")));
  EXPECT_THAT(errors_of(profile_with("", "    power_limit: 0%\n")), ElementsAre(HasSubstr("above 0%")));
  EXPECT_THAT(errors_of(profile_with("  floor_watts: -5\n")), ElementsAre(HasSubstr("spec.floor_watts: watts must be positive")));
  EXPECT_THAT(errors_of(profile_with("  step_watts: 50 W\n")), ElementsAre(HasSubstr("spec.step_watts: no space")));
  EXPECT_TRUE(errors_of(profile_with("  step_watts: 50\n", "    power_limit: 87.5W\n")).empty());
}

TEST(ProfileParser, BadDurations) {
  EXPECT_THAT(errors_of(profile_with("  for: 60\n")),
              ElementsAre("p.yaml:8: spec.for: invalid duration '60' (write it like 30s, 5m, 1h30m)"));
  EXPECT_THAT(errors_of(profile_with("  cooldown: two minutes\n")), ElementsAre(HasSubstr("spec.cooldown: invalid duration")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.utilization, window: 5x, avg_below: 0.5}\n")),
              ElementsAre(HasSubstr("p.yaml:9: spec.when[0].window: invalid duration '5x'")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.utilization, window: 0, avg_below: 0.5}\n")),
              ElementsAre(HasSubstr("spec.when[0].window: a window must be longer than 0")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.utilization, window: 25h, avg_below: 0.5}\n")),
              ElementsAre(HasSubstr("at most 24h")));
}

TEST(ProfileParser, ConditionValuesFollowTheSignalsUnit) {
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.utilization, window: 1m, avg_below: 50}\n")),
              ElementsAre(HasSubstr("spec.when[0].avg_below: gpu.utilization is a ratio from 0 to 1 (write 0.5 for 50%)")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.memory_used, above: 40 GiB}\n")), ElementsAre(HasSubstr("no space")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.memory_used, above: 40gb}\n")), ElementsAre(HasSubstr("unknown unit in '40gb'")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.temperature, above: hot}\n")), ElementsAre(HasSubstr("expected a number, got 'hot'")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.temperature, above: 900}\n")), ElementsAre(HasSubstr("degrees Celsius")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.power, above: envelope}\n")), ElementsAre(HasSubstr("compare it with node.power")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.load, above: 1}\n")),
              ElementsAre(HasSubstr("p.yaml:9: spec.when[0].signal: unknown signal 'gpu.load'")));
  EXPECT_THAT(errors_of(when_of("    - {signal: time_of_day, between: \"25:00-06:00\"}\n")), ElementsAre(HasSubstr("invalid time range")));
  EXPECT_THAT(errors_of(when_of("    - {signal: time_of_day, between: \"06:00-06:00\"}\n")), ElementsAre(HasSubstr("empty time range")));
  EXPECT_THAT(errors_of(when_of("    - {signal: time_of_day}\n")), ElementsAre(HasSubstr("spec.when[0].between: missing")));
  EXPECT_THAT(errors_of(when_of("    - {signal: time_of_day, between: \"22:00-06:00\", above: 1}\n")),
              ElementsAre(HasSubstr("time_of_day has no above")));
  EXPECT_THAT(errors_of(when_of("    - {signal: no_workload, equals: maybe}\n")), ElementsAre(HasSubstr("expected true or false")));
  EXPECT_THAT(errors_of(when_of("    - {signal: no_workload, window: 5m}\n")), ElementsAre(HasSubstr("takes no window")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.utilization, between: \"22:00-06:00\", below: 0.5}\n")),
              ElementsAre(HasSubstr("between is only for time_of_day")));
}

TEST(ProfileParser, ComparisonsNeedTheRightWindow) {
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.utilization, avg_below: 0.5}\n")),
              ElementsAre(HasSubstr("p.yaml:9: spec.when[0].window: missing: avg_* and max_* compare over a window")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.temperature, window: 1m, above: 85}\n")),
              ElementsAre(HasSubstr("spec.when[0].window: above/below compare the latest reading")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.temperature, window: 1m}\n")), ElementsAre(HasSubstr("needs a comparison")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.temperature, window: 1m, avg_above: 80, above: 90}\n")),
              ElementsAre(HasSubstr("mixes windowed")));
}

TEST(ProfileParser, ContradictoryConditions) {
  EXPECT_THAT(errors_of(when_of("    - signal: gpu.utilization\n      window: 1m\n      avg_above: 0.6\n      avg_below: 0.4\n")),
              ElementsAre("p.yaml:11: spec.when[0].avg_above: contradicts avg_below: no value is above 0.6 and below 0.4"));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.power, window: 1m, max_above: 300W, max_below: 300W}\n")),
              ElementsAre(HasSubstr("max_above: contradicts max_below")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.temperature, above: 90, below: 80}\n")),
              ElementsAre(HasSubstr("above: contradicts below")));
  EXPECT_THAT(errors_of(when_of("    - {signal: gpu.utilization, window: 1m, avg_above: 0.7, max_below: 0.6}\n")),
              ElementsAre(HasSubstr("avg_above: contradicts max_below")));
  // A real band is fine.
  EXPECT_TRUE(errors_of(when_of("    - {signal: gpu.utilization, window: 1m, avg_above: 0.2, avg_below: 0.6}\n")).empty());
}

TEST(ProfileParser, SelectorRules) {
  auto selector = [](const std::string& lines) {
    return "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata: {name: s}\nspec:\n  selector:\n" + lines +
           "  then: {power_limit: 200W}\n";
  };
  EXPECT_THAT(errors_of(selector("    gpus: some\n")), ElementsAre(HasSubstr("p.yaml:6: spec.selector.gpus: expected all or a list")));
  EXPECT_THAT(errors_of(selector("    gpus: []\n")), ElementsAre(HasSubstr("non-empty list")));
  EXPECT_THAT(errors_of(selector("    gpus: [0, gpu-zero]\n")),
              ElementsAre(HasSubstr("'gpu-zero' is neither a GPU index (0-1023) nor a UUID")));
  EXPECT_THAT(errors_of(selector("    mig: sometimes\n")), ElementsAre(HasSubstr("spec.selector.mig: expected true or false")));
  EXPECT_THAT(errors_of(selector("    pod_labels: [app]\n")), ElementsAre(HasSubstr("spec.selector.pod_labels: expected a mapping")));
  EXPECT_THAT(errors_of(selector("    {}\n")), ElementsAre(HasSubstr("empty selector; write gpus: all")));
  EXPECT_THAT(errors_of(selector("    node: true\n    model: H100*\n")),
              ElementsAre(HasSubstr("p.yaml:6: spec.selector.node: a node-level profile covers every GPU"),
                          HasSubstr("p.yaml:6: spec.selector.node: a node-level profile takes only power_budget")));
}

TEST(ProfileParser, ActionRules) {
  EXPECT_THAT(errors_of(profile_with("", "    {}\n")), ElementsAre(HasSubstr("spec.then: no action")));
  EXPECT_THAT(errors_of(profile_with("", "    locked_clocks: {min_mhz: 1500, max_mhz: 900}\n")),
              ElementsAre("p.yaml:9: spec.then.locked_clocks: min_mhz 1500 is above max_mhz 900"));
  EXPECT_THAT(errors_of(profile_with("", "    memory_locked_clocks: {min_mhz: 0, max_mhz: 900}\n")),
              ElementsAre(HasSubstr("spec.then.memory_locked_clocks.min_mhz: must be between 1 and 100000"), HasSubstr("min_mhz: missing")));
  EXPECT_THAT(errors_of(profile_with("", "    power_budget: {envelope_watts: 3000W}\n")),
              ElementsAre(HasSubstr("spec.then.power_budget: a node power budget needs selector.node: true")));
  EXPECT_THAT(errors_of(profile_with("  step_watts: 50W\n", "    locked_clocks: {min_mhz: 900, max_mhz: 1500}\n")),
              ElementsAre("p.yaml:8: spec.step_watts: only applies to power_limit or power_budget"));
  std::string node = "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata: {name: n}\nspec:\n  selector: {node: true}\n  then:\n";
  EXPECT_THAT(errors_of(node + "    power_budget: {min_watts_per_gpu: 100W}\n"),
              ElementsAre(HasSubstr("spec.then.power_budget.envelope_watts: missing required field")));
  EXPECT_THAT(errors_of(node + "    power_budget: {envelope_watts: 100W, min_watts_per_gpu: 200W}\n"),
              ElementsAre(HasSubstr("min_watts_per_gpu: is above envelope_watts")));
  EXPECT_THAT(errors_of(node + "    power_limit: 200W\n"), ElementsAre(HasSubstr("a node-level profile takes only power_budget")));
  EXPECT_THAT(errors_of(node + "    power_budget: {envelope_watts: envelope}\n    power_limit: 200W\n"),
              ElementsAre(HasSubstr("takes only power_budget"), HasSubstr("power_limit and power_budget both set the power limit")));
}
