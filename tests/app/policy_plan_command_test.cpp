#include "app/policy_plan_command.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace ainode;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

nlohmann::json gpu(const std::string& state, nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json g = {{"gpu", 0},
                      {"uuid", "GPU-a"},
                      {"state", state},
                      {"condition", {{"gpu.utilization avg 30s", 0.21}}},
                      {"desired", {{"power_limit", 250}}},
                      {"applied", nlohmann::json::object()},
                      {"original", nlohmann::json::object()},
                      {"next_change_at", "2026-12-02T06:00:00Z"},
                      {"reason", ""}};
  for (auto& [k, v] : extra.items()) g[k] = v;
  return g;
}

nlohmann::json doc(const std::string& mode, nlohmann::json gpus) {
  return {{"directory", "/etc/ainode/policies"},
          {"enforcement", {{"available", true}, {"reason", ""}}},
          {"profiles",
           {{{"name", "cap"}, {"file", "/etc/ainode/policies/cap.yaml"}, {"mode", mode}, {"priority", 3},
             {"active", true}, {"gpus", gpus}}}},
          {"files", nlohmann::json::array()}};
}

TEST(PolicyPlan, SaysWhatEachStateMeansAndWhy) {
  auto text = format_policy_plan(doc("enforce", {gpu("pending")}));
  EXPECT_THAT(text, HasSubstr("cap (enforce, priority 3, /etc/ainode/policies/cap.yaml) active"));
  EXPECT_THAT(text, HasSubstr("GPU 0 GPU-a: will set power_limit 250W at 2026-12-02T06:00:00Z if the condition keeps holding"));
  EXPECT_THAT(text, HasSubstr("because gpu.utilization avg 30s = 0.21"));
  text = format_policy_plan(doc("enforce", {gpu("applied", {{"applied", {{"power_limit", 250}}}})}));
  EXPECT_THAT(text, HasSubstr("holds power_limit 250W (wants power_limit 250W)"));
  text = format_policy_plan(doc("dry_run", {gpu("applied", {{"reason", "dry_run: would apply"}})}));
  EXPECT_THAT(text, HasSubstr("would set power_limit 250W now (dry run: nothing is changed)"));
  text = format_policy_plan(doc("enforce", {gpu("cooldown", {{"original", {{"power_limit", 700}}}})}));
  EXPECT_THAT(text, HasSubstr("will restore power_limit 700W at 2026-12-02T06:00:00Z unless the condition holds again"));
  text = format_policy_plan(doc("enforce", {gpu("backed_off", {{"reason", "changed by someone else"}})}));
  EXPECT_THAT(text, HasSubstr("backed_off: changed by someone else"));
  text = format_policy_plan(doc("enforce", {gpu("idle", {{"reason", "gpu.utilization avg 30s is 0.9, not below 0.5"}})}));
  EXPECT_THAT(text, HasSubstr("nothing: gpu.utilization avg 30s is 0.9, not below 0.5"));
}

TEST(PolicyPlan, ReportsFileErrorsAndUnavailableEnforcement) {
  nlohmann::json d = doc("enforce", nlohmann::json::array());
  d["enforcement"] = {{"available", false}, {"reason", "no state directory"}};
  d["files"] = {{{"file", "a.yaml"}, {"errors", {{{"text", "a.yaml:3: spec.x: unknown field"}}}}}};
  auto text = format_policy_plan(d);
  EXPECT_THAT(text, HasSubstr("enforcement unavailable: no state directory"));
  EXPECT_THAT(text, HasSubstr("selects no GPU"));
  EXPECT_THAT(text, HasSubstr("error: a.yaml:3: spec.x: unknown field"));
  d["profiles"] = nlohmann::json::array();
  EXPECT_THAT(format_policy_plan(d), HasSubstr("no profiles loaded from /etc/ainode/policies"));
  EXPECT_THAT(format_policy_plan(d), Not(HasSubstr("GPU 0")));
}

}  // namespace
