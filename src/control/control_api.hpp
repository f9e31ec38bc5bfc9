#pragma once
// The control API under /v1/control/: one place that authenticates, audits
// and runs everything that changes the agent or the machine, whether an
// operator asked over HTTP or the agent decided itself (policies).
//
// Order for every call: authorize -> audit -> run -> audit the outcome ->
// publish control_action. An action that changes state is audited before
// it runs ("request" stage), so a full or read-only disk refuses it (503)
// instead of letting it run unaudited.
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/audit_log.hpp"
#include "control/control_authenticator.hpp"
#include "events/event_bus.hpp"
#include "http/server.hpp"

namespace ainode {

struct ControlCall {
  CallerIdentity identity;
  nlohmann::json parameters = nlohmann::json::object();  // JSON body, query and {path} segments
};

struct ControlOutcome {
  unsigned status = 200;
  std::string result = "ok";  // "ok", "failed", "dry_run", "unchanged"
  std::string reason;         // for failures
  nlohmann::json body = nlohmann::json::object();  // answered to the caller (result/reason added)
  nlohmann::json before;      // state before and after, for the audit record
  nlohmann::json after;
};

struct ControlAction {
  std::string method = "POST";  // GET for read-only calls (whoami)
  std::string name;             // audit action name: "reload", "whoami", ...
  bool changes_state = true;
  std::function<ControlOutcome(const ControlCall&)> run;
};

class ControlApi {
 public:
  ControlApi(AuditLog& audit, EventBus& events, ControlAuthPolicy policy);

  // `pattern` is a path under /v1/control/, with {name} segments captured
  // into the parameters: "/v1/control/policies/{name}/mode".
  void add_action(std::string pattern, ControlAction action);
  void set_auth_policy(ControlAuthPolicy policy);

  // For any request whose path starts with /v1/control/.
  HttpResponse handle(const HttpRequest& request);

  // An action the agent takes by itself (policy engine, SIGHUP): audited
  // and published the same way. Returns false when the audit record could
  // not be written; then the caller must not change the machine.
  // `request_id` ties a "request" record to its "response": pass "" for
  // the first, and it is set for the second.
  bool audit_autonomous(const std::string& action, const CallerIdentity& identity, const nlohmann::json& parameters,
                        const std::string& stage, const ControlOutcome& outcome, std::string& request_id);

  struct Stats {
    std::map<std::pair<std::string, std::string>, std::uint64_t> requests;  // (action, result) -> count
    std::uint64_t audit_failures = 0;
  };
  Stats stats() const;

 private:
  struct Route {
    std::vector<std::string> segments;  // "{name}" captures
    ControlAction action;
  };
  const Route* match(std::string_view path, nlohmann::json& captures) const;
  void count(const std::string& action, const std::string& result);
  std::string next_request_id();
  void publish(const AuditRecord& record);

  AuditLog& audit_;
  EventBus& events_;
  std::vector<Route> routes_;
  mutable std::mutex mutex_;
  ControlAuthPolicy policy_;
  Stats stats_;
  std::atomic<std::uint64_t> request_counter_{0};
  std::string request_prefix_;
};

}  // namespace ainode
