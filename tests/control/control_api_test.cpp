#include "control/control_api.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "temp_tree.hpp"

using namespace ainode;
using ainode::testing::TempTree;

namespace {

const std::string kToken = "0123456789abcdef0123456789abcdef";

struct Fixture {
  TempTree tree;
  std::string path = (tree.path() / "audit.log").string();
  AuditLog audit{{path, 1 << 20, 1}};
  EventBus events;
  ControlApi api{audit, events, {}};
  int reloads = 0;

  Fixture() {
    api.add_action("/v1/control/reload", {"POST", "reload", true, [this](const ControlCall&) {
                                            ++reloads;
                                            ControlOutcome outcome;
                                            outcome.before = {{"x", 1}};
                                            outcome.after = {{"x", 2}};
                                            return outcome;
                                          }});
    api.add_action("/v1/control/whoami", {"GET", "whoami", false, [](const ControlCall& call) {
                                            ControlOutcome outcome;
                                            outcome.body = {{"method", to_string(call.identity.method)}};
                                            return outcome;
                                          }});
    api.add_action("/v1/control/policies/{name}/mode", {"POST", "policy_mode", true, [](const ControlCall& call) {
                                                          ControlOutcome outcome;
                                                          outcome.body = call.parameters;
                                                          return outcome;
                                                        }});
  }

  HttpResponse call(std::string method, std::string target, std::string peer, std::string authorization = "",
                    std::string subject = "", std::string body = "") {
    HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.peer_address = std::move(peer);
    request.authorization = std::move(authorization);
    request.client_cert_subject = std::move(subject);
    request.body = std::move(body);
    return api.handle(request);
  }

  std::vector<nlohmann::json> audit_lines() {
    std::ifstream in(path);
    std::vector<nlohmann::json> out;
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }
};

nlohmann::json body(const HttpResponse& response) { return nlohmann::json::parse(*response.body); }

}  // namespace

TEST(ControlApi, LoopbackReloadRunsAndIsAuditedBeforeAndAfter) {
  Fixture f;
  auto response = f.call("POST", "/v1/control/reload", "127.0.0.1");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(body(response)["result"], "ok");
  EXPECT_EQ(f.reloads, 1);
  auto lines = f.audit_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["stage"], "request");
  EXPECT_EQ(lines[1]["stage"], "response");
  EXPECT_EQ(lines[0]["request_id"], lines[1]["request_id"]);
  EXPECT_EQ(lines[1]["identity"]["method"], "loopback");
  EXPECT_EQ(lines[1]["before"]["x"], 1);
  EXPECT_EQ(lines[1]["after"]["x"], 2);
  auto recent = f.events.recent(10);
  ASSERT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent[0]->type(), "control_action");
  EXPECT_EQ(nlohmann::json::parse(recent[0]->json())["payload"]["action"], "reload");
}

TEST(ControlApi, RemoteIsRefusedByDefaultAndTheRefusalIsAudited) {
  Fixture f;
  auto response = f.call("POST", "/v1/control/reload", "10.0.0.5", "Bearer " + kToken);
  EXPECT_EQ(response.status, 403u);
  EXPECT_NE(body(response)["error"].get<std::string>().find("loopback"), std::string::npos);
  EXPECT_EQ(f.reloads, 0);
  auto lines = f.audit_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["result"], "refused");
  EXPECT_EQ(lines[0]["status"], 403);
  EXPECT_EQ(lines[0]["peer"], "10.0.0.5");
}

TEST(ControlApi, TokenRightWrongMissingWithRemoteAllowed) {
  Fixture f;
  f.api.set_auth_policy({true, kToken});
  EXPECT_EQ(f.call("POST", "/v1/control/reload", "10.0.0.5", "Bearer " + kToken).status, 200u);
  auto wrong = f.call("POST", "/v1/control/reload", "10.0.0.5", "Bearer nope");
  EXPECT_EQ(wrong.status, 401u);
  bool challenged = false;
  for (const auto& [name, value] : wrong.headers) challenged |= name == "WWW-Authenticate";
  EXPECT_TRUE(challenged);
  EXPECT_EQ(f.call("POST", "/v1/control/reload", "10.0.0.5").status, 401u);
  EXPECT_EQ(f.reloads, 1);
  auto lines = f.audit_lines();
  ASSERT_EQ(lines.size(), 4u);  // request + response, then two refusals
  EXPECT_EQ(lines[1]["identity"]["method"], "token");
  EXPECT_EQ(lines[2]["result"], "refused");
  EXPECT_EQ(lines[3]["result"], "refused");
}

TEST(ControlApi, ClientCertificateIdentityIsAudited) {
  Fixture f;
  f.api.set_auth_policy({true, ""});
  auto response = f.call("GET", "/v1/control/whoami", "10.0.0.5", "", "CN=ops-bot");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(body(response)["method"], "client_certificate");
  auto lines = f.audit_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["identity"]["subject"], "CN=ops-bot");
}

TEST(ControlApi, AnUnwritableAuditLogRefusesTheActionBeforeItRuns) {
  TempTree tree;
  AuditLog audit({"/dev/full", 1 << 20, 0});
  EventBus events;
  ControlApi api(audit, events, {});
  int runs = 0;
  api.add_action("/v1/control/reload", {"POST", "reload", true, [&runs](const ControlCall&) {
                                          ++runs;
                                          return ControlOutcome{};
                                        }});
  HttpRequest request;
  request.method = "POST";
  request.target = "/v1/control/reload";
  request.peer_address = "127.0.0.1";
  auto response = api.handle(request);
  EXPECT_EQ(response.status, 503u);
  EXPECT_NE(body(response)["error"].get<std::string>().find("audit"), std::string::npos);
  EXPECT_EQ(runs, 0);
  EXPECT_GE(api.stats().audit_failures, 1u);
}

TEST(ControlApi, MethodPathAndBodyChecks) {
  Fixture f;
  EXPECT_EQ(f.call("GET", "/v1/control/reload", "127.0.0.1").status, 405u);
  EXPECT_EQ(f.call("POST", "/v1/control/nothing", "127.0.0.1").status, 404u);
  EXPECT_EQ(f.call("POST", "/v1/control/reload", "127.0.0.1", "", "", "not json").status, 400u);
  EXPECT_EQ(f.reloads, 0);
}

TEST(ControlApi, PathSegmentsQueryAndBodyBecomeParameters) {
  Fixture f;
  auto response =
      f.call("POST", "/v1/control/policies/cap-idle/mode?dry=1", "127.0.0.1", "", "", R"({"mode":"enforce"})");
  ASSERT_EQ(response.status, 200u);
  auto b = body(response);
  EXPECT_EQ(b["name"], "cap-idle");
  EXPECT_EQ(b["mode"], "enforce");
  EXPECT_EQ(b["dry"], "1");
  EXPECT_EQ(f.audit_lines()[0]["parameters"]["name"], "cap-idle");
}

TEST(ControlApi, AutonomousActionsShareOneRequestId) {
  Fixture f;
  std::string id;
  ControlOutcome accepted;
  accepted.result = "accepted";
  CallerIdentity agent{AuthMethod::agent, "policy:cap-idle", ""};
  ASSERT_TRUE(f.api.audit_autonomous("power_limit", agent, {{"gpu", 0}}, "request", accepted, id));
  ControlOutcome done;
  ASSERT_TRUE(f.api.audit_autonomous("power_limit", agent, {{"gpu", 0}}, "response", done, id));
  auto lines = f.audit_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["request_id"], lines[1]["request_id"]);
  EXPECT_EQ(lines[1]["identity"]["method"], "agent");
}
