#include "policy/policy_controller.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "control/audit_log.hpp"
#include "policy_test_support.hpp"
#include "temp_tree.hpp"

using namespace ainode;
using namespace ainode::testing;
using ::testing::HasSubstr;

namespace {

// A driver that remembers every call and keeps each GPU's power limit, so
// the controller reads back what it set (as from NVML on the next cycle).
class FakeDriver : public ActuatorBackend {
 public:
  struct Shared {
    std::mutex mutex;
    std::vector<ActuationRequest> calls;
    std::map<std::string, double> limits;  // uuid -> watts
    ActuationCode answer = ActuationCode::applied;
  };
  explicit FakeDriver(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
  ActuationResult apply(const ActuationRequest& request) override {
    std::lock_guard lock(shared_->mutex);
    shared_->calls.push_back(request);
    ActuationResult result;
    result.code = shared_->answer;
    if (result.code == ActuationCode::no_permission) result.detail = "NVML_ERROR_NO_PERMISSION: run as root";
    if (result.code == ActuationCode::applied && request.setting.knob == Knob::power_limit) {
      shared_->limits[request.uuid] = request.setting.watts;
    }
    return result;
  }

 private:
  std::shared_ptr<Shared> shared_;
};

class PolicyControllerTest : public ::testing::Test {
 protected:
  PolicyControllerTest() {
    std::filesystem::create_directories(tree_.path() / "policies");
    std::filesystem::create_directories(tree_.path() / "state");
    driver_->limits["GPU-0"] = 700;
    driver_->limits["GPU-1"] = 700;
  }

  void write_profile(const std::string& name, const std::string& yaml) {
    std::ofstream(tree_.path() / "policies" / name) << yaml;
  }

  std::unique_ptr<PolicyController> make() {
    PolicyControllerOptions options;
    options.directory = (tree_.path() / "policies").string();
    options.state_dir = (tree_.path() / "state").string();
    options.boot_id = "boot-1";
    options.envelope_watts = envelope_;
    return std::make_unique<PolicyController>(options, std::make_unique<FakeDriver>(driver_), events_, control_);
  }

  // One cycle at `second` with the GPUs at these utilizations, their
  // limits as the fake driver holds them; waits for the calls it made.
  void cycle(PolicyController& c, int second, std::vector<double> utilization) {
    PolicyCycle input;
    input.now = at_second(second);
    for (unsigned i = 0; i < utilization.size(); ++i) {
      std::lock_guard lock(driver_->mutex);
      std::string uuid = "GPU-" + std::to_string(i);
      if (!driver_->limits.count(uuid)) driver_->limits[uuid] = 700;
      input.gpus.push_back(h100(i, utilization[i], driver_->limits[uuid]));
      input.driver_versions[uuid] = driver_version_;
    }
    c.observe(input);
    ASSERT_TRUE(c.wait_for_actuator(std::chrono::seconds(5)));
  }

  std::size_t calls() {
    std::lock_guard lock(driver_->mutex);
    return driver_->calls.size();
  }
  double limit(const std::string& uuid) {
    std::lock_guard lock(driver_->mutex);
    return driver_->limits[uuid];
  }
  std::vector<nlohmann::json> events(const std::string& type) {
    std::vector<nlohmann::json> out;
    for (const auto& e : events_.recent(1000)) {
      if (e->type() == type) out.push_back(nlohmann::json::parse(e->json())["payload"]);
    }
    return out;
  }
  std::string audit_text() {
    std::ifstream in(tree_.path() / "state" / "audit.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  TempTree tree_;
  std::shared_ptr<FakeDriver::Shared> driver_ = std::make_shared<FakeDriver::Shared>();
  EventBus events_;
  AuditLog audit_{AuditLogOptions{(tree_.path() / "state" / "audit.log").string(), 1 << 20, 1}};
  ControlApi control_{audit_, events_, ControlAuthPolicy{}};
  std::optional<double> envelope_;
  std::string driver_version_ = "550.54";
};

TEST_F(PolicyControllerTest, CapsAfterForRecordsTheOriginalAndRestoresAfterCooldown) {
  write_profile("cap.yaml", canonical());
  auto c = make();
  int t = 0;
  // The 10 s window is 90% covered at t = 9, then 20 s of for:.
  for (; t < 29; ++t) cycle(*c, t, {0.2});
  EXPECT_EQ(calls(), 0u) << "nothing before the window is covered and for: has passed";
  cycle(*c, t++, {0.2});  // t = 29
  ASSERT_EQ(calls(), 1u);
  EXPECT_DOUBLE_EQ(limit("GPU-0"), 250);
  cycle(*c, t++, {0.2});  // the result is handled on the next cycle
  auto actions = events("policy_action");
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0]["result"], "applied");
  EXPECT_EQ(actions[0]["before"], 700);
  EXPECT_EQ(actions[0]["after"], 250);
  EXPECT_EQ(actions[0]["mode"], "enforce");
  EXPECT_EQ(actions[0]["action"], "power_limit");
  // The original is on disk.
  OwnershipStore disk((tree_.path() / "state" / "policy-ownership.json").string());
  ASSERT_EQ(disk.load(), std::nullopt);
  ASSERT_NE(disk.find("GPU-0", Knob::power_limit), nullptr);
  EXPECT_DOUBLE_EQ(disk.find("GPU-0", Knob::power_limit)->original.watts, 700);
  EXPECT_THAT(audit_text(), HasSubstr("\"policy:max-250w-when-light\""));
  EXPECT_THAT(audit_text(), HasSubstr("gpu.utilization avg 10s"));
  auto view = c->view();
  EXPECT_EQ(view["profiles"][0]["gpus"][0]["state"], "applied");
  EXPECT_EQ(view["profiles"][0]["gpus"][0]["applied"]["power_limit"], 250);
  EXPECT_EQ(view["profiles"][0]["gpus"][0]["original"]["power_limit"], 700);
  EXPECT_EQ(view["profiles"][0]["active"], true);
  // Load rises: lifted once the average is above 0.5 for the 30 s cooldown.
  for (; t < 120 && limit("GPU-0") == 250; ++t) cycle(*c, t, {0.9});
  EXPECT_DOUBLE_EQ(limit("GPU-0"), 700);
  EXPECT_GE(t, 30 + 30);
  cycle(*c, t++, {0.9});
  auto restored = events("policy_restored");
  ASSERT_EQ(restored.size(), 1u);
  EXPECT_EQ(restored[0]["result"], "restored");
  disk.load();
  EXPECT_TRUE(disk.empty());
  MetricSet metrics;
  c->add_metrics(metrics);
}

TEST_F(PolicyControllerTest, DryRunChangesNothingButAuditsWhatItWouldDo) {
  write_profile("cap.yaml", canonical("dry_run"));
  auto c = make();
  for (int t = 0; t < 40; ++t) cycle(*c, t, {0.2});
  EXPECT_EQ(calls(), 0u);
  auto actions = events("policy_action");
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0]["result"], "dry_run");
  EXPECT_EQ(actions[0]["after"], 250);
  EXPECT_THAT(audit_text(), HasSubstr("\"dry_run\""));
  EXPECT_EQ(c->view()["profiles"][0]["gpus"][0]["reason"], "dry_run: would apply");
}

TEST_F(PolicyControllerTest, NoPermissionIsReportedOnceAndNotRetried) {
  write_profile("cap.yaml", canonical());
  driver_->answer = ActuationCode::no_permission;
  auto c = make();
  for (int t = 0; t < 200; ++t) cycle(*c, t, {0.2});
  EXPECT_EQ(calls(), 1u);
  auto actions = events("policy_action");
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0]["result"], "no_permission");
  EXPECT_THAT(actions[0]["reason"].get<std::string>(), HasSubstr("root"));
  auto gpu = c->view()["profiles"][0]["gpus"][0];
  EXPECT_EQ(gpu["state"], "error");
  // Nothing was changed, so nothing is owned.
  EXPECT_TRUE(c->view()["owned"].empty());
}

TEST_F(PolicyControllerTest, AnExternalChangeIsLeftAloneWithAConflict) {
  write_profile("cap.yaml", canonical());
  auto c = make();
  int t = 0;
  for (; t <= 31; ++t) cycle(*c, t, {0.2});
  ASSERT_DOUBLE_EQ(limit("GPU-0"), 250);
  {
    std::lock_guard lock(driver_->mutex);
    driver_->limits["GPU-0"] = 400;  // nvidia-smi -pl 400
  }
  std::size_t before = calls();
  for (; t < 300; ++t) cycle(*c, t, {0.2 + (t % 50 < 25 ? 0 : 0.7)});
  EXPECT_EQ(calls(), before) << "the engine does not fight, nor restore over the operator";
  EXPECT_DOUBLE_EQ(limit("GPU-0"), 400);
  auto conflicts = events("policy_conflict");
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0]["before"], 250);
  EXPECT_EQ(conflicts[0]["after"], 400);
  EXPECT_EQ(conflicts[0]["result"], "backed_off");
  EXPECT_EQ(c->view()["profiles"][0]["gpus"][0]["state"], "backed_off");
  // A reload hands the GPU back.
  c->reload();
  for (int end = t + 40; t < end; ++t) cycle(*c, t, {0.2});
  EXPECT_DOUBLE_EQ(limit("GPU-0"), 250);
}

TEST_F(PolicyControllerTest, ADriverResetIsReappliedNotTakenForAnOperator) {
  write_profile("cap.yaml", canonical());
  auto c = make();
  int t = 0;
  for (; t <= 31; ++t) cycle(*c, t, {0.2});
  ASSERT_DOUBLE_EQ(limit("GPU-0"), 250);
  {
    std::lock_guard lock(driver_->mutex);
    driver_->limits["GPU-0"] = 700;  // driver reloaded: back at the default
  }
  driver_version_ = "550.90";
  for (int end = t + 3; t < end; ++t) cycle(*c, t, {0.2});
  EXPECT_DOUBLE_EQ(limit("GPU-0"), 250);
  EXPECT_TRUE(events("policy_conflict").empty());
}

TEST_F(PolicyControllerTest, AfterACrashTheNextStartRestoresTheRecordedOriginal) {
  write_profile("cap.yaml", canonical());
  {
    auto c = make();
    for (int t = 0; t <= 31; ++t) cycle(*c, t, {0.2});
    ASSERT_DOUBLE_EQ(limit("GPU-0"), 250);
    // No stop(): the process dies here (kill -9) with the cap in force.
    std::filesystem::remove(tree_.path() / "policies" / "cap.yaml");
  }
  ASSERT_DOUBLE_EQ(limit("GPU-0"), 250);
  auto c = make();
  cycle(*c, 1000, {0.2});
  EXPECT_DOUBLE_EQ(limit("GPU-0"), 700);
  cycle(*c, 1001, {0.2});
  auto restored = events("policy_restored");
  ASSERT_EQ(restored.size(), 1u);
  EXPECT_THAT(restored[0]["reason"].get<std::string>(), HasSubstr("stopped without restoring"));
  EXPECT_TRUE(c->view()["owned"].empty());
}

TEST_F(PolicyControllerTest, StopRestoresEverythingOwned) {
  write_profile("cap.yaml", canonical());
  auto c = make();
  for (int t = 0; t <= 31; ++t) cycle(*c, t, {0.2, 0.3});
  ASSERT_DOUBLE_EQ(limit("GPU-1"), 250);
  c->stop(std::chrono::seconds(5));
  EXPECT_DOUBLE_EQ(limit("GPU-0"), 700);
  EXPECT_DOUBLE_EQ(limit("GPU-1"), 700);
  EXPECT_TRUE(c->view()["owned"].empty());
}

TEST_F(PolicyControllerTest, FlappingLoadMakesNoMoreChangesThanAllowed) {
  write_profile("cap.yaml", canonical("enforce", "  max_changes_per_hour: 2\n").replace(
                                canonical().find("for: 20s"), 8, "for: 10s"));
  auto c = make();
  // 40 s low, 40 s high, for an hour.
  for (int t = 0; t < 3600; ++t) cycle(*c, t, {(t / 40) % 2 == 0 ? 0.1 : 0.95});
  std::size_t caps = 0;
  for (const auto& call : driver_->calls) caps += call.setting.watts < 700 ? 1 : 0;
  EXPECT_LE(caps, 2u);
  EXPECT_GE(caps, 1u);
}

TEST_F(PolicyControllerTest, StepsAtMostStepWattsAtATime) {
  write_profile("cap.yaml", canonical("enforce", "  step_watts: 100W\n"));
  auto c = make();
  for (int t = 0; t < 45; ++t) cycle(*c, t, {0.2});
  ASSERT_DOUBLE_EQ(limit("GPU-0"), 250);
  std::vector<double> steps;
  for (const auto& call : driver_->calls) steps.push_back(call.setting.watts);
  EXPECT_EQ(steps, (std::vector<double>{600, 500, 400, 300, 250}));
  // Five steps towards one target are one change.
  EXPECT_EQ(events("policy_action").size(), 5u);
}

TEST_F(PolicyControllerTest, EightGpusOnANodeBudgetStayInsideTheEnvelope) {
  envelope_ = 3000;
  write_profile("budget.yaml",
                "apiVersion: ainode.io/v1\nkind: EfficiencyProfile\nmetadata: {name: budget}\nspec:\n  mode: enforce\n"
                "  selector: {node: true}\n  for: 0s\n  then:\n    power_budget: {envelope_watts: envelope, min_watts_per_gpu: 200W}\n");
  auto c = make();
  std::vector<double> load{0.95, 0.95, 0.9, 0.9, 0.05, 0.05, 0.0, 0.0};
  for (int t = 0; t < 5; ++t) cycle(*c, t, load);
  double sum = 0;
  for (unsigned i = 0; i < 8; ++i) sum += limit("GPU-" + std::to_string(i));
  EXPECT_LE(sum, 3000.5);
  EXPECT_GT(limit("GPU-0"), limit("GPU-7") + 150);
  EXPECT_GE(limit("GPU-7"), 200);
}

TEST_F(PolicyControllerTest, ABadFileKeepsItsPreviousProfilesAndIsReported) {
  write_profile("cap.yaml", canonical());
  auto c = make();
  cycle(*c, 0, {0.2});
  ASSERT_EQ(c->view()["profiles"].size(), 1u);
  // A typo; a different size, so the change is seen.
  write_profile("cap.yaml", canonical() + "  selektor: {}\n");
  cycle(*c, 1, {0.2});
  auto view = c->view();
  ASSERT_EQ(view["profiles"].size(), 1u) << "the previous version stays in force";
  ASSERT_EQ(view["files"][0]["ok"], false);
  EXPECT_THAT(view["files"][0]["errors"][0]["text"].get<std::string>(), HasSubstr("cap.yaml:"));
  EXPECT_THAT(view["files"][0]["errors"][0]["text"].get<std::string>(), HasSubstr("selektor"));
  ASSERT_EQ(events("policy_file_invalid").size(), 1u);
  cycle(*c, 2, {0.2});
  EXPECT_EQ(events("policy_file_invalid").size(), 1u) << "reported once, not every cycle";
  // A contradicting profile in another file is refused, the first stays.
  write_profile("zz.yaml", canonical().replace(canonical().find("max-250w-when-light"), 19, "other-cap"));
  cycle(*c, 3, {0.2});
  view = c->view();
  ASSERT_EQ(view["profiles"].size(), 1u);
  EXPECT_THAT(view["files"][1]["errors"][0]["message"].get<std::string>(), HasSubstr("contradicts"));
}

TEST_F(PolicyControllerTest, AModeOverrideSurvivesARestartAndTurningOffRestores) {
  write_profile("cap.yaml", canonical());
  {
    auto c = make();
    int t = 0;
    for (; t <= 31; ++t) cycle(*c, t, {0.2});
    ASSERT_DOUBLE_EQ(limit("GPU-0"), 250);
    auto outcome = c->set_mode("max-250w-when-light", "off");
    EXPECT_EQ(outcome.status, 200u);
    cycle(*c, t++, {0.2});
    EXPECT_DOUBLE_EQ(limit("GPU-0"), 700);
    EXPECT_EQ(c->set_mode("nope", "off").status, 404u);
    EXPECT_EQ(c->set_mode("max-250w-when-light", "loud").status, 400u);
    c->stop();
  }
  auto c = make();
  cycle(*c, 100, {0.2});
  EXPECT_EQ(c->view()["profiles"][0]["mode"], "off");
  EXPECT_EQ(c->view()["profiles"][0]["file_mode"], "enforce");
}

TEST_F(PolicyControllerTest, WithoutAStateDirectoryEnforceOnlyDryRuns) {
  write_profile("cap.yaml", canonical());
  PolicyControllerOptions options;
  options.directory = (tree_.path() / "policies").string();
  PolicyController c(options, std::make_unique<FakeDriver>(driver_), events_, control_);
  for (int t = 0; t < 40; ++t) cycle(c, t, {0.2});
  EXPECT_EQ(calls(), 0u);
  EXPECT_EQ(c.view()["enforcement"]["available"], false);
  EXPECT_EQ(c.view()["profiles"][0]["mode"], "dry_run");
}

}  // namespace
